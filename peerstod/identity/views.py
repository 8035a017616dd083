"""Login and logout through an organisation's identity provider (SAML 2.0, OIDC).

The protocol work is the libraries': djangosaml2 (pysaml2) builds the authentication
request, checks the response's signatures, audience, time and reply-to, and keeps the
outstanding requests; Authlib runs the OpenID Connect code flow with state, nonce and
PKCE and checks the ID token. These views choose the provider, hand the verified
identity to `services.sso_login`, and say in words why a login was refused.
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from djangosaml2 import views as saml_views
from joserfc.errors import JoseError

from peerstod.core.ratelimit import limit
from peerstod.identity import oidc, saml, selectors, services
from peerstod.identity.models import Protocol

logger = logging.getLogger(__name__)

SESSION_ID_TOKEN = "peerstod_oidc_id_token"
SESSION_NEXT = "peerstod_sso_next"


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "identity/refused.html",
        {"message": selectors.REASONS[reason], "reason": reason},
        status=status,
    )


@require_GET
@never_cache
@limit("sso", methods=("GET",))
def start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = selectors.provider_by_slug(slug)
    if provider is None or not selectors.usable(provider):
        return refused(request, selectors.NO_PROVIDER, status=404)
    if provider.protocol == Protocol.SAML:
        request.GET = request.GET.copy()
        request.GET["idp"] = provider.entity_id
        request.GET["next"] = _next(request)
        return SamlLoginView.as_view()(request)
    request.session[SESSION_NEXT] = _next(request)
    callback = saml.site_url() + reverse("identity:oidc_callback")
    try:
        return oidc.client(provider).authorize_redirect(request, callback)
    except Exception:  # the provider's discovery document could not be read
        logger.exception("OpenID Connect provider %s unreachable", provider.slug)
        return refused(request, selectors.FAILED, status=502)


class SamlLoginView(saml_views.LoginView):
    authorization_error_template = "identity/refused.html"

    def get_config_loader_path(self, request):
        return saml.config_loader

    def unknown_idp(self, request, idp):
        return refused(request, selectors.FAILED, status=404)


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(limit("sso"), name="dispatch")
class SamlAcsView(saml_views.AssertionConsumerServiceView):
    """The provider posts its signed response here (cross-site: no CSRF token)."""

    def get_config_loader_path(self, request):
        return saml.config_loader

    def post(self, request, *args, **kwargs):
        if not request.POST.get("SAMLResponse"):
            return refused(request, selectors.FAILED, status=400)
        return super().post(request, *args, **kwargs)

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        reason = exception.reason if isinstance(exception, _Refused) else selectors.FAILED
        if reason == selectors.FAILED:
            logger.warning("SAML response refused: %r", exception)
        return refused(request, reason, status=status)

    def authenticate_user(
        self, request, session_info, attribute_mapping, create_unknown_user, assertion_info
    ):
        provider = selectors.saml_provider_by_entity_id(session_info.get("issuer", ""))
        if provider is None:
            raise _Refused(selectors.FAILED)
        value = saml.first_value(session_info.get("ava", {}), provider.attribute)
        match = services.sso_login(request=request, provider=provider, value=value)
        if match.user is None:
            raise _Refused(match.reason or selectors.FAILED)
        # What djangosaml2 keeps for single logout (its own authenticate_user does the same).
        saml_views._set_subject_id(request.saml_session, session_info["name_id"])
        return match.user

    def custom_redirect(self, user, relay_state, session_info):
        target = relay_state or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=False
        ):
            return target
        return reverse(settings.LOGIN_REDIRECT_URL)


class _Refused(saml_views.PermissionDenied):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@require_GET
@never_cache
@limit("sso", methods=("GET",))
def oidc_callback(request: HttpRequest) -> HttpResponse:
    slug = _state_provider(request)
    provider = selectors.provider_by_slug(slug) if slug else None
    if provider is None or provider.protocol != Protocol.OIDC:
        return refused(request, selectors.FAILED, status=400)
    app = oidc.client(provider)
    try:
        token = app.authorize_access_token(request, leeway=oidc.LEEWAY_SECONDS)
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        logger.warning("OpenID Connect response from %s refused: %r", provider.slug, error)
        services.sso_refused(provider=provider, reason=selectors.FAILED)
        return refused(request, selectors.FAILED)
    claims = token.get("userinfo") or {}
    value = claims.get(provider.attribute)
    verified = claims.get("email_verified") in (True, "true")
    target = request.session.pop(SESSION_NEXT, None) or reverse(settings.LOGIN_REDIRECT_URL)
    match = services.sso_login(
        request=request,
        provider=provider,
        value=str(value) if value is not None else None,
        email_verified=verified,
        extra_session={SESSION_ID_TOKEN: token.get("id_token", "")},
    )
    if match.user is None:
        return refused(request, match.reason or selectors.FAILED)
    return redirect(target)


def _state_provider(request: HttpRequest) -> str | None:
    """Which provider this callback answers: Authlib keeps the state in the session
    under `_state_<client name>_<state>`, and our client names are `idp-<slug>`."""
    state = request.GET.get("state", "")
    if not state:
        return None
    prefix, suffix = "_state_idp-", f"_{state}"
    for key in request.session.keys():  # noqa: SIM118 (a session is not iterable)
        if key.startswith(prefix) and key.endswith(suffix):
            return key[len(prefix) : -len(suffix)]
    return None


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out here at once and, where the provider supports it, at the provider too
    (single logout). The way on to the provider is a page, not a redirect: the logout
    button is a form, and the Content-Security-Policy lets a form lead only to this site."""
    slug = request.session.get(services.SESSION_PROVIDER)
    provider = selectors.provider_by_slug(slug) if slug else None
    user = request.user if request.user.is_authenticated else None
    home = reverse(settings.LOGOUT_REDIRECT_URL)
    onward = None
    if user is not None:
        services.sso_logged_out(user=user, provider=provider)
    if provider is not None and provider.protocol == Protocol.SAML and user is not None:
        # djangosaml2 logs out here first, then builds the provider's logout request.
        response = SamlLogoutInitView.as_view()(request)
        if response.status_code in (301, 302, 303):
            onward = response["Location"]
    else:
        id_token = request.session.get(SESSION_ID_TOKEN)
        logout(request)
        if provider is not None and provider.protocol == Protocol.OIDC and id_token:
            onward = _oidc_logout_url(request, provider, id_token, saml.site_url() + home)
    if onward is None or url_has_allowed_host_and_scheme(onward, {request.get_host()}):
        return HttpResponseRedirect(onward or home)
    return render(request, "identity/leaving.html", {"onward": onward, "provider": provider})


def _oidc_logout_url(request, provider, id_token: str, home: str) -> str | None:
    app = oidc.client(provider)
    try:
        if not app.load_server_metadata().get("end_session_endpoint"):
            return None
        return app.logout_redirect(request, post_logout_redirect_uri=home, id_token_hint=id_token)[
            "Location"
        ]
    except Exception:  # the provider cannot be reached: the local logout stands
        logger.exception("OpenID Connect provider %s: no single logout", provider.slug)
        return None


class SamlLogoutInitView(saml_views.LogoutInitView):
    def get_config_loader_path(self, request):
        return saml.config_loader

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class SamlLogoutView(saml_views.LogoutView):
    """The provider's answer to our logout, or its own logout request (front channel)."""

    logout_error_template = "identity/logout_error.html"

    def get_config_loader_path(self, request):
        return saml.config_loader

    def do_logout_service(self, request, data, binding, *args, **kwargs):
        if "SAMLResponse" not in data and "SAMLRequest" not in data:
            return refused(request, selectors.FAILED, status=400)
        user = request.user if request.user.is_authenticated else None
        if "SAMLRequest" in data and user is not None:  # the provider logs everyone out
            slug = request.session.get(services.SESSION_PROVIDER)
            services.sso_logged_out(user=user, provider=selectors.provider_by_slug(slug or ""))
        return super().do_logout_service(request, data, binding, *args, **kwargs)


def saml_metadata(request: HttpRequest) -> HttpResponse:
    return saml_views.MetadataView.as_view(config_loader_path=saml.config_loader)(request)
