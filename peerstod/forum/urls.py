from django.urls import path

from peerstod.forum import views

app_name = "forum"

urlpatterns = [
    path("forum/", views.index, name="index"),
    path("forum/enhet/<str:code>/", views.detail, name="detail"),
    path("forum/mote/<str:code>/", views.meeting, name="meeting"),
    path("forum/svar/<str:code>/", views.answer, name="answer"),
    # Public, behind the forum's opaque code.
    path("ni-sa-vi-gjorde/", views.public_index, name="public_index"),
    path("ni-sa-vi-gjorde/<str:code>/", views.public, name="public"),
    path("ni-sa-vi-gjorde/<str:code>/affisch/", views.poster, name="poster"),
    path("ni-sa-vi-gjorde/<str:code>/forslag/", views.box, name="box"),
    path("ni-sa-vi-gjorde/<str:code>/qr.svg", views.qr, name="qr"),
]
