from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerstod.accounts.permissions import role_required
from peerstod.accounts.roles import Role
from peerstod.core.forms import add_service_errors, call_service
from peerstod.core.ratelimit import limit
from peerstod.recruitment import reports, selectors, services
from peerstod.recruitment.forms import (
    AdvanceForm,
    ApplicationForm,
    CallForm,
    CohortForm,
    DiscontinueForm,
    NoteForm,
    SessionForm,
)
from peerstod.recruitment.models import EnrolmentStatus, Step

RECRUITERS = (Role.NETWORK_COORDINATOR,)
TRAINING = (Role.NETWORK_COORDINATOR, Role.TRAINER)


# Public ------------------------------------------------------------------------------


@login_not_required
def public_calls(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/public_calls.html", {"calls": selectors.open_calls()})


# Where the address of the last application is kept until its thank-you page is shown.
SENT = "recruitment.sent"


@login_not_required
@limit("apply")
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The public application form. Whatever the address (new, one that has applied
    before, one whose application was withdrawn), a valid form gets the same redirect
    and the same page, "we have sent an e-mail to …": the receipt, or the note that an
    application was already received, goes to that mailbox, never to the screen."""
    call = selectors.public_call_get(code=code)
    is_open = call.is_open_on(timezone.localdate())
    if request.method == "GET" and request.GET.get("skickat") == "1":
        sent = request.session.pop(SENT, None)
        address = sent["email"] if sent and sent.get("call") == call.code else ""
        return render(request, "recruitment/apply_sent.html", {"call": call, "address": address})
    form = ApplicationForm(request.POST or None, call=call)
    if request.method == "POST" and is_open and form.is_valid():
        data = form.cleaned_data
        try:
            services.application_submit(
                call=call,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                motivation=data["motivation"],
                lived_experience=data["lived_experience"],
                availability=data["availability"],
                fte_min=data["fte_min"],
                fte_max=data["fte_max"],
                areas=list(data["areas"]),
                consent=data["consent"],
                status_url=request.build_absolute_uri(reverse("recruitment:status_root")),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SENT] = {"call": call.code, "email": data["email"].strip().lower()}
            return redirect(reverse("recruitment:apply", args=[call.code]) + "?skickat=1")
    return render(
        request, "recruitment/apply.html", {"call": call, "form": form, "is_open": is_open}
    )


@login_not_required
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's own page, reached only by the link in the receipt."""
    application = selectors.application_by_token(token=token)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm that you want to withdraw."))
            return redirect("recruitment:status", token=token)
        try:
            services.application_withdraw(token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("recruitment:status", token=token)
        return render(request, "recruitment/withdrawn.html")
    return render(
        request,
        "recruitment/status.html",
        {
            "application": application,
            "events": application.events.all(),
            "can_withdraw": application.step in services.WITHDRAWABLE,
        },
    )


@login_not_required
def status_root(request: HttpRequest) -> HttpResponse:
    return redirect("recruitment:public_calls")


# Recruitment team ----------------------------------------------------------------------


@role_required(*selectors.FUNNEL_READERS)
def calls(request: HttpRequest, scope) -> HttpResponse:
    return render(
        request,
        "recruitment/calls.html",
        {
            "calls": selectors.call_list(scope=scope),
            "recruiter": bool(selectors.recruiting_networks(scope)),
            "recruiting": selectors.recruiting_networks(scope),
        },
    )


@role_required(*RECRUITERS)
def call_create(request: HttpRequest, scope) -> HttpResponse:
    form = CallForm(request.POST or None)
    networks = selectors.recruiting_network_list(scope=scope)
    if request.method == "POST" and form.is_valid():
        ok, call = call_service(
            form,
            services.call_create,
            scope=scope,
            actor=request.user,
            network=networks[0],
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The call was opened."))
            return redirect("recruitment:call", code=call.code)
    return render(request, "recruitment/call_form.html", {"form": form})


@role_required(*RECRUITERS)
def call_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    call = selectors.call_get(scope=scope, code=code)
    step = request.GET.get("steg", "")
    if step not in Step.values:
        step = ""
    return render(
        request,
        "recruitment/call_detail.html",
        {
            "call": call,
            "applications": selectors.application_list(
                scope=scope, actor=request.user, call=call, step=step
            ),
            "step": step,
            "steps": selectors.step_counts(call=call),
            "public_url": request.build_absolute_uri(
                reverse("recruitment:apply", args=[call.code])
            ),
        },
    )


@role_required(*RECRUITERS)
def application_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    application = selectors.application_get(scope=scope, actor=request.user, code=code)
    cohorts = selectors.basic_cohorts(scope=scope, network_id=application.call.network_id)
    advance = AdvanceForm(cohorts=cohorts)
    note_form = NoteForm()
    if request.method == "POST":
        if request.POST.get("action") == "contact_apply":
            try:
                services.application_contact_apply(
                    scope=scope, actor=request.user, application=application
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The person's details were updated."))
            return redirect("recruitment:application", code=code)
        if "text" in request.POST:
            note_form = NoteForm(request.POST)
            if note_form.is_valid():
                ok, _done = call_service(
                    note_form,
                    services.application_note_add,
                    scope=scope,
                    actor=request.user,
                    application=application,
                    text=note_form.cleaned_data["text"],
                    once=note_form.cleaned_data["once"],
                )
                if ok:
                    return redirect("recruitment:application", code=code)
        else:
            advance = AdvanceForm(request.POST, cohorts=cohorts)
            if advance.is_valid():
                data = advance.cleaned_data
                ok, _done = call_service(
                    advance,
                    services.application_advance,
                    scope=scope,
                    actor=request.user,
                    application=application,
                    step=data["step"],
                    reason=data["reason"],
                    interview_at=data["interview_at"],
                    cohort=data["cohort"],
                )
                if ok:
                    messages.success(
                        request, _("Saved: %(step)s.") % {"step": Step(data["step"]).label}
                    )
                    return redirect("recruitment:application", code=code)
    next_steps = [
        Step(s)
        for s in services.NEXT_STEPS.get(application.step, set())
        if s not in {Step.COMPLETED, Step.DISCONTINUED, Step.CERTIFIED, Step.EMPLOYED}
    ]
    order = list(Step)
    return render(
        request,
        "recruitment/application_detail.html",
        {
            "application": application,
            "events": application.events.select_related("by"),
            "notes": application.notes.select_related("author"),
            "advance": advance,
            "note_form": note_form,
            "next_steps": sorted(next_steps, key=order.index),
            "cohorts": cohorts,
            "contact_changes": services.application_contact_changes(application),
        },
    )


@role_required(*RECRUITERS)
def application_export(request: HttpRequest, scope, code: str) -> HttpResponse:
    application = selectors.application_get(scope=scope, actor=request.user, code=code, read=False)
    try:
        data = services.applicant_export(scope=scope, actor=request.user, application=application)
    except ValidationError as error:
        return JsonResponse({"error": error.messages}, status=410)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="ansokan-{code}.json"'
    return response


@role_required(*selectors.FUNNEL_READERS)
def funnel(request: HttpRequest, scope) -> HttpResponse:
    report = reports.funnel_report(scope=scope, params=request.GET)
    if report.funnel is None:  # a combination of filters: refused, with the reason
        return render(request, "recruitment/funnel.html", {"report": report}, status=400)
    if request.GET.get("format") == "xlsx":
        return reports.funnel_workbook(report)
    return render(request, "recruitment/funnel.html", {"report": report})


# Training ----------------------------------------------------------------------------


@role_required(*TRAINING)
def cohorts(request: HttpRequest, scope) -> HttpResponse:
    return render(
        request,
        "recruitment/cohorts.html",
        {
            "cohorts": selectors.cohort_list(scope=scope),
            "recruiter": bool(selectors.recruiting_networks(scope)),
        },
    )


@role_required(*RECRUITERS)
def cohort_create(request: HttpRequest, scope) -> HttpResponse:
    networks = selectors.recruiting_network_list(scope=scope)
    form = CohortForm(
        request.POST or None,
        trainers=selectors.trainer_users(scope=scope, actor=request.user, network=networks[0]),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        trainers = data.pop("trainers")
        ok, cohort = call_service(
            form,
            services.cohort_create,
            scope=scope,
            actor=request.user,
            network=networks[0],
            trainers=trainers,
            **data,
        )
        if ok:
            messages.success(request, _("The cohort was created. Add its training days."))
            return redirect("recruitment:cohort", code=cohort.code)
    return render(request, "recruitment/cohort_form.html", {"form": form})


@role_required(*TRAINING)
def cohort_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    cohort = selectors.cohort_get(scope=scope, code=code)
    recruiter = selectors.is_recruiter(scope, cohort.network_id)
    session_form = SessionForm()
    if request.method == "POST" and recruiter and "day" in request.POST:
        session_form = SessionForm(request.POST)
        if session_form.is_valid():
            ok, _done = call_service(
                session_form,
                services.session_add,
                scope=scope,
                actor=request.user,
                cohort=cohort,
                **session_form.cleaned_data,
            )
            if ok:
                messages.success(request, _("The training day was added."))
                return redirect("recruitment:cohort", code=code)
    summary = selectors.attendance_summary(cohort=cohort)
    sessions = list(cohort.sessions.all())
    participants = [
        (enrolment, summary.get(enrolment.pk, (0, 0)))
        for enrolment in selectors.enrolment_list(actor=request.user, cohort=cohort)
    ]
    return render(
        request,
        "recruitment/cohort_detail.html",
        {
            "cohort": cohort,
            "sessions": sessions,
            "participants": participants,
            "recruiter": recruiter,
            "session_form": session_form,
            "discontinue_form": DiscontinueForm(),
            "statuses": EnrolmentStatus,
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(*RECRUITERS)
def enrolment_action(request: HttpRequest, scope, code: str) -> HttpResponse:
    enrolment = selectors.enrolment_get(scope=scope, code=code)
    action = request.POST.get("action")
    today = timezone.localdate()
    try:
        if action == "complete":
            services.enrolment_complete(
                scope=scope, actor=request.user, enrolment=enrolment, on=today
            )
            messages.success(
                request, _("%(name)s has completed the training.") % {"name": enrolment.person}
            )
        elif action == "certify":
            services.enrolment_certify(
                scope=scope, actor=request.user, enrolment=enrolment, on=today
            )
            messages.success(request, _("%(name)s is certified.") % {"name": enrolment.person})
        elif action == "discontinue":
            form = DiscontinueForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose why the training was discontinued."))
            services.enrolment_discontinue(
                scope=scope,
                actor=request.user,
                enrolment=enrolment,
                reason=form.cleaned_data["reason"],
                on=today,
            )
            messages.success(request, _("The discontinuation was recorded."))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("recruitment:cohort", code=enrolment.cohort.code)


@role_required(*TRAINING)
def attendance(request: HttpRequest, scope, code: str) -> HttpResponse:
    session = selectors.session_get(scope=scope, code=code)
    error = ""
    if request.method == "POST":
        enrolment = selectors.enrolment_in_cohort(
            cohort=session.cohort, code=request.POST.get("participant", "")
        )
        try:
            services.attendance_mark(
                scope=scope,
                actor=request.user,
                session=session,
                enrolment=enrolment,
                present=request.POST.get("present") == "yes",
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        if not error:
            # Back to the row just marked, so the trainer goes on where she was.
            target = reverse("recruitment:attendance", args=[code])
            return redirect(f"{target}#row-{enrolment.code}")
    return render(
        request,
        "recruitment/attendance.html",
        {
            "session": session,
            "rows": selectors.attendance_rows(actor=request.user, session=session),
            "error": error,
        },
    )


@role_required(*TRAINING)
def certificate(request: HttpRequest, scope, code: str) -> HttpResponse:
    certification = selectors.certification_get(scope=scope, actor=request.user, code=code)
    pdf = reports.certificate_pdf(certification, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="intyg-{code}.pdf"'
    return response
