from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerstod.accounts.permissions import role_required
from peerstod.accounts.roles import Role
from peerstod.core.forms import add_service_errors, call_service
from peerstod.people.own import own_person_required
from peerstod.supervision import drift, selectors, services
from peerstod.supervision.forms import (
    BookForm,
    CheckInForm,
    MeetingForm,
    RecordForm,
    RequestForm,
    SelfAssessmentForm,
)
from peerstod.supervision.questions import QUESTIONS


def _person(request):
    """The peer supporter's own person: `own_person_required` has made sure of it."""
    return request.user.person


@role_required(Role.SUPERVISOR)
def home(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    people = selectors.my_supervisees(user=request.user, day=today)
    # "Boka" on the start page opens this form with that supervisee ticked.
    chosen = request.GET.get("med", "")
    initial = {"participants": [p for p in people if p.code == chosen]} if chosen else {}
    form = BookForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_book(
                actor=request.user, people=list(data.pop("participants")), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The session is booked for %(when)s.")
                % {"when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("supervision:home")
    return render(
        request,
        "supervision/home.html",
        {
            "rows": selectors.supervisee_rows(user=request.user, day=today),
            "form": form,
            "sessions": selectors.sessions_for_supervisor(user=request.user),
        },
    )


@role_required(Role.SUPERVISOR, Role.PEER_SUPPORTER)
def session(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.session_get(user=request.user, code=code)
    is_supervisor = item.supervisor_id == request.user.pk
    form = (
        RecordForm(request.POST or None, initial={"status": "held", "notes": item.notes})
        if is_supervisor
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        ok, _done = call_service(
            form, services.session_record, actor=request.user, session=item, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("Saved."))
            return redirect("supervision:session", code=code)
    return render(
        request,
        "supervision/session.html",
        {"session": item, "form": form, "is_supervisor": is_supervisor},
    )


@role_required(Role.PEER_SUPPORTER)
@own_person_required
def mine(request: HttpRequest, scope) -> HttpResponse:
    person = _person(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        if "shared" in request.POST:
            services.drift_share_set(
                actor=request.user, person=person, shared=request.POST["shared"] == "yes"
            )
            messages.success(request, _("Saved."))
            return redirect("supervision:mine")
        if form.is_valid():
            ok, _done = call_service(
                form,
                services.request_session,
                actor=request.user,
                message=form.cleaned_data["message"],
                once=form.cleaned_data["once"],
            )
            if ok:
                messages.success(request, _("Your supervisor has been asked for a session."))
                return redirect("supervision:mine")
    share = getattr(person, "drift_share", None)
    return render(
        request,
        "supervision/mine.html",
        {
            "signal": drift.signal(person),
            "form": form,
            "sessions": selectors.sessions_for_person(person=person)[:10],
            "meetings": selectors.upcoming_meetings(person=person, now=timezone.now()),
            "shared": bool(share and share.shared),
            "pending": person.supervision_requests.filter(handled_at__isnull=True).exists(),
        },
    )


@role_required(Role.PEER_SUPPORTER)
@own_person_required
def self_assessment(request: HttpRequest, scope) -> HttpResponse:
    person = _person(request)
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _done = call_service(
            form,
            services.self_assess,
            actor=request.user,
            person=person,
            month=timezone.localdate(),
            answers=form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Thank you. Your answers for this month are saved."))
            return redirect("supervision:self_assessment")
    return render(
        request,
        "supervision/self_assessment.html",
        {
            "form": form,
            "history": person.self_assessments.all()[:12],
            "questions": QUESTIONS,
        },
    )


@role_required(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
def check_ins(request: HttpRequest, scope) -> HttpResponse:
    people = selectors.people_on_units(scope=scope, user=request.user)
    form = CheckInForm(
        request.POST or None, people=people, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = selectors.check_in_unit(scope=scope, person=data["person"])
        try:
            if unit is None:
                raise ValidationError(
                    {"person": _("The peer supporter does not work on this unit.")}
                )
            services.check_in_record(
                scope=scope,
                actor=request.user,
                person=data["person"],
                unit=unit,
                held_on=data["held_on"],
                attendees=data["attendees"],
                actions=[
                    (data[f"action_{n}"], data[f"due_{n}"]) for n in (1, 2) if data[f"action_{n}"]
                ],
                once=data["once"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The check-in meeting was recorded."))
            return redirect("supervision:check_ins")
    return render(
        request,
        "supervision/check_ins.html",
        {
            "form": form,
            "check_ins": selectors.check_ins(scope=scope, user=request.user),
            "supervision_dates": selectors.supervision_dates_for_units(
                scope=scope, unit_ids=scope.unit_ids(*selectors.MANAGING), user=request.user
            ),
            "shared": selectors.shared_drift_signals(scope=scope, user=request.user),
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
def action_done(request: HttpRequest, scope, pk: int) -> HttpResponse:
    action = selectors.action_get(scope=scope, pk=pk)
    services.action_done(scope=scope, actor=request.user, action=action, on=timezone.localdate())
    return redirect("supervision:check_ins")


@role_required(Role.NETWORK_COORDINATOR)
def meetings(request: HttpRequest, scope) -> HttpResponse:
    """The network's meetings and the drift signals per organisation. A new meeting is
    made on its own page (`meeting_new`): its list of the network's peer supporters to
    invite is long (a thousand at national scale) and has no place on the overview."""
    counts = selectors.drift_counts(scope=scope)
    return render(
        request,
        "supervision/meetings.html",
        {
            "meetings": selectors.meetings_for_network(scope=scope),
            "levels": list(drift.Level),
            "drift_rows": drift.counts_table(counts) if counts else [],
        },
    )


@role_required(Role.NETWORK_COORDINATOR)
def meeting_new(request: HttpRequest, scope) -> HttpResponse:
    people = selectors.network_people(scope=scope, user=request.user)
    form = MeetingForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        network = selectors.network_coordinated(scope=scope)
        if network is None:
            form.add_error(None, _("Only a coordinator of the network can create its meetings."))
        else:
            ok, _done = call_service(
                form,
                services.meeting_create,
                scope=scope,
                actor=request.user,
                network=network,
                **form.cleaned_data,
            )
            if ok:
                messages.success(request, _("The meeting was created and the invitations saved."))
                return redirect("supervision:meetings")
    return render(request, "supervision/meeting_new.html", {"form": form})


@role_required(Role.NETWORK_COORDINATOR)
def meeting(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.meeting_get(scope=scope, code=code, user=request.user)
    if request.method == "POST":
        codes = set(request.POST.getlist("attended"))
        try:
            services.meeting_attendance(
                scope=scope,
                actor=request.user,
                meeting=item,
                attended=[p for p in item.invited.all() if p.code in codes],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved."))
        return redirect("supervision:meeting", code=code)
    attended = set(item.attended.values_list("id", flat=True))
    return render(request, "supervision/meeting.html", {"meeting": item, "attended": attended})
