"""Audit actions of accounts (core.audit)."""

from django.utils.translation import gettext_lazy as _

from peerstod.core.audit import action

USER_CREATED = action("accounts.user.created", _("User created"))
PLATFORM_ADMIN_GRANTED = action(
    "accounts.user.platform_admin_granted", _("Made platform administrator")
)
USER_LOGGED_IN = action("accounts.user.logged_in", _("Logged in"))
PASSWORD_RESET_SENT = action("accounts.user.password_reset_sent", _("Password reset link sent"))
PASSWORD_RESET_UNKNOWN = action(
    "accounts.password_reset_unknown",
    _("Password reset asked for an address without an account (told so by mail)"),
)
PASSWORD_CHANGED = action("accounts.user.password_changed", _("Password changed"))
MEMBERSHIP_GRANTED = action("accounts.membership.granted", _("Role granted"))
MEMBERSHIP_ENDED = action("accounts.membership.ended", _("Role ended"))
MEMBERS_VIEWED = action("accounts.members.viewed", _("Members viewed"), read=True)
SECOND_FACTOR_ENROLLED = action(
    "accounts.second_factor.enrolled", _("Two-step verification turned on (app enrolled)")
)
SECOND_FACTOR_VERIFIED = action(
    "accounts.second_factor.verified", _("Signed in with a code from the app")
)
RECOVERY_CODE_USED = action(
    "accounts.second_factor.recovery_code_used", _("Signed in with a recovery code")
)
RECOVERY_CODES_REGENERATED = action(
    "accounts.second_factor.recovery_codes_regenerated", _("New recovery codes made")
)
SECOND_FACTOR_FAILED = action(
    "accounts.second_factor.failed", _("Wrong two-step verification code")
)
SECOND_FACTOR_LOCKED = action(
    "accounts.second_factor.locked",
    _("Two-step verification locked after too many wrong codes"),
)
SECOND_FACTOR_RESET = action(
    "accounts.second_factor.reset", _("Two-step verification reset by the administrator")
)
