from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("peerstod.core.urls")),
    path("", include("peerstod.home.urls")),
    path("konto/sso/", include("peerstod.identity.urls")),
    path("konto/", include("peerstod.accounts.urls")),
    path("", include("peerstod.orgs.urls")),
    path("", include("peerstod.recruitment.urls")),
    path("", include("peerstod.placement.urls")),
    path("", include("peerstod.work.urls")),
    path("", include("peerstod.supervision.urls")),
    path("", include("peerstod.forum.urls")),
    path("", include("peerstod.surveys.urls")),
    path("", include("peerstod.outcomes.urls")),
    path("", include("peerstod.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "peerstod.core.views.bad_request"
handler403 = "peerstod.core.views.permission_denied"
handler404 = "peerstod.core.views.page_not_found"
handler500 = "peerstod.core.views.server_error"
