from django.urls import path

from peerstod.surveys import views

app_name = "surveys"

urlpatterns = [
    path("enkater/", views.index, name="index"),
    path("enkater/instrument/", views.instruments, name="instruments"),
    path("enkater/instrument/<int:pk>/", views.instrument, name="instrument"),
    path("enkater/omgang/<str:code>/", views.round_detail, name="round"),
    path("enkater/omgang/<str:code>/lappar/", views.slips, name="slips"),
    path("enkater/omgang/<str:code>/qr/<str:unit>.svg", views.link_qr, name="link_qr"),
    path("enkater/omgang/<str:code>/papper/", views.paper, name="paper"),
    path("enkater/omgang/<str:code>/resultat/", views.results, name="results"),
    path("enkater/omgang/<str:code>/jamfor/", views.compare, name="compare"),
    path("enkater/omgang/<str:code>/fritext/", views.moderate, name="moderate"),
    # Public: answering, behind a one-time code, a round's link or a kiosk's code.
    path("enkat/", views.code_entry, name="code"),
    path("enkat/lank/<str:code>/<str:unit>/", views.answer_link, name="answer_link"),
    path("enkat/kiosk/<str:code>/", views.kiosk, name="kiosk"),
]
