from django.urls import path

from peerstod.supervision import views

app_name = "supervision"

urlpatterns = [
    path("handledning/", views.home, name="home"),
    path("handledning/tillfalle/<str:code>/", views.session, name="session"),
    path("handledning/min/", views.mine, name="mine"),
    path("handledning/sjalvskattning/", views.self_assessment, name="self_assessment"),
    path("handledning/avstamning/", views.check_ins, name="check_ins"),
    path("handledning/avstamning/atgard/<int:pk>/", views.action_done, name="action_done"),
    path("handledning/natverk/", views.meetings, name="meetings"),
    path("handledning/natverk/ny/", views.meeting_new, name="meeting_new"),
    path("handledning/natverk/<str:code>/", views.meeting, name="meeting"),
]
