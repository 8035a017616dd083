from django.urls import path

from peerstod.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobb/<str:code>/", views.detail, name="detail"),
    path("jobb/<str:code>/fil/", views.download, name="download"),
    path("jobb/<str:code>/radera-fil/", views.delete_file, name="delete_file"),
]
