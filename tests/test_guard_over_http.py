"""The personal-data guard over HTTP, in every free-text field of every form (issue 14).

The guard (`peerstod.core.privacy`) reads text as people write it: Word's dashes,
no-break spaces, invisible characters, "(at)". `tests/test_privacy.py` proves that of
the guard itself; this module proves that every free-text field a user can reach
actually passes through it, over HTTP, with the forms as the pages render them.

How:

- Every page of the authorisation matrix (and the few pages whose forms appear only in
  a state or with a query the matrix does not visit, `EXTRA_PAGES`) is fetched for
  tenant A by each persona allowed there, anonymous first, then the roles, the
  platform admin last. Every `<form method="post">` found is kept once, with the first
  persona who saw it: the one who owns it (public forms — the application, the
  suggestion box, the survey by link, code and kiosk — as anonymous).
- In each form, the free-text fields are the text inputs and textareas that are not
  something more specific (`left_out`): e-mail, phone, dates, numbers, codes,
  passwords, selects, hidden and file inputs are not free text. Nor are the names,
  e-mail addresses and phone numbers of people (the applicant's own contact details,
  a person's name): they are personal data by design, kept where DESIGN.md says, and
  never free text.
- The form is sent with the values the page renders, the required ones it leaves
  empty filled with valid values (`valid_body`), and a plain Swedish sentence in every
  free-text field: that is accepted and saves something
  (`test_a_plain_sentence_in_every_free_text_field_is_accepted`), so the values are
  valid and a refusal below is the guard's doing.
- Then, for each disguise in `DISGUISES`, the same body with the disguise written into
  one free-text field at a time: the answer is the form again (no redirect), with the
  guard's Swedish message at that field, and no project table changed.

Each POST runs in a savepoint that is rolled back, so one form's success cannot change
the next form's page. Rate limits are off (`mworld`), as in the matrix.
"""

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from peerstod.core.privacy import find_personal_data, no_personal_data
from peerstod.work.categories import OUTSIDE_ROLE
from tests import harvest
from tests.conftest import ROLES, strong_login
from tests.harvest import Control, Snapshot, _forum, _workday, post_forms, url_for, user_of
from tests.placement_people import certified_person
from tests.test_authorization_matrix import MATRIX, OK

# The module's fixtures: the whole world of both tenants, built once, and each test's
# savepoint of it (the same world the authorisation matrix walks).
matrix_world = harvest.matrix_world
mworld = harvest.mworld


@pytest.fixture(scope="module")
def supply(matrix_world, django_db_blocker):
    """A certified peer supporter nobody employs yet, in the module's world: without one
    the forms that place or invite a person (a new employment, a matching event) cannot
    be sent with valid values."""
    with django_db_blocker.unblock():
        certified_person(matrix_world, name="Sara Sund", email="sara@test.se")
    return matrix_world


@pytest.fixture
def guarded_world(supply, mworld):
    """The module's world with the placeable peer supporter, in this test's savepoint."""
    return mworld


# Every disguise of the issue, each as it would stand in a note. The personnummer is
# 850101-1236 (a valid check digit), the phone 070-123 45 67, the address
# anna.svensson@region.se.
DISGUISES = [
    pytest.param("850101 - 1236", id="personnummer-spaced-dash"),
    pytest.param("850101.1236", id="personnummer-dot"),
    pytest.param("850101\u20131236", id="personnummer-en-dash"),
    pytest.param("850101\u00a01236", id="personnummer-no-break-space"),
    pytest.param("850101\u00a0-\u00a01236", id="personnummer-dash-between-no-break-spaces"),
    pytest.param("85 01 01-1236", id="personnummer-split-date"),
    pytest.param("1985-01-01-1236", id="personnummer-iso-date"),
    pytest.param("8501\u200b01-1236", id="personnummer-zero-width-space"),
    pytest.param("850101-12\u00ad36", id="personnummer-soft-hyphen"),
    pytest.param("850101\uff0d1236", id="personnummer-full-width-dash"),
    pytest.param("070.123.45.67", id="phone-dots"),
    pytest.param("(070) 123 45 67", id="phone-brackets"),
    pytest.param("070 - 123 45 67", id="phone-spaced-dash"),
    pytest.param("+46\u00a070\u00a0123\u00a045\u00a067", id="phone-plus-46-no-break-spaces"),
    pytest.param("anna.svensson(at)region.se", id="email-round-at"),
    pytest.param("anna.svensson[at]region.se", id="email-square-at"),
    pytest.param("anna.svensson @ region.se", id="email-spaces-around-at"),
    pytest.param("anna.svensson\uff20region.se", id="email-full-width-at"),
]
SENTENCE = "Vi bakade kladdkaka i dagrummet och sex personer deltog."


def written(disguise: str) -> str:
    return f"Fika i dagrummet, {disguise}, sedan promenad."


# Pages whose forms the matrix's world shows only in a state or with a query it does not
# visit: the open forum meeting (minutes, agenda, suggestions are written while it is
# open; the matrix visits the closed one) and the log of a task outside the peer role
# (the only log that asks for a line of text).
EXTRA_PAGES = {
    "forum:meeting (open)": (
        "forum:meeting",
        lambda w: reverse("forum:meeting", args=[_forum(w).open_meeting.code]),
    ),
    "work:log (outside the role)": (
        "work:log",
        lambda w: reverse("work:log") + f"?kategori={sorted(OUTSIDE_ROLE)[0].value}",
    ),
}

# Text inputs that are not free text, by field name. A person's name, e-mail address,
# phone number (and address, where one is asked for) are personal data by design: the
# applicant's own contact details, kept where DESIGN.md says; the guard would refuse
# exactly what they are for.
NOT_FREE_TEXT = {
    "full_name": "a person's name: personal data by design, never free text",
    "email": "an e-mail address: personal data by design, never free text",
    "phone": "a phone number: personal data by design, never free text",
    "code": "a code from a slip",
}
NOT_FREE_TEXT_PATTERNS = {
    re.compile(r"i_\d+"): "an indicator's figure (a number written with a decimal comma)",
}
TEXT_TYPES = {"text", "search"}
SPECIFIC_INPUTMODES = {"numeric", "decimal", "tel", "email", "url"}
SPECIFIC_AUTOCOMPLETE = {
    "name",
    "given-name",
    "family-name",
    "email",
    "tel",
    "username",
    "one-time-code",
    "street-address",
    "address-line1",
    "postal-code",
}
# Fields that are read only together with another: a reason for changing a match counts
# only with the change chosen; an agreed action needs its due date.
COMPANIONS = {
    re.compile(r"reason-(?P<key>\w+)"): lambda m, controls: {
        f"override-{m['key']}": _first_option(controls, f"override-{m['key']}")
    },
    re.compile(r"action_(?P<n>\d)"): lambda m, controls: {f"due_{m['n']}": _day(14)},
}
# Required values that depend on the world: a schedule item is cancelled on a day it
# takes place.
VALUES = {
    ("work:schedule_item", "day"): lambda world: _next_weekday(_workday(world).item.weekday),
}
# Forms allowed to show the guard's message only above the form: none (the survey
# answer forms now place the service's errors at the question's field).
MESSAGE_ABOVE_THE_FORM: set[str] = set()
# At least this many free-text fields: the harvest finding fewer means a page or a form
# went missing (renamed, moved behind a state), not that the guard is everywhere.
AT_LEAST = 47  # the slip answer form is reached by POST: see test_survey_anonymity.py
ORDER = ["anonymous", *ROLES, "admin"]


def left_out(control: Control) -> str | None:
    """Why `control` is not free text (None: it is)."""
    if control.tag == "select":
        return "a choice"
    if control.tag == "input":
        kind = control.attr("type", "text").lower()
        if kind not in TEXT_TYPES:
            return f"an input of type {kind}"
    if "readonly" in dict(control.attrs):
        return "read only"
    if control.attr("inputmode") in SPECIFIC_INPUTMODES:
        return f"inputmode {control.attr('inputmode')}"
    if control.attr("autocomplete") in SPECIFIC_AUTOCOMPLETE:
        return f"autocomplete {control.attr('autocomplete')}"
    if control.name in NOT_FREE_TEXT:
        return NOT_FREE_TEXT[control.name]
    for pattern, reason in NOT_FREE_TEXT_PATTERNS.items():
        if pattern.fullmatch(control.name):
            return reason
    return None


@dataclass(frozen=True)
class GuardedForm:
    """One form as its owner sees it, ready to be sent."""

    page: str  # where it was found
    view: str  # the URL name it posts to
    url: str
    persona: str
    body: tuple[tuple[str, str], ...]  # valid values, the plain sentence in every free text
    free_text: tuple[Control, ...]
    controls: tuple[Control, ...]  # every control of the form

    def data(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, value in self.body:
            found.setdefault(key, []).append(value)
        return found

    def with_value(self, name: str, value: str) -> dict[str, list[str]]:
        """The body with `value` in the field `name`."""
        data = self.data()
        data[name] = [value]
        return data

    def fields(self) -> list[str]:
        return [f"{self.view} {c.name} ({self.persona}, {self.page})" for c in self.free_text]


def _day(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _next_weekday(weekday: int) -> str:
    day = timezone.localdate()
    return (day + timedelta(days=(weekday - day.weekday()) % 7)).isoformat()


def _first_option(controls, name: str) -> str:
    for control in controls:
        if control.name == name:
            return next((o for o in control.options if o), "")
    raise KeyError(name)


def _filled(control: Control) -> str:
    """A valid value for a required input the page leaves empty."""
    kind = control.attr("type", "text").lower()
    later = any(word in control.name for word in ("ends", "closes", "due"))
    if kind == "date":
        return _day(30 if later else 0)
    if kind == "datetime-local":
        return f"{_day(7)}T{'11:00' if later else '10:00'}"
    if kind == "time":
        return "11:00" if later else "10:00"
    if kind == "month":
        return (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    if kind == "number":
        return str(max(int(control.attr("min") or 1), 1))
    if kind == "email":
        return "ny.person@test.se"
    if control.name == "full_name":
        return "Nora Nyberg"
    return SENTENCE


def valid_body(form, free_text: list[Control], view: str, world) -> tuple[tuple[str, str], ...]:
    """What a person filling in the form would send: the page's values, the first named
    submit button, a value in every required field left empty, an answer in every radio
    group, a tick in every group of boxes where none is ticked, the first real choice of
    a required select, and the plain sentence in every free-text field (with what it
    needs beside it, `COMPANIONS`)."""
    free = {c.name for c in free_text}
    extra: dict[str, str] = {}
    for name in free:
        for pattern, companions in COMPANIONS.items():
            found = pattern.fullmatch(name)
            if found:
                extra.update(companions(found, form.controls))
    for (where, name), value in VALUES.items():
        if where == view:
            extra[name] = value(world)
    body = [
        (name, SENTENCE if name in free else extra.get(name, value)) for name, value in form.fields
    ]
    sent = {name for name, _value in body}
    for control in form.controls:
        if control.name in sent:
            if control.tag == "select" and "required" in dict(control.attrs):
                real = next((o for o in control.options if o), "")
                body = [(n, real if n == control.name and not v else v) for n, v in body]
            elif control.tag != "select" and "required" in dict(control.attrs):
                body = [
                    (n, _filled(control) if n == control.name and not v else v) for n, v in body
                ]
            continue
        kind = control.attr("type", "text").lower()
        if control.tag == "input" and kind in ("checkbox", "radio"):
            body.append((control.name, control.attr("value", "on")))
            sent.add(control.name)
    buttons = [b for b in form.buttons if b[0]]
    if buttons:
        body.append(buttons[0])
    return tuple(body)


def _view_name(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return "?"


def pages(world):
    """(where, URL name, URL) of every page of tenant A, the extra pages included."""
    for name in sorted(MATRIX):
        argument, _row = MATRIX[name]
        yield name, name, url_for(name, argument, world)
    for where, (name, build) in EXTRA_PAGES.items():
        yield where, name, build(world)


def client_for(world, persona: str, language: str | None = None) -> Client:
    client = Client()
    if language:
        client.cookies["django_language"] = language
    user = user_of(world, persona)
    if user is not None:
        strong_login(client, user)
    return client


class Clients(dict):
    """One logged-in client per persona for a test (each POST is rolled back, the login
    is not)."""

    def __init__(self, world, language: str | None = None):
        super().__init__()
        self.world, self.language = world, language

    def __missing__(self, persona: str) -> Client:
        self[persona] = client_for(self.world, persona, self.language)
        return self[persona]


@dataclass(frozen=True)
class Harvest:
    forms: list[GuardedForm]
    left_out: list[str]


def harvested(world) -> Harvest:
    """Every form with free text on every page of tenant A, once, with its owner (made
    once per module: the bodies hold nothing the rollback of a test takes away)."""
    if getattr(world, "guard_harvest", None) is not None:
        return world.guard_harvest
    found: dict[tuple, GuardedForm] = {}
    skipped: set[str] = set()
    for where, name, url in pages(world):
        row = MATRIX[name][1]
        # A public page is the same for everyone: its forms are anonymous's.
        personas = ["anonymous"] if row["anonymous"] == OK else ORDER
        for persona in personas:
            if row.get(persona) != OK:
                continue
            response = client_for(world, persona).get(url)
            if "html" not in response.get("Content-Type", ""):
                break  # a file, a feed, an image: no forms, for anyone
            if response.status_code != OK:
                continue
            for form in post_forms(response.content.decode()):
                action = urljoin(url, form.action or url)
                view = _view_name(action)
                free = []
                for control in form.controls:
                    reason = left_out(control)
                    if reason is None:
                        free.append(control)
                    elif control.tag == "textarea" or (
                        control.tag == "input" and control.attr("type", "text") in TEXT_TYPES
                    ):
                        skipped.add(f"{view} {control.name}: {reason}")
                if not free:
                    continue
                key = (view, tuple(sorted(c.name for c in free)))
                if key in found:
                    continue
                body = valid_body(form, free, view, world)
                found[key] = GuardedForm(
                    where, view, action, persona, body, tuple(free), tuple(form.controls)
                )
    world.guard_harvest = Harvest(list(found.values()), sorted(skipped))
    return world.guard_harvest


def guard_message(text: str, language: str = "sv") -> str:
    """The guard's own message for `text`, in `language`."""
    with translation.override(language):
        try:
            no_personal_data(text)
        except ValidationError as error:
            return error.messages[0]
    raise AssertionError(f"the guard does not refuse {text!r}")


def _field_error(page: str, control: Control) -> str | None:
    """The error shown at the field (`core/_form.html`: `<p id="<field id>_error">`)."""
    ident = control.attr("id")
    if not ident:
        return None
    found = re.search(rf'id="{re.escape(ident)}_error"[^>]*>(.*?)</', page, re.DOTALL)
    return html.unescape(found.group(1)) if found else None


def send(client, form: GuardedForm, data, state: Snapshot):
    """POST in a savepoint that is rolled back; (response, the tables it changed)."""
    with transaction.atomic():
        with connection.execute_wrapper(state.watch):
            response = client.post(form.url, data)
        touched = set(state.touched)
        changed = state.changes()
        transaction.set_rollback(True)
    if changed:
        state.touched = touched
        state.changes()  # the rollback undid the change: look at those tables again
    return response, changed


def _summary(page: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', page, re.DOTALL)
    return found.group(0) if found else ""


def refusal_problems(
    response, changed, form: GuardedForm, controls, text: str, language="sv"
) -> list[str]:
    """What is wrong with the answer to `text` sent in each of `controls` of `form`: it
    must be the form again, nothing saved, the guard's message at each of those fields."""
    where = f"{form.view} {'+'.join(c.name for c in controls)} ({form.persona})"
    problems = []
    if response.status_code != OK:
        target = response.get("Location", "")
        problems.append(f"{where}: answered {response.status_code} {target}, not the form again")
    if changed:
        problems.append(f"{where}: saved {changed}")
    page = html.unescape(response.content.decode(errors="replace"))
    expected = guard_message(text, language)
    for control in controls:
        at_field = _field_error(page, control)
        if at_field is not None and expected in at_field:
            continue
        if form.view in MESSAGE_ABOVE_THE_FORM and expected in _summary(page):
            continue
        shown = "shown elsewhere on the page" if expected in page else "not shown"
        problems.append(f"{form.view} {control.name}: the guard's message is not at it ({shown})")
    return problems


def refused_everywhere(client, form: GuardedForm, text: str, state, language="sv") -> list[str]:
    """`text` in every free-text field of `form` at once; a field whose refusal that
    answer does not show (a check that stops at the first problem) is sent alone."""
    data = form.data()
    for control in form.free_text:
        data[control.name] = [text]
    response, changed = send(client, form, data, state)
    problems = refusal_problems(response, changed, form, form.free_text, text, language)
    if not problems or len(form.free_text) == 1:
        return problems
    problems = []
    for control in form.free_text:
        response, changed = send(client, form, form.with_value(control.name, text), state)
        problems += refusal_problems(response, changed, form, [control], text, language)
    return problems


def test_each_disguise_is_personal_data_to_the_guard():
    """The list itself: every disguise, in its sentence, is refused by the guard."""
    for param in DISGUISES:
        (disguise,) = param.values
        assert find_personal_data(written(disguise)), disguise


def test_the_harvest_finds_every_free_text_field(guarded_world):
    found = harvested(guarded_world)
    fields = [field for form in found.forms for field in form.fields()]
    print(f"\n{len(fields)} free-text fields in {len(found.forms)} forms:")
    print("\n".join(f"  {field}" for field in fields))
    print("Left out (not free text):")
    print("\n".join(f"  {line}" for line in found.left_out))
    assert len(fields) >= AT_LEAST
    public = {form.view for form in found.forms if form.persona == "anonymous"}
    assert {
        "recruitment:apply",
        "forum:box",
        "surveys:answer_link",
        "surveys:kiosk",
    } <= public
    # The answer form behind a slip's code is the link's form, reached by POSTing the
    # code: tests/test_survey_anonymity.py sends it the disguises.


def test_a_plain_sentence_in_every_free_text_field_is_accepted(guarded_world):
    """The bodies are valid: with a plain sentence in every free-text field each form
    saves what it is for. So a refusal of the same body with a disguise in one field is
    the guard's."""
    state, clients = Snapshot(), Clients(guarded_world)
    problems = []
    for form in harvested(guarded_world).forms:
        response, changed = send(clients[form.persona], form, form.data(), state)
        page = html.unescape(response.content.decode(errors="replace"))
        where = f"{form.view} ({form.persona}, {form.page})"
        if response.status_code >= 400:
            problems.append(f"{where}: {response.status_code}")
        elif "error-summary" in page:
            errors = re.findall(r'class="field-error"[^>]*>(.*?)</p>', page)
            problems.append(f"{where}: refused: {errors or _summary(page)}")
        elif not changed:
            problems.append(f"{where}: {response.status_code}, but nothing was saved")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("disguise", DISGUISES)
def test_every_disguise_is_refused_in_every_free_text_field(disguise, guarded_world):
    text = written(disguise)
    state, clients = Snapshot(), Clients(guarded_world)
    problems = []
    for form in harvested(guarded_world).forms:
        problems += refused_everywhere(clients[form.persona], form, text, state)
    assert not problems, "\n".join(problems)


def test_the_refusal_is_in_english_for_who_chose_english(guarded_world):
    """English is the user's choice (the language cookie); the browser's Accept-Language
    alone does not switch the service (core.middleware.SwedishFirstLocaleMiddleware)."""
    text = written("850101\u20131236")
    state, clients = Snapshot(), Clients(guarded_world, language="en")
    problems = []
    for form in harvested(guarded_world).forms:
        problems += refused_everywhere(clients[form.persona], form, text, state, language="en")
    assert not problems, "\n".join(problems)
