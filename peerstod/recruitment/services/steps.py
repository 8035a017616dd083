"""What every recruitment use case shares: the path an application takes, who may move
it, and the answer to a form sent twice. Written from within the use cases of this
package only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import idempotency
from peerstod.core.dates import FIRST_YEAR, LAST_YEAR, in_range
from peerstod.recruitment import actions
from peerstod.recruitment.models import Application, ApplicationEvent, Cohort, Step
from peerstod.recruitment.selectors import is_recruiter

T = TypeVar("T")

# Which step may follow which. Completed, discontinued and certified come from the
# cohort (attendance), not from this table's callers directly.
NEXT_STEPS: dict[str, set[str]] = {
    Step.RECEIVED: {Step.SCREENED, Step.NOT_ADMITTED},
    Step.SCREENED: {Step.INTERVIEW_BOOKED, Step.NOT_ADMITTED},
    Step.INTERVIEW_BOOKED: {Step.INTERVIEWED, Step.NOT_ADMITTED},
    Step.INTERVIEWED: {Step.ADMITTED, Step.NOT_ADMITTED},
    Step.ADMITTED: {Step.ENROLLED},
    Step.ENROLLED: {Step.COMPLETED, Step.DISCONTINUED},
    Step.COMPLETED: {Step.CERTIFIED},
    Step.CERTIFIED: {Step.EMPLOYED},
}
# The steps that come from the cohort (attendance, certificate), never from a choice.
FROM_TRAINING = {Step.COMPLETED, Step.DISCONTINUED, Step.CERTIFIED}
# The recruitment ends here; the retention clock starts.
FINAL_STEPS = {Step.NOT_ADMITTED, Step.DISCONTINUED, Step.CERTIFIED, Step.WITHDRAWN}
WITHDRAWABLE = {
    Step.RECEIVED,
    Step.SCREENED,
    Step.INTERVIEW_BOOKED,
    Step.INTERVIEWED,
    Step.ADMITTED,
    Step.ENROLLED,
}


def _require_recruiter(scope: Scope, network_id: int) -> None:
    if not is_recruiter(scope, network_id):
        raise PermissionDenied


def _require_trainer_or_recruiter(scope: Scope, cohort: Cohort) -> None:
    if is_recruiter(scope, cohort.network_id):
        return
    if scope.user_id is not None and cohort.trainers.filter(pk=scope.user_id).exists():
        return
    raise PermissionDenied


def _require_personal_data(application: Application) -> None:
    """An anonymised application has nothing left to read or change."""
    if application.person_id is None or application.anonymised_at is not None:
        raise ValidationError(_("The application's personal data has been removed."))


def _dates_in_range(**days: date | None) -> None:
    """Dates far outside the working years (0001, 9999) would break the date arithmetic
    of the funnel and the retention clock later; refuse them now."""
    errors = {
        name: _("Give a date between %(first)s and %(last)s.")
        % {"first": FIRST_YEAR, "last": LAST_YEAR}
        for name, day in days.items()
        if day is not None and not in_range(day)
    }
    if errors:
        raise ValidationError(errors)


def _once(
    once: str,
    *,
    purpose: str,
    actor,
    organisation,
    earlier: Callable[[str], T | None],
    make: Callable[[], T],
    key: Callable[[T], str] = lambda made: made.code,  # type: ignore[attr-defined]
) -> T:
    """Make something from a form at most once per form (`once`, core.idempotency):
    the first sending runs `make`, a repeat gets what `earlier(result key)` finds."""
    fresh, result = idempotency.claim(once, purpose=purpose)
    if not fresh:
        return idempotency.repeat_ignored(
            earlier(result),
            actor=actor,
            action=actions.REPEAT_IGNORED,
            organisation=organisation,
            purpose=purpose,
            message=_("The form was already sent once. Reload the page to send a new one."),
        )
    made = make()
    idempotency.remember(once, purpose=purpose, result=key(made))
    return made


def _record(
    application: Application, step: str, *, by=None, reason: str = "", at: datetime | None = None
) -> None:
    """Move the application to `step` (written only from within a use case)."""
    at = at or timezone.now()
    application.step = step
    if reason:
        application.reason = reason
    if step in FINAL_STEPS:
        application.decided_at = at
    application.save()
    ApplicationEvent.objects.create(application=application, step=step, at=at, by=by, reason=reason)
