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
    # The phone number an applicant gave, validated as one (the person changes only
    # when the recruitment team applies it).
    ("recruitment.Application", "phone"),
    # A staff identifier checked by its pattern, and the platform administrator's
    # configuration of an identity provider: names, addresses and metadata checked as such.
    ("accounts.User", "hsa_id"),
    ("identity.IdentityProvider", "slug"),
    ("identity.IdentityProvider", "attribute"),
    ("identity.IdentityProvider", "metadata_url"),
    ("identity.IdentityProvider", "metadata_xml"),
    ("identity.IdentityProvider", "entity_id"),
    ("identity.IdentityProvider", "discovery_url"),
    ("identity.IdentityProvider", "credentials_env"),
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
    for path in [*PACKAGE.glob("*/views.py"), *PACKAGE.glob("*/views/*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "get_object_or_404":
                offenders.append(f"{path.parent.name}/{path.name}:{node.lineno}")
    assert offenders == []


# Writes, as the code spells them ------------------------------------------------------

# Always a write of the database, whatever they are called on.
WRITE_METHODS = {"save", "delete", "create", "get_or_create", "update_or_create"}
WRITE_METHODS |= {"bulk_create", "bulk_update"}
# A write when called on a queryset or a related manager (`unit.agreements.add(…)`,
# `Model.objects.filter(…).update(…)`), not on a plain name (`seen.add(x)`,
# `fields.update(overrides)` are sets and dicts).
MANAGER_METHODS = {"update", "add", "set", "remove", "clear"}


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


def writes_in(tree: ast.AST, audit_calls=("audit.record",)) -> list[tuple[int, str]]:
    """(line, what) for every write of the database in `tree`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in audit_calls:
            found.append((node.lineno, name))
            continue
        func = node.func
        if not isinstance(func, ast.Attribute):
            continue
        on_a_name = isinstance(func.value, ast.Name)
        if func.attr in WRITE_METHODS or (func.attr in MANAGER_METHODS and not on_a_name):
            found.append((node.lineno, f".{func.attr}("))
    return found


def _decorator_names(function: ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def _called_names(function: ast.FunctionDef) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def unaudited_writers(source: str) -> list[tuple[int, str, list[str]]]:
    """Public functions of a services module that write (themselves, or through a private
    helper of the module) without being a `@use_case`: (line, name, what they write)."""
    tree = ast.parse(source)
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    direct = {name: [w for _l, w in writes_in(f)] for name, f in functions.items()}
    writes = {name: set(found) for name, found in direct.items()}
    changed = True
    while changed:  # what private helpers write, through helpers that call helpers
        changed = False
        for name, function in functions.items():
            for called in _called_names(function):
                if called.startswith("_") and called in functions:
                    extra = {f"{called}() → {w.split(' → ')[-1]}" for w in writes[called]}
                    if writes[called] and not extra <= writes[name]:
                        writes[name] |= extra
                        changed = True
    offenders = []
    for name, function in functions.items():
        if name.startswith("_") or not writes[name]:
            continue
        if "use_case" not in _decorator_names(function):
            offenders.append((function.lineno, name, sorted(writes[name])))
    return offenders


def service_modules():
    """Every app's services: a `services.py`, or the modules of a `services/` package."""
    yield from PACKAGE.glob("*/services.py")
    yield from (p for p in PACKAGE.glob("*/services/*.py") if p.name != "__init__.py")


def _relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_every_public_service_that_writes_is_a_use_case():
    """`@use_case` on every public function of `*/services.py` that saves, deletes,
    creates, updates, changes a related manager or records an audit row, itself or
    through a private helper of its module."""
    offenders = [
        f"{_relative(path)}:{line} {name}() writes {', '.join(what)}"
        for path in sorted(service_modules())
        for line, name, what in unaudited_writers(path.read_text())
    ]
    assert offenders == [], "Not a @use_case, but writes:\n" + "\n".join(offenders)


def test_the_use_case_check_sees_helpers_related_managers_and_audit_rows():
    source = """
from peerstod.core.usecase import use_case

def _store(x):
    x.save()

def _outer(x):
    _store(x)

def through_helpers(x):
    _outer(x)

def related(agreement, units):
    agreement.units.set(units)

def audited_only(actor):
    audit.record(actor=actor, action=actions.X)

def counted(model):
    model.objects.get_or_create(code="a")

def plain_sets(seen, fields):
    seen.add(1)
    fields.update(a=1)

@use_case
def fine(x):
    _store(x)
"""
    found = {name for _line, name, _what in unaudited_writers(source)}
    assert found == {"through_helpers", "related", "audited_only", "counted"}


def _thin_modules():
    yield from PACKAGE.glob("*/views.py")
    yield from PACKAGE.glob("*/views/*.py")
    yield from PACKAGE.glob("*/forms.py")
    yield from PACKAGE.glob("*/forms/*.py")
    yield from PACKAGE.glob("*/templatetags/*.py")


def test_only_services_write():
    """Views, forms and template tags never write (no `.save(`, `.create(`, `.delete(`,
    `.update(`, `get_or_create`, `bulk_create`, related-manager changes); views record no
    audit rows either: the service or the selector does."""
    offenders = []
    for path in sorted(_thin_modules()):
        audit_calls = ("audit.record", "audit.read") if path.name == "views.py" else ()
        for line, what in writes_in(ast.parse(path.read_text()), audit_calls):
            offenders.append(f"{_relative(path)}:{line} {what}")
    assert offenders == [], "Writes outside services:\n" + "\n".join(offenders)


def _atomic_uses(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        named = isinstance(node, ast.Attribute) and node.attr == "atomic"
        imported = isinstance(node, ast.ImportFrom) and any(a.name == "atomic" for a in node.names)
        if named or imported:
            lines.append(node.lineno)
    return lines


def test_no_service_opens_its_own_transaction():
    """`@use_case` is the transaction: no `transaction.atomic` in `*/services.py`."""
    offenders = [
        f"{_relative(path)}:{line}"
        for path in sorted(service_modules())
        for line in sorted(_atomic_uses(ast.parse(path.read_text())))
    ]
    assert offenders == [], "transaction.atomic in services:\n" + "\n".join(offenders)


def audit_calls_with_bad_actions(source: str) -> list[tuple[int, str]]:
    """`audit.record(…)`/`audit.read(…)` calls whose `action=` is missing, a string, an
    f-string or a string built on the spot, rather than a declared `actions.X` (or an
    entry of a dict of them, `actions.STEP[step]`)."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _call_name(node) not in ("audit.record", "audit.read"):
            continue
        given = {k.arg: k.value for k in node.keywords}
        value = given.get("action")
        built = (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in {"format", "join", "replace"}
        )
        if value is None:
            bad.append((node.lineno, "no action="))
        elif isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp) or built:
            bad.append((node.lineno, f"action={ast.unparse(value)[:60]}"))
    return bad


def test_audit_actions_are_declared_constants_never_strings():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or path == PACKAGE / "core" / "audit.py":
            continue
        for line, what in audit_calls_with_bad_actions(path.read_text()):
            offenders.append(f"{_relative(path)}:{line} {what}")
    assert offenders == [], "Audit actions passed as strings:\n" + "\n".join(offenders)


def test_the_action_check_refuses_strings_and_f_strings_and_accepts_constants():
    source = """
audit.record(actor=a, action="x.created")
audit.read(actor=a, action=f"x.{step}")
audit.record(actor=a, action="x." + step)
audit.record(actor=a)
audit.record(actor=a, action=actions.CREATED)
audit.read(actor=a, action=actions.STEP[step])
"""
    assert [line for line, _what in audit_calls_with_bad_actions(source)] == [2, 3, 4, 5]


def _app_findings(check, app: str) -> list:
    path = PACKAGE / app / "services.py"
    return check(path.read_text()) if path.exists() else []


def test_the_converted_ground_floor_passes_every_layout_check():
    """accounts and orgs are converted: they must pass each check on their own, whatever
    the state of the apps still being converted."""
    for app in ("accounts", "orgs"):
        assert _app_findings(unaudited_writers, app) == [], app
        assert _atomic_uses(ast.parse((PACKAGE / app / "services.py").read_text())) == [], app
        for path in (PACKAGE / app).glob("*.py"):
            assert audit_calls_with_bad_actions(path.read_text()) == [], path
            if path.name in ("views.py", "forms.py"):
                audit_calls = ("audit.record", "audit.read") if path.name == "views.py" else ()
                assert writes_in(ast.parse(path.read_text()), audit_calls) == [], path


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
