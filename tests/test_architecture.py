"""The layout of DESIGN.md, checked: thin views, guarded free text, complete catalogue."""

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.apps import apps
from django.db import models

from peerstod.core.privacy import NoPersonalData

PACKAGE = Path(__file__).resolve().parent.parent / "peerstod"

# Fields that hold text but are not free text a person types about others.
NOT_FREE_TEXT = {
    ("accounts.User", "email"),
    ("accounts.User", "password"),
    # A person's own contact details, validated as an address and a phone number.
    ("people.Person", "email"),
    ("people.Person", "phone"),
}


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("peerstod.")]


def test_every_free_text_field_passes_the_personal_data_guard():
    unguarded = []
    for model in project_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or not field.editable:
                continue
            if (model._meta.label, field.name) in NOT_FREE_TEXT:
                continue
            if not any(isinstance(v, NoPersonalData) for v in field.validators):
                unguarded.append(f"{model._meta.label}.{field.name}")
    assert unguarded == []


def test_views_read_only_through_selectors():
    """A view never queries a model itself (no `.objects`, no get_object_or_404)."""
    offenders = []
    for path in PACKAGE.glob("*/views.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "get_object_or_404":
                offenders.append(f"{path.parent.name}/{path.name}:{node.lineno}")
    assert offenders == []


def test_only_services_write():
    """`.save(`, `.create(` and `.delete(` appear in services (and the demo), not in views."""
    offenders = []
    for path in PACKAGE.glob("*/views.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.(save|create|delete|update)\(", line):
                offenders.append(f"{path.parent.name}/{path.name}:{number}")
    assert offenders == []


def _template_msgids():
    simple = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
    found = set()
    for path in PACKAGE.glob("*/templates/**/*.html"):
        found.update(m.group(2) for m in simple.finditer(path.read_text()))
    return found


def _python_msgids():
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "gettext", "gettext_lazy"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_message_has_a_swedish_translation():
    with open(PACKAGE / "locale/sv/LC_MESSAGES/django.po", "rb") as handle:
        catalogue = read_po(handle, locale="sv")
    translated = {
        message.id
        for message in catalogue
        if message.id
        and not message.fuzzy
        and (all(message.string) if isinstance(message.string, tuple) else message.string)
    }
    translated |= {m.id[0] for m in catalogue if isinstance(m.id, tuple) and all(m.string)}
    wanted = _template_msgids() | _python_msgids()
    assert len(wanted) > 150
    assert sorted(wanted - translated) == []


def test_the_migrations_match_the_models(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:
        raise AssertionError(f"Models changed without a migration:\n{out.getvalue()}") from exit_
