from django.urls import path

from peerstod.work import views

app_name = "work"

urlpatterns = [
    path("arbete/", views.log, name="log"),
    path("arbete/aktivitet/<str:code>/", views.entry, name="entry"),
    path("arbete/schema/", views.schedule, name="schedule"),
    path("arbete/schema/kalenderlank/", views.feed_link, name="feed_link"),
    path("arbete/schema/<str:code>/", views.schedule_item, name="schedule_item"),
    path("arbete/kalender/<str:token>.ics", views.feed, name="feed"),
    path("arbete/affisch/<str:code>/", views.poster, name="poster"),
    path("arbete/rapport/", views.report, name="report"),
]
