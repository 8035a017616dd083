from django.urls import path

from peerstod.placement import views

app_name = "placement"

urlpatterns = [
    path("placering/", views.overview, name="overview"),
    path("placering/tjanst/ny/", views.position_create, name="position_create"),
    path("placering/tjanst/<str:code>/", views.position_detail, name="position"),
    path("placering/personalutbildning/", views.staff_training, name="staff_training"),
    path("placering/beredskap/<str:code>/", views.unit_readiness, name="readiness"),
    path("placering/matchning/", views.events, name="events"),
    path("placering/matchning/<str:code>/", views.event_detail, name="event"),
    path("placering/anstallningar/", views.employments, name="employments"),
    path("placering/anstallning/<str:code>/", views.employment_detail, name="employment"),
    path("placering/utbud-och-efterfragan/", views.supply, name="supply"),
    path("placering/uppfoljning/", views.follow_up, name="follow_up"),
]
