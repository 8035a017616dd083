from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from peerstod.accounts import selectors, strength
from peerstod.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from peerstod.accounts.permissions import role_required
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
    return render(request, "accounts/profile.html", {"memberships": memberships})
