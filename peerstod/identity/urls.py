from django.urls import path

from peerstod.identity import views

app_name = "identity"

urlpatterns = [
    path("logga-ut/", views.logout_view, name="logout"),
    path("saml/acs/", views.SamlAcsView.as_view(), name="saml_acs"),
    path("saml/metadata/", views.saml_metadata, name="saml_metadata"),
    path("saml/ls/", views.SamlLogoutView.as_view(), name="saml_ls"),
    path("saml/ls/post/", views.SamlLogoutView.as_view(), name="saml_ls_post"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("<slug:slug>/", views.start, name="start"),
]
