"""The public answering pages, without a login: a slip's code typed in, a round's open
link and a ward's kiosk. Every answer is anonymous (see services/answering.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from peerstod.core.clientip import ratelimit_key
from peerstod.core.forms import add_service_errors
from peerstod.core.ratelimit import hit, limit, too_many
from peerstod.surveys import devices, reports, selectors, services
from peerstod.surveys.forms import AnswerForm, CodeForm
from peerstod.surveys.models import Channel


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
    closed = services.closed_message(survey_round, today)
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


@login_not_required
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


@login_not_required
@never_cache
@limit("survey_link", methods=("GET", "POST"))
@limit("survey_link_answer")
def answer_link(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    survey_round = selectors.round_by_link(code=code)
    found = selectors.unit_by_code(selectors.round_units(survey_round=survey_round), unit)
    if found is None:
        raise Http404
    return _answer(request, survey_round=survey_round, unit=found, channel=Channel.LINK)


@login_not_required
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
