"""The survey pages of staff behind a login: rounds and instruments, slips, kiosks and
paper entry, results, comparisons and moderation."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from peerstod.accounts.permissions import role_required
from peerstod.core.forms import call_service
from peerstod.core.links import absolute, host_differs
from peerstod.surveys import reports, selectors, services
from peerstod.surveys.forms import (
    AnswerForm,
    InstrumentImportForm,
    InvitedForm,
    KioskForm,
    RoundForm,
    SlipsForm,
)
from peerstod.surveys.models import Audience, Channel

# The instruments' language codes, as words.
LANGUAGES = {"sv": _lazy("Swedish"), "en": _lazy("English")}

READERS = selectors.RESULT_READERS
COORDINATORS = selectors.COORDINATORS


@role_required(*READERS)
def index(request: HttpRequest, scope) -> HttpResponse:
    organisations = list(selectors.coordinated_organisations(scope=scope))
    form = None
    if organisations:
        organisation = organisations[0]
        form = RoundForm(
            request.POST or None,
            instruments=selectors.instruments(scope=scope),
            units=organisation.units.order_by("name"),
            prefix="round",
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            ok, survey_round = call_service(
                form,
                services.round_create,
                scope=scope,
                actor=request.user,
                organisation=organisation,
                instrument=data["instrument"],
                audience=data["audience"],
                number=data["number"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                units=list(data["units"]),
                channels=data["channels"],
                once=data["once"],
            )
            if ok:
                messages.success(request, _("The round is created."))
                return redirect("surveys:round", code=survey_round.code)
    return render(
        request,
        "surveys/index.html",
        {"rounds": selectors.rounds(scope=scope), "form": form, "today": timezone.localdate()},
    )


@role_required(*READERS)
def instruments(request: HttpRequest, scope) -> HttpResponse:
    organisations = list(selectors.coordinated_organisations(scope=scope))
    form = (
        InstrumentImportForm(request.POST or None, request.FILES or None) if organisations else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        ok, instrument = call_service(
            form,
            services.instrument_import,
            scope=scope,
            actor=request.user,
            organisation=organisations[0],
            source=form.cleaned_data["file"].read(),
            rights_confirmed=form.cleaned_data["rights_confirmed"],
            once=form.cleaned_data["once"],
        )
        if ok:
            messages.success(request, _("The instrument is loaded."))
            return redirect("surveys:instrument", pk=instrument.pk)
    return render(
        request,
        "surveys/instruments.html",
        {"instruments": selectors.instruments(scope=scope), "form": form},
    )


def _answer_labels(scale, language: str) -> list[str]:
    """The words of a scale's answers, "don't know" and the like included: never codes."""
    return [*scale.labels[language], *(labels[language] for labels in scale.excluded.values())]


def _respondent_label(respondent: str) -> str:
    return Audience(respondent).label if respondent in Audience.values else respondent


@role_required(*READERS)
def instrument(request: HttpRequest, scope, pk: int) -> HttpResponse:
    item = selectors.instrument_get(scope=scope, pk=pk)
    definition = item.definition
    language = reports.language_for(definition)
    versions = [
        (
            _respondent_label(respondent),
            [
                (
                    question.text_for(respondent, language),
                    _answer_labels(question.scale, language) if question.scale else None,
                    question,
                )
                for question in definition.items_for(respondent)
            ],
        )
        for respondent in definition.respondents
    ]

    def question_text(key: str) -> str:
        question = definition.item(key)
        asked = question.respondents or definition.respondents
        return question.text_for(asked[0], language)

    return render(
        request,
        "surveys/instrument.html",
        {
            "instrument": item,
            "definition": definition,
            "language": language,
            "title": definition.localised(definition.title, language),
            "versions": versions,
            "languages": [LANGUAGES.get(code, code) for code in definition.languages],
            "subscales": [
                (
                    definition.localised(s.title, language),
                    s,
                    [question_text(key) for key in s.items],
                )
                for s in definition.subscales
            ],
        },
    )


@role_required(*READERS)
def round_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    units = selectors.round_units(survey_round=survey_round)
    if request.method == "POST":
        action = ROUND_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        try:
            done = action(request, scope, survey_round, units)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if done is not None:
                return done
        return redirect("surveys:round", code=code)
    context = reports.round_page(scope=scope, survey_round=survey_round)
    context["host_differs"] = host_differs(request)
    context["slips_form"] = SlipsForm(
        units=units, prefix="slips", confirm_address=context["host_differs"]
    )
    context["invited_form"] = InvitedForm(units=units, prefix="invited")
    return render(request, "surveys/round.html", context)


def _close(request: HttpRequest, scope, survey_round, units) -> None:
    if not selectors.is_coordinator(scope=scope, survey_round=survey_round):
        raise Http404
    services.round_close(
        scope=scope, actor=request.user, survey_round=survey_round, day=timezone.localdate()
    )
    messages.success(request, _("The round is closed."))


def _invited(request: HttpRequest, scope, survey_round, units) -> None:
    form = InvitedForm(request.POST, units=units, prefix="invited")
    if not form.is_valid():
        raise ValidationError(form.error_text())
    services.invited_set(
        scope=scope, actor=request.user, survey_round=survey_round, **form.cleaned_data
    )
    messages.success(request, _("Saved."))


def _kiosk(request: HttpRequest, scope, survey_round, units) -> HttpResponse:
    visible = selectors.visible_units(scope=scope, survey_round=survey_round)
    form = KioskForm(request.POST, units=visible)
    if not form.is_valid():
        raise ValidationError(form.error_text())
    kiosk = services.kiosk_open(
        scope=scope, actor=request.user, survey_round=survey_round, unit=form.cleaned_data["unit"]
    )
    # The tablet is handed to patients: nobody may reach this account from it.
    logout(request)
    return redirect("surveys:kiosk", code=kiosk.code)


# The round page's forms, by their `action`: each returns a response, or None to come
# back to the page.
ROUND_ACTIONS = {"close": _close, "invited": _invited, "kiosk": _kiosk}


@require_POST
@role_required(*COORDINATORS)
def slips(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    units = selectors.round_units(survey_round=survey_round)
    # Codes are kept only hashed: slips printed with a wrong address cannot be printed
    # again, so an address that differs from this page's host must be confirmed first.
    form = SlipsForm(
        request.POST, units=units, prefix="slips", confirm_address=host_differs(request)
    )
    try:
        if not form.is_valid():
            raise ValidationError(form.error_text())
        unit = form.cleaned_data["unit"]
        if form.cleaned_data["count"] > services.SLIPS_IN_REQUEST:
            job = services.slips_queue(
                scope=scope,
                actor=request.user,
                survey_round=survey_round,
                unit=unit,
                count=form.cleaned_data["count"],
                once=form.cleaned_data["once"],
            )
            return redirect(job.get_absolute_url())
        codes = services.slips_create(
            scope=scope,
            actor=request.user,
            survey_round=survey_round,
            unit=unit,
            count=form.cleaned_data["count"],
            once=form.cleaned_data["once"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:round", code=code)
    pdf = reports.slips_pdf(survey_round=survey_round, unit=unit, codes=codes)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lappar-{code}-{unit.code}.pdf"'
    return response


@require_GET
@role_required(*READERS)
def link_qr(request: HttpRequest, scope, code: str, unit: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    found = selectors.unit_by_code(
        selectors.visible_units(scope=scope, survey_round=survey_round), unit
    )
    if found is None:
        raise Http404
    url = absolute(reverse("surveys:answer_link", args=[survey_round.link_code, found.code]))
    return HttpResponse(reports.qr_svg(url), content_type="image/svg+xml")


@role_required(*selectors.PAPER_ROLES)
def paper(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    units = selectors.paper_units(scope=scope, survey_round=survey_round)
    if not units or Channel.PAPER not in survey_round.channels:
        raise Http404
    definition = survey_round.instrument.definition
    language = reports.language_for(definition)
    form = AnswerForm(
        request.POST or None,
        definition=definition,
        audience=survey_round.audience,
        language=language,
        initial={"token": services.form_token()},
    )
    chosen = request.POST.get("unit", "")
    unit = selectors.unit_by_code(units, chosen)
    if request.method == "POST" and unit is None:
        form.add_error(None, _("Choose one of the round's units."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.paper_enter(
                scope=scope,
                actor=request.user,
                survey_round=survey_round,
                unit=unit,
                day=timezone.localdate(),
                code=request.POST.get("code", "").strip() or None,
                **form.payload(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The answer is saved. Type in the next one."))
            return redirect(f"{reverse('surveys:paper', args=[code])}?enhet={chosen}")
    return render(
        request,
        "surveys/paper.html",
        {
            "round": survey_round,
            "form": form,
            "units": units,
            "chosen": chosen or request.GET.get("enhet", ""),
        },
    )


@role_required(*READERS)
def results(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    coordinator = selectors.is_coordinator(scope=scope, survey_round=survey_round)
    today = timezone.localdate()
    if not survey_round.is_closed(today) and not coordinator:
        return render(request, "surveys/results_wait.html", {"round": survey_round}, status=200)
    visible = selectors.visible_units(scope=scope, survey_round=survey_round)
    # Results of anonymous answers, small groups hidden: no personal data, no read row.
    computed = reports.round_results(survey_round=survey_round, unit_ids={u.pk for u in visible})
    services.interim_shown(scope=scope, actor=request.user, survey_round=survey_round, day=today)
    if request.GET.get("format") == "xlsx":
        return reports.results_workbook(survey_round=survey_round, computed=computed)
    context = reports.results_context(survey_round=survey_round, computed=computed)
    context["others"] = selectors.comparable_rounds(scope=scope, survey_round=survey_round)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(reports.results_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="enkat-{code}.pdf"'
        return response
    return render(request, "surveys/results.html", context)


@role_required(*READERS)
def compare(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    others = selectors.comparable_rounds(scope=scope, survey_round=survey_round)
    other = next((r for r in others if r.code == request.GET.get("med")), None)
    if other is None:
        raise Http404
    first, second = sorted([survey_round, other], key=lambda r: r.number)
    today = timezone.localdate()
    coordinator = selectors.is_coordinator(scope=scope, survey_round=survey_round)
    if not coordinator and not (first.is_closed(today) and second.is_closed(today)):
        return render(request, "surveys/results_wait.html", {"round": survey_round})
    visible = {u.pk for u in selectors.visible_units(scope=scope, survey_round=survey_round)}
    for each in (first, second):
        services.interim_shown(scope=scope, actor=request.user, survey_round=each, day=today)
    rows = reports.comparison(first=first, second=second, unit_ids=visible)
    return render(
        request,
        "surveys/compare.html",
        {"first": first, "second": second, "rows": rows, "limit": reports.results.minimum_group()},
    )


@role_required(*COORDINATORS)
def moderate(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    if not selectors.is_coordinator(scope=scope, survey_round=survey_round):
        raise Http404
    if request.method == "POST":
        try:
            answer = selectors.text_get(scope=scope, pk=request.POST.get("answer", ""))
        except ValueError as error:
            raise Http404 from error
        try:
            services.text_moderate(
                scope=scope,
                actor=request.user,
                answer=answer,
                approve=request.POST.get("approve") == "yes",
            )
            messages.success(request, _("Saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("surveys:moderate", code=code)
    # Anonymous free text, checked by the personal-data guard when it was sent.
    pending = list(selectors.texts_pending(survey_round=survey_round))
    return render(request, "surveys/moderate.html", {"round": survey_round, "pending": pending})
