from django.contrib.auth.decorators import login_not_required
from django.urls import path

from peerstod.identity import views

app_name = "identity"

# Every page here is reached before anyone is signed in (or while logging out): public.
urlpatterns = [
    path("logga-ut/", login_not_required(views.logout_view), name="logout"),
    path("saml/acs/", login_not_required(views.SamlAcsView.as_view()), name="saml_acs"),
    path("saml/metadata/", login_not_required(views.saml_metadata), name="saml_metadata"),
    path("saml/ls/", login_not_required(views.SamlLogoutView.as_view()), name="saml_ls"),
    path("saml/ls/post/", login_not_required(views.SamlLogoutView.as_view()), name="saml_ls_post"),
    path("oidc/callback/", login_not_required(views.oidc_callback), name="oidc_callback"),
    path("<slug:slug>/", login_not_required(views.start), name="start"),
]
