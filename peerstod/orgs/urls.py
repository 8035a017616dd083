from django.urls import path

from peerstod.orgs import views

app_name = "orgs"

urlpatterns = [
    path("organisationer/", views.organisation_list, name="list"),
    path("organisationer/<str:code>/", views.organisation_detail, name="organisation"),
    path("enheter/ny/", views.unit_create, name="unit_create"),
    path("enheter/<str:code>/", views.unit_detail, name="unit"),
    path("enheter/<str:code>/andra/", views.unit_edit, name="unit_edit"),
    path("avtal/", views.agreement_list, name="agreements"),
    path("avtal/nytt/", views.agreement_create, name="agreement_create"),
]
