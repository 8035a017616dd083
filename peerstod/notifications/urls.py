from django.urls import path

from peerstod.notifications import views

app_name = "notifications"

urlpatterns = [
    path("paminnelser/", views.notifications, name="list"),
]
