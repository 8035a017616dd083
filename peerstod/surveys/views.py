from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from peerstod.accounts.permissions import role_required
from peerstod.core.clientip import ratelimit_key
from peerstod.core.forms import add_service_errors
from peerstod.core.ratelimit import hit, limit, too_many
from peerstod.surveys import devices, reports, selectors, services
from peerstod.surveys.forms import (
    AnswerForm,
    CodeForm,
    InstrumentImportForm,
    InvitedForm,
    RoundForm,
    SlipsForm,
)
from peerstod.surveys.models import Channel

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
            try:
                survey_round = services.round_create(
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
            except ValidationError as error:
                add_service_errors(form, error)
            else:
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
        try:
            instrument = services.instrument_import(
                scope=scope,
                actor=request.user,
                organisation=organisations[0],
                source=form.cleaned_data["file"].read(),
                rights_confirmed=form.cleaned_data["rights_confirmed"],
                once=form.cleaned_data["once"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instrument is loaded."))
            return redirect("surveys:instrument", pk=instrument.pk)
    return render(
        request,
        "surveys/instruments.html",
        {"instruments": selectors.instruments(scope=scope), "form": form},
    )


@role_required(*READERS)
def instrument(request: HttpRequest, scope, pk: int) -> HttpResponse:
    item = selectors.instrument_get(scope=scope, pk=pk)
    definition = item.definition
    language = reports.language_for(definition)
    versions = [
        (
            respondent,
            [
                (
                    question.text_for(respondent, language),
                    question.scale.labels[language] if question.scale else None,
                    question,
                )
                for question in definition.items_for(respondent)
            ],
        )
        for respondent in definition.respondents
    ]
    return render(
        request,
        "surveys/instrument.html",
        {
            "instrument": item,
            "definition": definition,
            "language": language,
            "title": definition.localised(definition.title, language),
            "versions": versions,
            "subscales": [
                (definition.localised(s.title, language), s) for s in definition.subscales
            ],
        },
    )


def _unit(units, code: str):
    found = next((u for u in units if u.code == code), None)
    if found is None:
        raise ValidationError({"unit": _("Choose one of the round's units.")})
    return found


@role_required(*READERS)
def round_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    coordinator = selectors.is_coordinator(scope=scope, survey_round=survey_round)
    units = selectors.round_units(survey_round=survey_round)
    visible = selectors.visible_units(scope=scope, survey_round=survey_round)
    invited_form = InvitedForm(
        request.POST if request.POST.get("action") == "invited" else None,
        units=units,
        prefix="invited",
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close" and coordinator:
                services.round_close(
                    scope=scope,
                    actor=request.user,
                    survey_round=survey_round,
                    day=timezone.localdate(),
                )
                messages.success(request, _("The round is closed."))
            elif action == "invited" and invited_form.is_valid():
                services.invited_set(
                    scope=scope,
                    actor=request.user,
                    survey_round=survey_round,
                    unit=_unit(units, invited_form.cleaned_data["unit"]),
                    channel=invited_form.cleaned_data["channel"],
                    invited=invited_form.cleaned_data["invited"],
                )
                messages.success(request, _("Saved."))
            elif action == "kiosk":
                kiosk = services.kiosk_open(
                    scope=scope,
                    actor=request.user,
                    survey_round=survey_round,
                    unit=_unit(visible, request.POST.get("unit", "")),
                )
                # The tablet is handed to patients: nobody may reach this account from it.
                logout(request)
                return redirect("surveys:kiosk", code=kiosk.code)
            elif action != "invited":
                raise Http404
            else:
                raise ValidationError(
                    " ".join(e for errors in invited_form.errors.values() for e in errors)
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("surveys:round", code=code)
    rates = selectors.response_rates(survey_round=survey_round)
    today = timezone.localdate()
    table = []
    for unit in visible:
        cells = []
        for channel in survey_round.channels:
            answered, invited = rates.get((unit.pk, channel), (0, None))
            share = round(100 * answered / invited) if invited else None
            cells.append((answered, invited, share))
        answered = sum(c[0] for c in cells)
        invited = sum(c[1] or 0 for c in cells)
        share = round(100 * answered / invited) if invited else None
        table.append((unit, cells, (answered, invited, share)))
    links = [
        (
            unit,
            request.build_absolute_uri(
                reverse("surveys:answer_link", args=[survey_round.link_code, unit.code])
            ),
        )
        for unit in visible
    ]
    return render(
        request,
        "surveys/round.html",
        {
            "round": survey_round,
            "coordinator": coordinator,
            "channels": [Channel(c) for c in survey_round.channels],
            "table": table,
            "links": links if Channel.LINK in survey_round.channels else [],
            "link_days": reports.link_days(survey_round=survey_round, units=visible)
            if Channel.LINK in survey_round.channels
            else None,
            "kiosks": selectors.kiosks(survey_round=survey_round, units=visible),
            "visible": visible,
            "paper_units": selectors.paper_units(scope=scope, survey_round=survey_round),
            "slips_form": SlipsForm(units=units, prefix="slips"),
            "invited_form": invited_form,
            "is_open": survey_round.is_open(today),
            "is_closed": survey_round.is_closed(today),
            "pending": selectors.texts_pending(survey_round=survey_round).count()
            if coordinator
            else 0,
            "others": selectors.comparable_rounds(scope=scope, survey_round=survey_round),
        },
    )


@require_POST
@role_required(*COORDINATORS)
def slips(request: HttpRequest, scope, code: str) -> HttpResponse:
    survey_round = selectors.round_get(scope=scope, code=code)
    units = selectors.round_units(survey_round=survey_round)
    form = SlipsForm(request.POST, units=units, prefix="slips")
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(e for errors in form.errors.values() for e in errors))
        unit = _unit(units, form.cleaned_data["unit"])
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
    try:
        found = _unit(selectors.visible_units(scope=scope, survey_round=survey_round), unit)
    except ValidationError as error:
        raise Http404 from error
    url = request.build_absolute_uri(
        reverse("surveys:answer_link", args=[survey_round.link_code, found.code])
    )
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
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_enter(
                scope=scope,
                actor=request.user,
                survey_round=survey_round,
                unit=_unit(units, chosen),
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


def _note_interim(request, scope, survey_round, computed) -> None:
    """Interim results with answers in them are about to be shown: freeze what a later
    view may add (whole groups only)."""
    if computed.interim and computed.counted and not survey_round.interim_shown:
        services.interim_shown(scope=scope, actor=request.user, survey_round=survey_round)


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
    _note_interim(request, scope, survey_round, computed)
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
        if (
            not each.is_closed(today)
            and not each.interim_shown
            and selectors.has_whole_group(survey_round=each)
        ):
            services.interim_shown(scope=scope, actor=request.user, survey_round=each)
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


# ---------------------------------------------------------------- public answering


def _answer(
    request,
    *,
    survey_round,
    unit,
    channel,
    code=None,
    template="surveys/answer.html",
    extra=None,
):
    definition = survey_round.instrument.definition
    language = reports.language_for(definition)
    today = timezone.localdate()
    # A POST without the form's token is the code being typed in: show the questions.
    sent = request.method == "POST" and "token" in request.POST
    form = AnswerForm(
        request.POST if sent else None,
        definition=definition,
        audience=survey_round.audience,
        language=language,
        initial={"token": services.form_token()},
    )
    closed = None
    if not survey_round.is_open(today):
        closed = (
            _("The survey opens on %(day)s.") % {"day": survey_round.opens_on}
            if today < survey_round.opens_on
            else _("The survey is closed. Thank you for wanting to answer.")
        )
    thanks = {"minimum": reports.results.minimum_group(), **(extra or {})}
    if channel == Channel.LINK and devices.answered(request, survey_round):
        return render(request, "surveys/thanks.html", {"again": True, **thanks})
    if sent and form.is_valid():
        try:
            services.submit(
                survey_round=survey_round,
                unit=unit,
                channel=channel,
                language=language,
                day=today,
                code=code,
                **form.payload(),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "duplicate":
                return render(request, "surveys/thanks.html", {"again": True, **thanks})
            form.add_service_errors(error)
        else:
            response = render(request, "surveys/thanks.html", {"again": False, **thanks})
            if channel == Channel.LINK:
                devices.remember(response, request, survey_round)
            return response
    return render(
        request,
        template,
        {
            "round": survey_round,
            "unit": unit,
            "form": form,
            "closed": closed,
            "code": services.format_code(code) if code else "",
            "title": definition.localised(definition.title, language),
            "description": definition.localised(definition.description, language)
            if definition.description
            else "",
            "citation": definition.licence.get("citation"),
            **(extra or {}),
        },
    )


def _codes_blocked(request: HttpRequest) -> bool:
    """True while this client has had more wrong slip codes than the `survey_code` rate
    allows: then even a right code is refused until the window has passed, so that
    guessing gains nothing. Checked without counting; only wrong codes count."""
    return is_ratelimited(
        request,
        group="peerstod.survey_code",
        key=ratelimit_key,
        rate=settings.RATE_LIMITS["survey_code"],
        increment=False,
    )


@never_cache
def code_entry(request: HttpRequest) -> HttpResponse:
    """The slip's code is typed in (or put in by the page's script from the QR code's
    fragment) and posted, never part of an address: it reaches no log. The questions
    come back with the code in the form, and the answers are posted with it."""
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if _codes_blocked(request):
            return too_many(request)
        if form.is_valid():
            typed = "".join(ch for ch in form.cleaned_data["code"].lower() if ch.isalnum())
            try:
                access = services.code_round(typed)
            except ValidationError as error:
                if selectors.form_used(digest=services.form_digest(request.POST.get("token"))):
                    # The same answers sent twice (a double tap): the first took the code.
                    return render(
                        request,
                        "surveys/thanks.html",
                        {"again": True, "minimum": reports.results.minimum_group()},
                    )
                if hit(request, "survey_code"):
                    return too_many(request)
                add_service_errors(form, error)
            else:
                return _answer(
                    request,
                    survey_round=access.round,
                    unit=access.unit,
                    channel=Channel.SLIP,
                    code=typed,
                )
    return render(request, "surveys/code.html", {"form": form})


@never_cache
@limit("survey_link", methods=("GET", "POST"))
@limit("survey_link_answer")
def answer_link(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    survey_round = selectors.round_by_link(code=code)
    try:
        found = _unit(selectors.round_units(survey_round=survey_round), unit)
    except ValidationError as error:
        raise Http404 from error
    return _answer(request, survey_round=survey_round, unit=found, channel=Channel.LINK)


@never_cache
def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.kiosk_by_code(code=code)
    return _answer(
        request,
        survey_round=station.round,
        unit=station.unit,
        channel=Channel.KIOSK,
        extra={"kiosk": station},
    )
