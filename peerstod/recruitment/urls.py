from django.urls import path

from peerstod.recruitment import views

app_name = "recruitment"

urlpatterns = [
    # Public: no login.
    path("ansok/", views.public_calls, name="public_calls"),
    path("ansok/<str:code>/", views.apply, name="apply"),
    path("ansokan/", views.status_root, name="status_root"),
    path("ansokan/<str:token>/", views.status, name="status"),
    # The network's recruitment team; principals and evaluators see the funnel.
    path("rekrytering/", views.calls, name="calls"),
    path("rekrytering/ny/", views.call_create, name="call_create"),
    path("rekrytering/tratt/", views.funnel, name="funnel"),
    path("rekrytering/utlysning/<str:code>/", views.call_detail, name="call"),
    path("rekrytering/ansokan/<str:code>/", views.application_detail, name="application"),
    path(
        "rekrytering/ansokan/<str:code>/export/",
        views.application_export,
        name="application_export",
    ),
    # Training.
    path("utbildning/", views.cohorts, name="cohorts"),
    path("utbildning/ny/", views.cohort_create, name="cohort_create"),
    path("utbildning/kohort/<str:code>/", views.cohort_detail, name="cohort"),
    path("utbildning/deltagare/<str:code>/", views.enrolment_action, name="enrolment_action"),
    path("utbildning/dag/<str:code>/", views.attendance, name="attendance"),
    path("utbildning/intyg/<str:code>/", views.certificate, name="certificate"),
]
