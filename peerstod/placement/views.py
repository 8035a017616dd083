from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.accounts.permissions import role_required
from peerstod.accounts.roles import Role
from peerstod.core import charts
from peerstod.core.forms import add_service_errors
from peerstod.placement import readiness, reports, selectors, services
from peerstod.placement.forms import (
    ConfirmForm,
    EmploymentForm,
    EndForm,
    EventForm,
    FteChangeForm,
    PositionForm,
    ReadinessForm,
    RoleForm,
    SickLeaveForm,
    StaffTrainingForm,
)
from peerstod.placement.matching import NO_ACCEPTABLE, NOT_RANKED
from peerstod.placement.models import Ranking

COORDINATOR = (Role.PROGRAMME_COORDINATOR,)
EDITORS = (Role.PROGRAMME_COORDINATOR, Role.UNIT_MANAGER)


@role_required(*EDITORS)
def overview(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    units = selectors.unit_list_for_editors(scope=scope)
    return render(
        request,
        "placement/overview.html",
        {
            "positions": selectors.position_list(scope=scope),
            "units": [(unit, readiness.check(unit, today)) for unit in units],
            "coordinator": scope.has_role(*COORDINATOR),
        },
    )


@role_required(*COORDINATOR)
def position_create(request: HttpRequest, scope) -> HttpResponse:
    form = PositionForm(request.POST or None, units=selectors.units_for_positions(scope=scope))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            position = services.position_create(scope=scope, actor=request.user, unit=unit, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The position was created. Describe the role with the unit.")
            )
            return redirect("placement:position", code=position.code)
    return render(request, "placement/position_form.html", {"form": form})


@role_required(*EDITORS)
def position_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    position = selectors.position_get(scope=scope, code=code)
    initial = {
        "duties": position.duties,
        "role_notes": position.role_notes,
        "agreed": position.role_agreed_on is not None,
    }
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.position_describe_role(
                scope=scope, actor=request.user, position=position, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role description was saved."))
            return redirect("placement:position", code=code)
    return render(request, "placement/position_detail.html", {"position": position, "form": form})


@role_required(*COORDINATOR)
def staff_training(request: HttpRequest, scope) -> HttpResponse:
    form = StaffTrainingForm(
        request.POST or None,
        organisations=selectors.coordinated_organisations(scope=scope),
        units=selectors.units_for_positions(scope=scope),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        names = [line for line in data.pop("participants").splitlines() if line.strip()]
        try:
            services.staff_training_record(
                scope=scope,
                actor=request.user,
                participants=[(unit, name) for name in names],
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The staff training was recorded."))
            return redirect("placement:staff_training")
    trainings = selectors.staff_training_list(scope=scope, actor=request.user)
    return render(request, "placement/staff_training.html", {"form": form, "trainings": trainings})


@role_required(*EDITORS)
def unit_readiness(request: HttpRequest, scope, code: str) -> HttpResponse:
    unit = selectors.unit_get(scope=scope, code=code)
    record = selectors.readiness_record(unit=unit)
    form = ReadinessForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.readiness_update(
                scope=scope,
                actor=request.user,
                unit=unit,
                **{name: form.cleaned_data[name] for name in ReadinessForm.Meta.fields},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The readiness checklist was saved."))
            return redirect("placement:readiness", code=code)
    return render(
        request,
        "placement/readiness.html",
        {
            "unit": unit,
            "form": form,
            "check": readiness.check(unit, timezone.localdate()),
        },
    )


@role_required(*COORDINATOR)
def events(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    form = EventForm(
        request.POST or None,
        organisations=selectors.coordinated_organisations(scope=scope),
        peers=selectors.available_peer_supporters(scope=scope, day=today, actor=request.user),
        positions=selectors.position_list(scope=scope, roles=COORDINATOR).filter(is_open=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(scope=scope, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The matching event was created."))
            return redirect("placement:event", code=event.code)
    return render(
        request,
        "placement/events.html",
        {"form": form, "events": selectors.event_list(scope=scope)},
    )


def _parse_ranks(post, side: str, people: dict, positions: dict):
    ranks, bad = {}, False
    for person in people.values():
        for position in positions.values():
            key = (
                f"peer-{person.code}-{position.code}"
                if side == Ranking.Side.PEER
                else f"unit-{position.code}-{person.code}"
            )
            raw = post.get(key, "").strip()
            if raw == "":
                ranks[(person.pk, position.pk)] = None
            elif raw.isascii() and raw.isdigit() and len(raw) <= 6:
                ranks[(person.pk, position.pk)] = int(raw)
            else:
                bad = True
    return ranks, bad


REASON_TEXT = {
    NO_ACCEPTABLE: _("ranked no position within their service degree"),
    NOT_RANKED: _("no position they ranked ranked them"),
}


@role_required(*COORDINATOR)
def event_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    event = selectors.event_get(scope=scope, code=code)
    people, positions = selectors.event_candidates(actor=request.user, event=event)
    confirm = ConfirmForm(initial={"starts_on": timezone.localdate()})
    # A refused confirmation shows the changes as sent, with each reason's problem at it.
    sent_overrides: dict[str, str] = {}
    sent_reasons: dict[str, str] = {}
    reason_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        side = request.POST.get("side")
        try:
            if side == "met":
                met = {
                    (p.pk, q.pk)
                    for p in people.values()
                    for q in positions.values()
                    if request.POST.get(f"met-{p.code}-{q.code}") == "yes"
                }
                services.meetings_save(scope=scope, actor=request.user, event=event, met=met)
                messages.success(request, _("The meetings were saved."))
                return redirect("placement:event", code=code)
            if side in (Ranking.Side.PEER, Ranking.Side.UNIT):
                ranks, bad = _parse_ranks(request.POST, side, people, positions)
                if bad:
                    raise ValidationError(_("Ranks are whole numbers from 1 (first choice)."))
                services.rankings_save(
                    scope=scope, actor=request.user, event=event, side=side, ranks=ranks
                )
                messages.success(request, _("The rankings were saved."))
                return redirect("placement:event", code=code)
            confirm = ConfirmForm(request.POST)
            if confirm.is_valid():
                overrides = {}
                for person in people.values():
                    choice = request.POST.get(f"override-{person.code}", "")
                    if choice:
                        target = next((q.pk for q in positions.values() if q.code == choice), None)
                        if target is None and choice != "none":
                            raise ValidationError(
                                _("An override names someone or something not invited.")
                            )
                        overrides[person.pk] = (
                            target,
                            request.POST.get(f"reason-{person.code}", ""),
                        )
                employments = services.event_confirm(
                    scope=scope,
                    actor=request.user,
                    event=event,
                    starts_on=confirm.cleaned_data["starts_on"],
                    overrides=overrides,
                    readiness_override=confirm.cleaned_data["readiness_override"],
                )
                messages.success(
                    request, _("%(n)d employments were created.") % {"n": len(employments)}
                )
                return redirect("placement:event", code=code)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if side == "confirm":
                codes = {p.code for p in people.values()}
                sent_overrides = {c: request.POST.get(f"override-{c}", "") for c in codes}
                sent_reasons = {c: request.POST.get(f"reason-{c}", "") for c in codes}
                if hasattr(error, "error_dict"):
                    reason_errors = {
                        code: problems
                        for code, problems in error.message_dict.items()
                        if code in codes
                    }
    saved = {(r.side, r.person_id, r.position_id): r.rank for r in event.rankings.all()}
    peer_grid = [
        (p, [(q, saved.get((Ranking.Side.PEER, p.pk, q.pk))) for q in positions.values()])
        for p in people.values()
    ]
    unit_grid = [
        (q, [(p, saved.get((Ranking.Side.UNIT, p.pk, q.pk))) for p in people.values()])
        for q in positions.values()
    ]
    met = set(event.meetings.values_list("person_id", "position_id"))
    met_grid = [
        (p, [(q, (p.pk, q.pk) in met) for q in positions.values()]) for p in people.values()
    ]
    result, _p, _q = services.event_solve(event)
    proposal = [(people[p], positions[q]) for p, q in result.matches]
    unmatched = [
        (
            people[p],
            REASON_TEXT.get(
                result.reasons.get(p),
                _("positions they ranked were filled by peer supporters the units preferred"),
            ),
        )
        for p in result.unmatched_peers
    ]
    return render(
        request,
        "placement/event.html",
        {
            "event": event,
            "people": list(people.values()),
            "positions": list(positions.values()),
            "peer_grid": peer_grid,
            "met_grid": met_grid,
            "unit_grid": unit_grid,
            "proposal": proposal,
            "unmatched": unmatched,
            "unfilled": [positions[q] for q in result.unfilled_positions],
            "confirm": confirm,
            "sent_overrides": sent_overrides,
            "sent_reasons": sent_reasons,
            "reason_errors": reason_errors,
            "employments": event.employments.select_related("person", "unit"),
        },
    )


@role_required(*COORDINATOR)
def employments(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    listed = selectors.employment_list(scope=scope, actor=request.user)
    form = EmploymentForm(
        request.POST or None,
        people=selectors.available_peer_supporters(scope=scope, day=today, actor=request.user),
        units=selectors.units_for_positions(scope=scope),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_create(scope=scope, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The employment was recorded."))
            return redirect("placement:employments")
    return render(
        request,
        "placement/employments.html",
        {
            "form": form,
            "employments": listed,
            "today": today,
        },
    )


@role_required(*COORDINATOR)
def employment_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    employment = selectors.employment_get(scope=scope, actor=request.user, code=code)
    forms = {"end": EndForm(), "fte": FteChangeForm(), "sick": SickLeaveForm()}
    action = request.POST.get("action") if request.method == "POST" else None
    if action in forms:
        form_class = {"end": EndForm, "fte": FteChangeForm, "sick": SickLeaveForm}[action]
        form = forms[action] = form_class(request.POST)
        if form.is_valid():
            try:
                if action == "end":
                    services.employment_end(
                        scope=scope,
                        actor=request.user,
                        employment=employment,
                        ends_on=form.cleaned_data["ends_on"],
                        reason=form.cleaned_data["end_reason"],
                    )
                elif action == "fte":
                    services.employment_change_fte(
                        scope=scope, actor=request.user, employment=employment, **form.cleaned_data
                    )
                else:
                    services.sick_leave_record(
                        scope=scope, actor=request.user, employment=employment, **form.cleaned_data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("placement:employments")
    return render(
        request,
        "placement/employment.html",
        {
            "employment": employment,
            "can_change": selectors.employment_can_change(employment),
            "forms": forms,
            "sick_leaves": employment.sick_leaves.all(),
        },
    )


@role_required(*COORDINATOR)
def supply(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    people = list(selectors.available_peer_supporters(scope=scope, day=today, actor=request.user))
    positions = reports.open_positions(selectors.coordinated_units(scope))
    rows = reports.supply_and_demand(people, positions)
    chart = charts.grouped_bars(
        [f"{row.fte} %" for row in rows],
        {
            _("Certified, available"): [row.supply for row in rows],
            _("Open positions"): [row.demand for row in rows],
        },
    )
    return render(
        request,
        "placement/supply.html",
        {
            "rows": rows,
            "people": people,
            "positions": positions,
            "chart": chart,
        },
    )


@role_required(*(COORDINATOR + (Role.EVALUATOR,)))
def follow_up(request: HttpRequest, scope) -> HttpResponse:
    units = scope.unit_ids(Role.PROGRAMME_COORDINATOR, Role.EVALUATOR)
    # As of the end of last month, not today: a figure that changed from one day to the
    # next would tell about the one person who passed a mark that day.
    as_of = timezone.localdate().replace(day=1) - timedelta(days=1)
    return render(
        request,
        "placement/follow_up.html",
        {
            "retention": reports.retention(reports.employments_for(units), as_of),
            "as_of": as_of,
            "sick_leave": reports.sick_leave_by_year(units, as_of),
        },
    )
