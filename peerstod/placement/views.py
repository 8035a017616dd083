from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
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
    MeetingsForm,
    PeerRankingsForm,
    PositionForm,
    ReadinessForm,
    RoleForm,
    SickLeaveForm,
    StaffTrainingForm,
    UnitRankingsForm,
)
from peerstod.placement.matching import NO_ACCEPTABLE, NOT_RANKED
from peerstod.placement.models import Ranking

COORDINATOR = (Role.PROGRAMME_COORDINATOR,)
EDITORS = (Role.PROGRAMME_COORDINATOR, Role.UNIT_MANAGER)


def _call(form, service, **arguments):
    """The service's result; None when it refused, with its reasons at the form's fields."""
    try:
        return service(**arguments)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@role_required(*EDITORS)
def overview(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    units = list(selectors.unit_list_for_editors(scope=scope))
    checks = readiness.check_many(units, today)
    return render(
        request,
        "placement/overview.html",
        {
            "positions": selectors.position_list(scope=scope),
            "units": [(unit, checks[unit.pk]) for unit in units],
            "coordinator": scope.has_role(*COORDINATOR),
        },
    )


@role_required(*COORDINATOR)
def position_create(request: HttpRequest, scope) -> HttpResponse:
    form = PositionForm(request.POST or None, units=selectors.units_for_positions(scope=scope))
    if request.method == "POST" and form.is_valid():
        position = _call(
            form, services.position_create, scope=scope, actor=request.user, **form.cleaned_data
        )
        if position is not None:
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
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(
            form,
            services.position_describe_role,
            scope=scope,
            actor=request.user,
            position=position,
            **form.cleaned_data,
        )
    ):
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
        if _call(
            form,
            services.staff_training_record,
            scope=scope,
            actor=request.user,
            participants=[(unit, name) for name in names],
            **data,
        ):
            messages.success(request, _("The staff training was recorded."))
            return redirect("placement:staff_training")
    trainings = selectors.staff_training_list(scope=scope, actor=request.user)
    return render(request, "placement/staff_training.html", {"form": form, "trainings": trainings})


@role_required(*EDITORS)
def unit_readiness(request: HttpRequest, scope, code: str) -> HttpResponse:
    unit = selectors.unit_get(scope=scope, code=code)
    record = selectors.readiness_record(unit=unit)
    form = ReadinessForm(request.POST or None, instance=record)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(
            form,
            services.readiness_update,
            scope=scope,
            actor=request.user,
            unit=unit,
            **{name: form.cleaned_data[name] for name in ReadinessForm.Meta.fields},
        )
    ):
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
        event = _call(
            form, services.event_create, scope=scope, actor=request.user, **form.cleaned_data
        )
        if event is not None:
            messages.success(request, _("The matching event was created."))
            return redirect("placement:event", code=event.code)
    return render(
        request,
        "placement/events.html",
        {"form": form, "events": selectors.event_list(scope=scope)},
    )


REASON_TEXT = {
    NO_ACCEPTABLE: _("ranked no position within their service degree"),
    NOT_RANKED: _("no position they ranked ranked them"),
}


@role_required(*COORDINATOR)
def event_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    """The event page. Its forms all post here; `action` names the form, and the form's
    own view below handles it. The stable matching is computed only when asked
    (`?forslag=1`, the "Propose matches" button), not on every visit."""
    if request.method == "POST":
        view = EVENT_ACTIONS.get(request.POST.get("action", ""))
        if view is None:
            selectors.event_get(scope=scope, code=code)  # another's event: 404, as on GET
            return HttpResponseBadRequest()
        return view(request, code=code)
    event = selectors.event_get(scope=scope, code=code)
    people, positions = selectors.event_candidates(actor=request.user, event=event)
    confirm = ConfirmForm(
        people=people, positions=positions, initial={"starts_on": timezone.localdate()}
    )
    return _event_page(request, event, confirm, propose=bool(request.GET.get("forslag")))


def _event_form(request: HttpRequest, scope, code: str, form_class):
    event = selectors.event_get(scope=scope, code=code)
    people, positions = selectors.event_candidates(actor=request.user, event=event)
    return event, form_class(request.POST, people=people, positions=positions)


def _refused(request: HttpRequest, form_or_error) -> None:
    errors = getattr(form_or_error, "errors", None)
    if errors is not None:
        messages.error(request, " ".join(m for found in errors.values() for m in found))
    else:
        messages.error(request, " ".join(form_or_error.messages))


@role_required(*COORDINATOR)
def event_meetings_save(request: HttpRequest, scope, code: str) -> HttpResponse:
    event, form = _event_form(request, scope, code, MeetingsForm)
    if not form.is_valid():
        _refused(request, form)
        return redirect("placement:event", code=code)
    try:
        services.meetings_save(
            scope=scope, actor=request.user, event=event, met=form.cleaned_data["met"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The meetings were saved."))
    return redirect("placement:event", code=code)


def _rankings_save(request: HttpRequest, scope, code: str, form_class) -> HttpResponse:
    event, form = _event_form(request, scope, code, form_class)
    if not form.is_valid():
        _refused(request, form)
        return redirect("placement:event", code=code)
    try:
        services.rankings_save(
            scope=scope,
            actor=request.user,
            event=event,
            side=form.side,
            ranks=form.cleaned_data["ranks"],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The rankings were saved."))
    return redirect("placement:event", code=code)


@role_required(*COORDINATOR)
def event_peer_rankings_save(request: HttpRequest, scope, code: str) -> HttpResponse:
    return _rankings_save(request, scope, code, PeerRankingsForm)


@role_required(*COORDINATOR)
def event_unit_rankings_save(request: HttpRequest, scope, code: str) -> HttpResponse:
    return _rankings_save(request, scope, code, UnitRankingsForm)


@role_required(*COORDINATOR)
def event_confirm(request: HttpRequest, scope, code: str) -> HttpResponse:
    event, form = _event_form(request, scope, code, ConfirmForm)
    if form.is_valid():
        try:
            employments = services.event_confirm(
                scope=scope,
                actor=request.user,
                event=event,
                starts_on=form.cleaned_data["starts_on"],
                overrides=form.cleaned_data["overrides"],
                readiness_override=form.cleaned_data["readiness_override"],
            )
        except ValidationError as error:
            _refused(request, error)
            # Keyed by a person's code: a reason's problems, shown at that reason.
            if hasattr(error, "error_dict"):
                for person_code, problems in error.message_dict.items():
                    if person_code in form.sent("reason"):
                        form.reason_errors[person_code] = problems
        else:
            created = _("%(n)d employments were created.") % {"n": len(employments)}
            messages.success(request, created)
            return redirect("placement:event", code=code)
    elif form.non_field_errors():
        messages.error(request, " ".join(form.non_field_errors()))
    # A refused confirmation: the page again, with the proposal and the changes as sent.
    return _event_page(request, event, form, propose=True)


EVENT_ACTIONS = {
    MeetingsForm.action: event_meetings_save,
    PeerRankingsForm.action: event_peer_rankings_save,
    UnitRankingsForm.action: event_unit_rankings_save,
    ConfirmForm.action: event_confirm,
}


def _event_page(request: HttpRequest, event, confirm: ConfirmForm, *, propose: bool):
    people, positions = confirm.people, confirm.positions
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
    context = {
        "event": event,
        "people": list(people.values()),
        "positions": list(positions.values()),
        "peer_grid": peer_grid,
        "met_grid": met_grid,
        "unit_grid": unit_grid,
        "proposed": propose and event.confirmed_at is None,
        "confirm": confirm,
        "sent_overrides": confirm.sent("override") if confirm.is_bound else {},
        "sent_reasons": confirm.sent("reason") if confirm.is_bound else {},
        "reason_errors": confirm.reason_errors,
        "employments": event.employments.select_related("person", "unit"),
    }
    if context["proposed"]:
        result, _p, _q = services.event_solve(event)
        context["proposal"] = [(people[p], positions[q]) for p, q in result.matches]
        context["unmatched"] = [
            (
                people[p],
                REASON_TEXT.get(
                    result.reasons.get(p),
                    _("positions they ranked were filled by peer supporters the units preferred"),
                ),
            )
            for p in result.unmatched_peers
        ]
        context["unfilled"] = [positions[q] for q in result.unfilled_positions]
    return render(request, "placement/event.html", context)


@role_required(*COORDINATOR)
def employments(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    listed = selectors.employment_list(scope=scope, actor=request.user)
    form = EmploymentForm(
        request.POST or None,
        people=selectors.available_peer_supporters(scope=scope, day=today, actor=request.user),
        units=selectors.units_for_positions(scope=scope),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(
            form, services.employment_create, scope=scope, actor=request.user, **form.cleaned_data
        )
    ):
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


EMPLOYMENT_ACTIONS = {
    "end": services.employment_end,
    "fte": services.employment_change_fte,
    "sick": services.sick_leave_record,
}


@role_required(*COORDINATOR)
def employment_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    employment = selectors.employment_get(scope=scope, actor=request.user, code=code)
    forms = {"end": EndForm(), "fte": FteChangeForm(), "sick": SickLeaveForm()}
    action = request.POST.get("action") if request.method == "POST" else None
    if action in forms:
        form = forms[action] = type(forms[action])(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if action == "end":
                data["reason"] = data.pop("end_reason")
            service = EMPLOYMENT_ACTIONS[action]
            if _call(form, service, scope=scope, actor=request.user, employment=employment, **data):
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
