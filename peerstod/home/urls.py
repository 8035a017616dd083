from django.urls import path

from peerstod.home import views

app_name = "home"

urlpatterns = [
    path("", views.start, name="start"),
    path("oversikt/", views.dashboard, name="dashboard"),
    path("granskningslogg/", views.audit_log, name="audit"),
    path("paminnelser/", views.notifications, name="notifications"),
]
