from django.urls import path

from peerstod.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("utfall/", views.index, name="index"),
    path("utfall/import/", views.import_file, name="import"),
    path("utfall/mall.xlsx", views.template, name="template"),
    path("utfall/exempel.xlsx", views.demo_file, name="demo_file"),
    path("utfall/registrera/", views.entry, name="entry"),
    path("utfall/analys/", views.analysis, name="analysis"),
]
