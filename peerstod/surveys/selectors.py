"""Scoped reads for surveys. Public answer pages read only by an opaque code."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core.periods import not_ended, valid_on
from peerstod.orgs.models import Organisation, Unit
from peerstod.surveys.models import (
    AnswerDay,
    Channel,
    GroupTally,
    Instrument,
    Invitation,
    Kiosk,
    OptionTally,
    Response,
    Round,
    ScoreTally,
    TextAnswer,
    TextStatus,
    UsedForm,
)
from peerstod.surveys.tallies import Counts, Stats

COORDINATORS = (Role.PROGRAMME_COORDINATOR,)
# Final results of closed rounds: the organisation's coordinators and evaluators, the
# network's coordinators through agreements, and unit managers for their own units.
RESULT_READERS = (
    Role.PROGRAMME_COORDINATOR,
    Role.EVALUATOR,
    Role.NETWORK_COORDINATOR,
    Role.UNIT_MANAGER,
)
ORGANISATION_READERS = (Role.PROGRAMME_COORDINATOR, Role.EVALUATOR, Role.NETWORK_COORDINATOR)
PAPER_ROLES = (Role.PROGRAMME_COORDINATOR, Role.UNIT_MANAGER)


def coordinated_organisations(*, scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=scope.organisation_ids(Role.PROGRAMME_COORDINATOR))


def instruments(*, scope: Scope) -> QuerySet[Instrument]:
    """Shipped instruments and those the user's organisations have loaded."""
    return Instrument.objects.filter(
        Q(organisation__isnull=True)
        | Q(organisation_id__in=scope.organisation_ids(*ORGANISATION_READERS))
    ).select_related("organisation")


def instrument_get(*, scope: Scope, pk: int) -> Instrument:
    return get_object_or_404(instruments(scope=scope), pk=pk)


def _readable(scope: Scope) -> QuerySet[Round]:
    """Rounds of the user's organisations, and rounds that include a unit they manage.
    The units are asked about with EXISTS, not joined: a join gives a row per unit and
    needs a DISTINCT over the round's rows times its units."""
    own_units = Round.units.through.objects.filter(
        round_id=OuterRef("pk"), unit_id__in=scope.unit_ids(*PAPER_ROLES)
    )
    return Round.objects.filter(
        Q(organisation_id__in=scope.organisation_ids(*ORGANISATION_READERS)) | Exists(own_units)
    ).select_related("instrument", "organisation")


def _answer_count() -> CombinedExpression:
    """A round's answers: its sealed groups' tallies (a row per unit) and its waiting
    answers (fewer than a group per unit), so the count costs the same at any size."""
    sealed = (
        GroupTally.objects.filter(round_id=OuterRef("pk"))
        .order_by()
        .values("round_id")
        .annotate(n=Sum("answers"))
        .values("n")
    )
    waiting = (
        Response.objects.filter(round_id=OuterRef("pk"), group__isnull=True)
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(
        Subquery(sealed, output_field=IntegerField()), 0, output_field=IntegerField()
    ) + Coalesce(Subquery(waiting, output_field=IntegerField()), 0, output_field=IntegerField())


def rounds(*, scope: Scope) -> QuerySet[Round]:
    return _readable(scope).annotate(answers=_answer_count())


def round_get(*, scope: Scope, code: str) -> Round:
    found = _readable(scope).filter(code=code).first()
    if found is None:
        raise Http404
    return found


def is_coordinator(*, scope: Scope, survey_round: Round) -> bool:
    return survey_round.organisation_id in scope.organisation_ids(Role.PROGRAMME_COORDINATOR)


def visible_units(*, scope: Scope, survey_round: Round) -> list[Unit]:
    """Units whose rows the user may see: all of them for organisation readers, their
    own units for unit managers."""
    units = list(survey_round.units.order_by("name"))
    if survey_round.organisation_id in scope.organisation_ids(*ORGANISATION_READERS):
        return units
    own = scope.unit_ids(*PAPER_ROLES)
    return [u for u in units if u.pk in own]


def paper_units(*, scope: Scope, survey_round: Round) -> list[Unit]:
    units = list(survey_round.units.order_by("name"))
    if is_coordinator(scope=scope, survey_round=survey_round):
        return units
    own = scope.unit_ids(Role.UNIT_MANAGER)
    return [u for u in units if u.pk in own]


def round_units(*, survey_round: Round) -> list[Unit]:
    return list(survey_round.units.order_by("name"))


def answer_rows(*, survey_round: Round) -> list[dict]:
    """Every answer of a round, in no particular order, with its group (None while it
    waits for a whole group). For checks and rebuilding tallies, not for pages: their
    cost grows with the answers."""
    return list(
        dict(row)
        for row in Response.objects.filter(round=survey_round).values(
            "unit_id", "answers", "important", "group"
        )
    )


def sealed_counts(*, survey_round: Round) -> Counts:
    """The tallies of the round's sealed groups: three reads whose size is units ×
    subscales and units × options, whatever the number of answers."""
    found = Counts()
    for unit, channel, answers in GroupTally.objects.filter(round=survey_round).values_list(
        "unit_id", "channel", "answers"
    ):
        found.answers[unit] = found.answers.get(unit, 0) + answers
        found.channels[(unit, channel)] = answers
    for unit, subscale, n, total, squares in ScoreTally.objects.filter(
        round=survey_round
    ).values_list("unit_id", "subscale", "n", "total", "squares"):
        found.scores[(unit, subscale)] = Stats(n, total, squares)
    for unit, item, value, n in OptionTally.objects.filter(round=survey_round).values_list(
        "unit_id", "item", "value", "n"
    ):
        found.options[(unit, item, value)] = n
    return found


def waiting_rows(*, survey_round: Round) -> list[dict]:
    """The answers still waiting for a whole group: fewer than a group per unit."""
    return [
        dict(row)
        for row in Response.objects.filter(round=survey_round, group__isnull=True).values(
            "unit_id", "channel", "answers", "important"
        )
    ]


def has_whole_group(*, survey_round: Round) -> bool:
    return Response.objects.filter(round=survey_round, group__isnull=False).exists()


def form_used(*, digest: str | None) -> bool:
    """Whether an answer form with this token's digest has already been received."""
    return bool(digest) and UsedForm.objects.filter(digest=digest).exists()


def answer_days(*, survey_round: Round, channel: str, units: list[Unit]) -> dict:
    """(day, unit id) → answers that came that day through the channel."""
    return {
        (row.day, row.unit_id): row.answers
        for row in AnswerDay.objects.filter(
            round=survey_round, channel=channel, unit__in=[u.pk for u in units]
        )
    }


def response_rates(*, survey_round: Round) -> dict[tuple[int, str], tuple[int, int | None]]:
    """(unit, channel) → (answers, invited or None). Counts of answers say nothing of
    what anyone answered; they are for following the distribution. From the sealed
    groups' tallies and the few waiting answers: the same cost at any size."""
    answers: dict[tuple[int, str], int] = {}
    for unit, channel, sealed in GroupTally.objects.filter(round=survey_round).values_list(
        "unit_id", "channel", "answers"
    ):
        answers[(unit, channel)] = sealed
    for unit, channel, waiting in (
        Response.objects.filter(round=survey_round, group__isnull=True)
        .values("unit_id", "channel")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "channel", "n")
    ):
        answers[(unit, channel)] = answers.get((unit, channel), 0) + waiting
    invited = {
        (i.unit_id, i.channel): i.invited for i in Invitation.objects.filter(round=survey_round)
    }
    keys = set(answers) | set(invited)
    return {key: (answers.get(key, 0), invited.get(key)) for key in keys}


def comparable_rounds(*, scope: Scope, survey_round: Round) -> QuerySet[Round]:
    return (
        rounds(scope=scope)
        .filter(
            instrument__key=survey_round.instrument.key,
            audience=survey_round.audience,
            organisation=survey_round.organisation,
        )
        .exclude(pk=survey_round.pk)
        .order_by("number")
    )


def kiosks(*, survey_round: Round, units: list[Unit]) -> QuerySet[Kiosk]:
    """The open kiosks of the units the user sees: a kiosk's address lets anyone answer
    for its unit, so a unit manager sees only those of their own units."""
    return Kiosk.objects.filter(
        round=survey_round, active=True, unit__in=[u.pk for u in units]
    ).select_related("unit")


def texts_pending(*, survey_round: Round) -> QuerySet[TextAnswer]:
    """Free text waiting for moderation, once its unit's group is whole (a text that
    still waits could be told apart by when it came)."""
    return (
        TextAnswer.objects.filter(
            round=survey_round, status=TextStatus.PENDING, group__isnull=False
        )
        .select_related("unit")
        .order_by("unit__name", "pk")
    )


def text_get(*, scope: Scope, pk: str) -> TextAnswer:
    try:
        key = uuid.UUID(str(pk))
    except ValueError as error:
        raise Http404 from error
    return get_object_or_404(
        TextAnswer.objects.select_related("round", "round__organisation"),
        pk=key,
        round__organisation_id__in=scope.organisation_ids(Role.PROGRAMME_COORDINATOR),
    )


def texts_published(*, survey_round: Round, unit_ids: list[int]) -> QuerySet[TextAnswer]:
    return TextAnswer.objects.filter(
        round=survey_round, unit_id__in=unit_ids, status=TextStatus.APPROVED
    ).order_by("unit__name", "pk")


# ---------------------------------------------------------------- public


def round_by_link(*, code: str) -> Round:
    found = Round.objects.select_related("instrument").filter(link_code=code).first()
    if found is None or Channel.LINK not in found.channels:
        raise Http404
    return found


def kiosk_by_code(*, code: str) -> Kiosk:
    return get_object_or_404(
        Kiosk.objects.select_related("round", "round__instrument", "unit"), code=code, active=True
    )


def text_minimum() -> int:
    return settings.SURVEY_MIN_TEXT_GROUP


def open_rounds(*, scope: Scope, day: date) -> QuerySet[Round]:
    """Rounds the user's organisations run that take answers today, with their counts."""
    return (
        Round.objects.filter(
            valid_on(day, "opens_on", "closes_on"),
            not_ended(day, "closed_early_on"),
            organisation_id__in=scope.organisation_ids(Role.PROGRAMME_COORDINATOR),
        )
        .annotate(
            answers=_answer_count(),
            pending=Coalesce(
                Subquery(
                    TextAnswer.objects.filter(
                        round_id=OuterRef("pk"),
                        status=TextStatus.PENDING,
                        group__isnull=False,
                    )
                    .order_by()
                    .values("round_id")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
                output_field=IntegerField(),
            ),
        )
        .order_by("closes_on")
    )


def closed_rounds(*, scope: Scope, day: date) -> QuerySet[Round]:
    return (
        Round.objects.filter(organisation_id__in=scope.organisation_ids(*ORGANISATION_READERS))
        .filter(Q(closed_early_on__lt=day) | Q(closed_early_on__isnull=True, closes_on__lt=day))
        .order_by("-closes_on")
    )


def unit_by_code(units: list[Unit], code: str) -> Unit | None:
    """The unit of `units` with this code, or None."""
    return next((u for u in units if u.code == code), None)
