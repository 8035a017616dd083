"""Issue 14: a funnel that cannot be differenced. The finding was that the unfiltered
funnel minus its per-call views gave back the hidden steps of a small call exactly
(screened 4, interviewed 2, admitted 1), and that nested steps told dropouts by
subtraction. Here the same attacks are made over HTTP, on a world built through the
services, against every view a network coordinator can ask for."""

import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.core.suppression import suppress_each
from peerstod.orgs.models import OrganisationKind
from peerstod.recruitment import services
from peerstod.recruitment.funnel import FUNNEL, counts
from peerstod.recruitment.funnel import build as funnel_of
from peerstod.recruitment.models import Application, Step
from peerstod.recruitment.selectors import funnel_applications
from tests.factories import OrganisationFactory
from tests.recruitment_world import basic_cohort, open_call

LIMIT = 5
STEP_LABELS = ["Sökte", *[str(s.label) for s in FUNNEL[1:]]]


def at(year: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, 3, day, 10))


def applicant(world, call, year, n, path, ending=None, cohort=None):
    """One application through the services: `path` steps after received, then an
    ending (a not-admitted reason) or, after admission, enrolment in `cohort`."""
    network = world.users["network"]
    scope = scope_for(network)
    application, _token = services.application_submit(
        call=call,
        full_name=f"Sökande {n}",
        email=f"sokande{n}@test.se",
        motivation="Jag vill stödja andra.",
        fte_min=50,
        fte_max=100,
        consent=True,
        now=at(year) if year else None,
    )
    for step in path:
        services.application_advance(
            scope=scope,
            actor=network,
            application=application,
            step=step,
            interview_at=timezone.now() if step == Step.INTERVIEW_BOOKED else None,
            cohort=cohort if step == Step.ENROLLED else None,
        )
    if ending:
        services.application_advance(
            scope=scope,
            actor=network,
            application=application,
            step=Step.NOT_ADMITTED,
            reason=ending,
        )
    return application


SCREENED = [Step.SCREENED]
INTERVIEWED = [Step.SCREENED, Step.INTERVIEW_BOOKED, Step.INTERVIEWED]
ADMITTED = [*INTERVIEWED, Step.ADMITTED]
ENROLLED = [*ADMITTED, Step.ENROLLED]


def build(world):
    """Region A's spring call (24) and a small extra call (7: screened 4, interviewed 2,
    admitted 1) in 2025; a municipality's call (16) in 2024."""
    municipality = OrganisationFactory(
        name="Kommun A", parent=world.region_a, kind=OrganisationKind.MUNICIPALITY
    )

    def call(title, principal, year):
        return open_call(
            world,
            principal=principal,
            title=title,
            opens_on=at(year, 1).date(),
            closes_on=at(year, 31).date(),
        )

    spring = call("Våren 2025", world.region_a, 2025)
    extra = call("Extra 2025", world.region_a, 2025)
    town = call("Kommunen 2024", municipality, 2024)
    cohort_2025 = basic_cohort(world, days=1, name="Grund 2025")
    cohort_2024 = basic_cohort(world, days=1, name="Grund 2024")
    n = iter(range(1000))
    plans = [
        (
            spring,
            2025,
            cohort_2025,
            [(8, [], "not_eligible"), (4, SCREENED, "not_ready")]
            + [(2, INTERVIEWED, "places_full"), (10, ENROLLED, None)],
        ),
        (
            extra,
            2025,
            cohort_2025,
            [(3, [], "not_eligible"), (2, SCREENED, "not_ready")]
            + [(1, INTERVIEWED, "not_ready"), (1, ENROLLED, None)],
        ),
        (
            town,
            2024,
            cohort_2024,
            [(6, [], "not_eligible"), (2, SCREENED, "no_show")] + [(8, ENROLLED, None)],
        ),
    ]
    for the_call, year, cohort, groups in plans:
        for many, path, ending in groups:
            for _ in range(many):
                applicant(world, the_call, year, next(n), path, ending, cohort)
    return {
        "calls": [spring, extra, town],
        "organisations": [world.region_a, municipality],
        "cohorts": [cohort_2025, cohort_2024],
        "years": [2025, 2024],
    }


def published(client, **params):
    """What the Excel export of one view says: steps, reasons, withdrawn (None: hidden)."""
    response = client.get(reverse("recruitment:funnel"), {**params, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))

    def number(text):
        return None if text == "–" else int(text)

    steps = [number(row[1]) for row in list(book["Tratt"].iter_rows(values_only=True))[1:]]
    reasons = {}
    for outcome, reason, value in list(book["Orsaker"].iter_rows(values_only=True))[1:]:
        reasons[(outcome, reason)] = number(value)
    return {"steps": steps, "reasons": reasons}


@pytest.fixture
def funnel_world(world, client, login):
    made = build(world)
    login(world.users["network"])
    views = {"all": published(client)}
    for call in made["calls"]:
        views[("call", call.code)] = published(client, utlysning=call.code)
    for organisation in made["organisations"]:
        views[("organisation", organisation.code)] = published(
            client, organisation=organisation.code
        )
    for cohort in made["cohorts"]:
        views[("cohort", cohort.code)] = published(client, kohort=cohort.code)
    for year in made["years"]:
        views[("year", year)] = published(client, ar=year)
    return made, views


def truth(made):
    applications = Application.objects.all()
    found = {"all": counts(applications)}
    for call in made["calls"]:
        found[("call", call.code)] = counts(applications.filter(call=call))
    for organisation in made["organisations"]:
        found[("organisation", organisation.code)] = counts(
            applications.filter(call__principal=organisation)
        )
    for cohort in made["cohorts"]:
        found[("cohort", cohort.code)] = counts(applications.filter(cohort=cohort))
    for year in made["years"]:
        found[("year", year)] = counts(applications.filter(submitted_at__year=year))
    return {key: [values[s] for s in FUNNEL] for key, values in found.items()}


def subtraction_attacks(made, views):
    """Every hidden step a reader gets back as a shown total minus its shown parts:
    everything minus the calls, an organisation minus its calls, everything minus the
    organisations, a year minus its calls, everything minus the years."""
    calls = {c.code: c for c in made["calls"]}
    in_org = {
        o.code: [c for c in calls if calls[c].principal_id == o.pk] for o in made["organisations"]
    }
    in_year = {y: [c for c in calls if calls[c].opens_on.year == y] for y in made["years"]}
    lines = [("all", [("call", c) for c in calls])]
    lines.append(("all", [("organisation", o) for o in in_org]))
    lines.append(("all", [("year", y) for y in in_year]))
    lines += [(("organisation", o), [("call", c) for c in cs]) for o, cs in in_org.items()]
    lines += [(("year", y), [("call", c) for c in cs]) for y, cs in in_year.items()]
    found = []
    for whole, parts in lines:
        for k in range(len(FUNNEL)):
            total = views[whole]["steps"][k]
            values = [views[p]["steps"][k] for p in parts]
            hidden = [p for p, v in zip(parts, values, strict=True) if v is None]
            if total is not None and len(hidden) == 1:
                found.append((hidden[0], FUNNEL[k], total - sum(v for v in values if v)))
    return found


def test_everything_minus_the_per_call_views_gives_nothing_back(funnel_world):
    made, views = funnel_world
    real = truth(made)
    extra = ("call", made["calls"][1].code)
    assert real[extra][:4] == [7, 4, 2, 1]  # the finding's hidden cells
    assert views[extra]["steps"][1:4] == [None, None, None]
    # Each view suppressed on its own, as before, gives them back by subtraction ...
    alone = {
        key: {"steps": [c.value for c in suppress_each(dict(enumerate(v)), limit=LIMIT).values()]}
        for key, v in real.items()
    }
    recovered = {(step, value) for key, step, value in subtraction_attacks(made, alone)}
    assert {(Step.SCREENED, 4), (Step.INTERVIEWED, 2), (Step.ADMITTED, 1)} <= recovered
    # ... the views suppressed together give nothing back.
    assert subtraction_attacks(made, views) == []
    # Nor is a hidden cell of the small call what everything minus the others says in
    # any other way: no shown number equals its hidden step.
    for k in (1, 2, 3):
        shown = [v["steps"][k] for v in views.values() if v["steps"][k] is not None]
        others = sum(views[("call", c.code)]["steps"][k] or 0 for c in made["calls"][::2])
        assert not any(total - others == real[extra][k] for total in shown)


def test_no_view_shows_two_steps_that_tell_a_small_number_of_dropouts(funnel_world):
    made, views = funnel_world
    real = truth(made)
    for key, view in views.items():
        shown = [(k, v) for k, v in enumerate(view["steps"]) if v is not None]
        for (_, a), (_, b) in zip(shown, shown[1:], strict=False):
            assert a - b == 0 or a - b >= LIMIT, (key, view["steps"])
        for k, v in shown:
            assert v == real[key][k]  # what is shown is true
        for k, v in enumerate(view["steps"]):
            if 0 < real[key][k] < LIMIT:
                assert v is None


def test_the_reasons_do_not_give_back_a_hidden_step(funnel_world):
    """Everyone of these calls has been decided, so applied − not admitted − withdrawn
    would be the admitted, and enrolled − discontinued − withdrawn the completed."""
    made, views = funnel_world
    checked = 0
    for key, view in views.items():
        not_admitted = [
            v for (outcome, _r), v in view["reasons"].items() if outcome == "Ej antagen"
        ]
        withdrawn = [v for (outcome, _r), v in view["reasons"].items() if outcome == "Återkallade"]
        applied, admitted = view["steps"][0], view["steps"][3]
        if admitted is None and applied is not None:
            assert None in [*not_admitted, *withdrawn], key
            checked += 1
    assert checked > 0  # some view hides the admitted and shows the applied


def test_the_page_and_the_excel_show_the_same_cells_in_every_view(funnel_world, client):
    made, views = funnel_world
    for call in made["calls"]:
        page = client.get(reverse("recruitment:funnel"), {"utlysning": call.code})
        html = page.content.decode()
        cells = ["–" if v is None else str(v) for v in views[("call", call.code)]["steps"]]
        for label, cell in zip(STEP_LABELS, cells, strict=True):
            assert f'<th scope="row">{label}</th>\n    <td class="num">{cell}</td>' in html


def test_a_combination_of_filters_is_refused_with_a_reason(world, client, login):
    call = open_call(world)
    login(world.users["network"])
    response = client.get(reverse("recruitment:funnel"), {"utlysning": call.code, "ar": "2025"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Välj ett urval i taget" in html
    assert "<caption>" not in html  # no figures at all
    excel = client.get(
        reverse("recruitment:funnel"), {"utlysning": call.code, "ar": "2025", "format": "xlsx"}
    )
    assert excel.status_code == 400 and "Välj ett urval i taget" in excel.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("recruitment:funnel"), {"kohort": "x", "organisation": "y"})
    assert "Choose one filter at a time" in english.content.decode()


def test_the_median_comes_only_from_at_least_the_threshold(world):
    call = open_call(world)
    for n in range(LIMIT - 1):
        applicant(world, call, None, n, SCREENED)
    funnel = funnel_of(Application.objects.all(), limit=LIMIT)
    assert funnel.rows[0].median_days is None  # four moved on from "applied": too few
    applicant(world, call, None, 99, SCREENED)
    funnel = funnel_of(Application.objects.all(), limit=LIMIT)
    assert funnel.rows[0].median_days is not None


def test_a_share_is_shown_only_between_two_shown_steps(funnel_world):
    made, _views = funnel_world
    funnel = funnel_of(Application.objects.filter(call=made["calls"][0]))
    shares = 0
    for before, row in zip(funnel.rows, funnel.rows[1:], strict=False):
        if before.count.suppressed or row.count.suppressed or not before.count.value:
            assert row.conversion is None
        else:
            assert row.conversion == pytest.approx(row.count.value / before.count.value)
            shares += 1
    assert shares > 0


def test_a_region_evaluator_counts_only_its_calls_and_they_are_linked_too(
    funnel_world, client, login, world
):
    made, _views = funnel_world
    evaluator = world.users["evaluator"]
    login(evaluator)
    scope = scope_for(evaluator)
    seen = set(funnel_applications(scope=scope).values_list("call_id", flat=True))
    calls = [c for c in made["calls"] if c.pk in seen]
    assert made["calls"][1] in calls
    assert {c.principal_id for c in calls} <= scope.organisation_ids(Role.EVALUATOR)
    views = {"all": published(client)}
    for call in calls:
        views[("call", call.code)] = published(client, utlysning=call.code)
    for k in range(len(FUNNEL)):
        parts = [views[("call", c.code)]["steps"][k] for c in calls]
        if views["all"]["steps"][k] is not None:
            assert parts.count(None) != 1, (k, views)
