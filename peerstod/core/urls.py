from django.urls import path

from peerstod.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("oversikt/", views.dashboard, name="dashboard"),
    path("granskningslogg/", views.audit_log, name="audit"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
