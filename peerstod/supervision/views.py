from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerstod.accounts.roles import Role
from peerstod.core.forms import add_service_errors
from peerstod.core.permissions import role_required
from peerstod.core.suppression import suppress_table
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
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    return person


@role_required(Role.SUPERVISOR)
def home(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    people = selectors.my_supervisees(user=request.user, day=today)
    form = BookForm(request.POST or None, people=people)
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
    rows = [
        (p, drift.signal(p, today), p.supervision_requests.filter(handled_at__isnull=True).first())
        for p in people
    ]
    return render(
        request,
        "supervision/home.html",
        {
            "rows": rows,
            "form": form,
            "sessions": selectors.sessions_for_supervisor(user=request.user)[:20],
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
        try:
            services.session_record(actor=request.user, session=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:session", code=code)
    return render(
        request,
        "supervision/session.html",
        {"session": item, "form": form, "is_supervisor": is_supervisor},
    )


@role_required(Role.PEER_SUPPORTER)
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
            services.request_session(actor=request.user, message=form.cleaned_data["message"])
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
def self_assessment(request: HttpRequest, scope) -> HttpResponse:
    person = _person(request)
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assess(
                actor=request.user,
                person=person,
                month=timezone.localdate(),
                answers=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
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
    people = selectors.people_on_units(scope=scope)
    form = CheckInForm(
        request.POST or None, people=people, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["person"]
        unit = (
            person.employments.filter(
                unit_id__in=scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
            )
            .first()
            .unit
        )
        try:
            services.check_in_record(
                scope=scope,
                actor=request.user,
                person=person,
                unit=unit,
                held_on=data["held_on"],
                attendees=data["attendees"],
                actions=[
                    (data[f"action_{n}"], data[f"due_{n}"]) for n in (1, 2) if data[f"action_{n}"]
                ],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The check-in meeting was recorded."))
            return redirect("supervision:check_ins")
    shared = [
        (p, drift.signal(p))
        for p in people
        if getattr(p, "drift_share", None) and p.drift_share.shared
    ]
    return render(
        request,
        "supervision/check_ins.html",
        {
            "form": form,
            "check_ins": selectors.check_ins(scope=scope)[:30],
            "supervision_dates": selectors.supervision_dates_for_units(
                scope=scope, unit_ids=scope.unit_ids(Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
            ),
            "shared": shared,
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
    people = selectors.network_people(scope=scope)
    form = MeetingForm(request.POST or None, people=people)
    networks = scope.coordinated_network_ids()
    if request.method == "POST" and form.is_valid() and networks:
        from peerstod.orgs.selectors import networks_coordinated

        network = networks_coordinated(scope=scope).first()
        try:
            services.meeting_create(
                scope=scope, actor=request.user, network=network, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting was created and the invitations saved."))
            return redirect("supervision:meetings")
    # Drift signals per organisation where peer supporters work: counts only, suppressed.
    counts: Counter = Counter()
    for person in people:
        job = person.employments.select_related("unit__organisation").first()
        if job is not None:
            counts[(job.unit.organisation.name, drift.signal(person).level.label)] += 1
    table = suppress_table(counts) if counts else None
    return render(
        request,
        "supervision/meetings.html",
        {
            "form": form,
            "meetings": selectors.meetings_for_network(scope=scope),
            "table": table,
        },
    )


@role_required(Role.NETWORK_COORDINATOR)
def meeting(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.meeting_get(scope=scope, code=code)
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


@role_required()
def notifications(request: HttpRequest, scope) -> HttpResponse:
    return render(
        request,
        "supervision/notifications.html",
        {"notifications": selectors.notifications(user=request.user)},
    )
