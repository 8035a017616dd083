from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from peerstod.accounts import selectors, services, strength
from peerstod.accounts.forms import (
    EnrolForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SecondFactorForm,
    SetPasswordForm,
)
from peerstod.accounts.permissions import role_required, second_factor_exempt
from peerstod.core.forms import call_service
from peerstod.core.ratelimit import limit


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
@method_decorator(limit("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("home:start")

    def post(self, request, *args, **kwargs):
        """After a login through an identity provider, log out there too: the POST
        (with its CSRF token) goes on to the identity app's logout (307 keeps it)."""
        via = request.session.get(strength.LOGOUT_VIA_KEY)
        if via and request.user.is_authenticated:
            return HttpResponseRedirect(via, preserve_request=True)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_form.html"
    extra_context = {"title": _("Change password")}
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(limit("password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_form.html"
    extra_context = {"title": _("Reset password")}
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """The same answer, and one mail, whether or not the address has an account."""
        response = super().form_valid(form)
        if not form.sent:
            form.tell_no_account()
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_form.html"
    extra_context = {"title": _("Choose a new password")}
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@role_required()
def profile(request: HttpRequest, scope) -> HttpResponse:
    memberships = selectors.own_memberships(user=request.user)
    enrolled = strength.has_second_factor(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "second_factor_on": enrolled,
            "second_factor_required": strength.sees_personal_data(request.user),
            "codes_left": selectors.recovery_codes_left(request.user) if enrolled else None,
            "by_identity_provider": strength.by_identity_provider(request),
        },
    )


# The second factor --------------------------------------------------------------------

_ENROL_KEY = "peerstod_totp_enrol_key"


def _next(request: HttpRequest) -> str:
    """Where to go once the second factor is shown: `next` if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _page(request, template, context, status=200) -> HttpResponse:
    """A second-factor page: no menu while the session is not yet strong (every menu
    entry would lead back here)."""
    extra = {} if strength.is_strong(request) else {"menu": []}
    return render(request, template, {**context, **extra, "next": _next(request)}, status=status)


def _locked_page(request, until, status=403) -> HttpResponse:
    return _page(request, "accounts/second_factor_locked.html", {"until": until}, status=status)


@second_factor_exempt
@sensitive_post_parameters("code")
def second_factor(request: HttpRequest) -> HttpResponse:
    """Step two of a password login: a code from the app or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    if strength.is_strong(request):
        return HttpResponseRedirect(_next(request))
    if not strength.has_second_factor(user):
        if strength.second_factor_required(user):
            return HttpResponseRedirect(_with_next("accounts:second_factor_enrol", request))
        return HttpResponseRedirect(_next(request))
    lock = selectors.second_factor_lock(user)
    if lock is not None:
        logout(request)
        return _locked_page(request, lock.locked_until)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if result.ok:
            request.session.cycle_key()
            django_otp.login(request, result.device)
            strength.mark_strong(request, result.method)
            if result.codes_left is not None and result.codes_left <= 3:
                messages.warning(
                    request,
                    ngettext(
                        "You have %(count)d recovery code left. Make new ones under My account.",
                        "You have %(count)d recovery codes left. Make new ones under My account.",
                        result.codes_left,
                    )
                    % {"count": result.codes_left},
                )
            return HttpResponseRedirect(_next(request))
        if result.locked:
            logout(request)
            return _locked_page(request, result.locked_until)
        if result.throttled:
            form.add_error("code", _("Wait a few seconds before you try the next code."))
        else:
            form.add_error(
                "code",
                _(
                    "The code is wrong or has already been used. Type the code the app "
                    "shows now, or an unused recovery code."
                ),
            )
    return _page(
        request,
        "accounts/second_factor.html",
        {"form": form, "limit": settings.SECOND_FACTOR_FAILURE_LIMIT},
    )


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@second_factor_exempt
@sensitive_post_parameters("code")
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Turn on two-step verification: scan the QR code (or type the key), then type the
    app's first code. The recovery codes are shown once, on the answer to that POST."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    if strength.has_second_factor(user):
        if strength.is_strong(request):
            messages.info(request, _("Two-step verification is already on."))
            return redirect("accounts:profile")
        return HttpResponseRedirect(_with_next("accounts:second_factor", request))
    key = request.session.get(_ENROL_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = request.session[_ENROL_KEY] = random_hex(20)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ok, result = call_service(
            form,
            services.second_factor_enrol,
            user=user,
            key=key,
            code=form.cleaned_data["code"],
        )
        if ok:
            device, codes = result
            request.session.pop(_ENROL_KEY, None)
            request.session.cycle_key()
            django_otp.login(request, device)
            strength.mark_strong(request, strength.TOTP)
            return _page(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "continue_to": _next(request), "first": True},
            )
    device = TOTPDevice(user=user, name="app", key=key)
    return _page(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@role_required()
def recovery_codes(request: HttpRequest, scope) -> HttpResponse:
    """Make new recovery codes (the old ones stop working); shown once."""
    if not strength.has_second_factor(request.user):
        return redirect("accounts:second_factor_enrol")
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=request.user)
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "continue_to": reverse("accounts:profile"), "first": False},
        )
    return render(
        request,
        "accounts/recovery_codes_new.html",
        {"codes_left": selectors.recovery_codes_left(request.user)},
    )
