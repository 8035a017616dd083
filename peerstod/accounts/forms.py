from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.services import (
    password_reset_mail,
    password_reset_unknown_mail,
    password_set,
)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ServiceSetPasswordMixin:
    """The new password is saved by the accounts service, with its audit row."""

    def save(self, commit: bool = True):
        return password_set(user=self.user, password=self.cleaned_data["new_password1"])


class SetPasswordForm(ServiceSetPasswordMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(ServiceSetPasswordMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The reset link goes through the outbox, like every mail (never inside the
    request's fate). The page says the same for a known and an unknown address, and the
    same work is done: an address without an active account gets one mail as well,
    saying that there is none (`tell_no_account`, called by the view). Whether someone
    has an account would say that they work in the programme, a peer supporter among
    them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent = False

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        self.sent = True
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        password_reset_mail(user=context["user"], subject=subject, body=body)

    def tell_no_account(self) -> None:
        """The mail to an address that has no active account."""
        subject_template = "accounts/email/password_reset_unknown_subject.txt"
        subject = "".join(render_to_string(subject_template).splitlines())
        body = render_to_string("accounts/email/password_reset_unknown.txt")
        password_reset_unknown_mail(
            email=self.cleaned_data["email"].strip(), subject=subject, body=body
        )


def _code_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=32,
        error_messages={
            "required": _("Type the code."),
            "max_length": _("That is longer than any code: type the six digits or one code."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class SecondFactorForm(forms.Form):
    """The code from the app, or one of the recovery codes: the same field takes both."""

    code = _code_field(
        _("Code"),
        _(
            "The six digits the authenticator app shows now. Without your phone, type one "
            "of your recovery codes instead."
        ),
    )


class EnrolForm(forms.Form):
    code = _code_field(_("Code from the app"), _("The six digits the app shows now."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
