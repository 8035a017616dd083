"""The house's layout (docs/dev/architecture.md): layers checked by import-linter
(`.importlinter`), and what a linter of imports cannot see, checked on the source."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.test_architecture import writes_in

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "peerstod"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
INTERNAL_MODULES = {"views", "forms", "urls", "admin", "templatetags", "management", "apps"}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / ".importlinter")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contract_holds_for_the_package():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout


def test_the_contract_breaks_when_core_imports_a_feature_app_as_the_old_start_page_did(
    tmp_path,
):
    """The start page once lived in core and read the forum's and the surveys' selectors
    inside its functions; that layout must fail the build."""
    shutil.copytree(PACKAGE, tmp_path / "peerstod", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "peerstod" / "core" / "dashboard.py").write_text(
        "def sections_for(scope):\n"
        "    from peerstod.forum.selectors import deliveries_to_acknowledge\n"
        "    from peerstod.surveys.selectors import open_rounds\n"
        "    return deliveries_to_acknowledge, open_rounds\n"
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "peerstod.core is not allowed to import peerstod.forum" in result.stdout
    assert "peerstod.core is not allowed to import peerstod.surveys" in result.stdout


def test_the_contract_breaks_when_two_top_feature_apps_import_each_other(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "peerstod", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "peerstod" / "forum" / "probe.py").write_text(
        "from peerstod.supervision import models\n"
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "peerstod.forum is not allowed to import peerstod.supervision" in result.stdout


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text())


def _app(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def cross_app_internals(path: Path, tree: ast.AST) -> list[str]:
    """Imports of another app's private names or of its internal modules."""
    found = []
    own = _app(path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("peerstod."):
            continue
        bits = node.module.split(".")
        if bits[1] == own or own == "":
            continue
        # core.forms and core.admin are the shared bases of every app's forms and admin.
        shared = bits[1] == "core"
        if len(bits) > 2 and (
            (bits[2] in INTERNAL_MODULES and not shared) or bits[2].startswith("_")
        ):
            found.append(f"{node.lineno}: {node.module}")
        found += [
            f"{node.lineno}: {node.module}.{alias.name}"
            for alias in node.names
            if alias.name.startswith("_") or (len(bits) == 2 and alias.name in INTERNAL_MODULES)
        ]
    return found


def test_no_app_imports_another_apps_private_names_or_internal_modules():
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path, tree in _sources()
        for line in cross_app_internals(path, tree)
        if _app(path) not in ("demo",) or "views" in line
    ]
    assert offenders == [], "\n".join(offenders)


def local_imports_without_reason(source: str) -> list[int]:
    """Imports inside a function with no comment on their line or the line above."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    here = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2] if inner.lineno > 1 else ""
                    if "#" not in here and not above.strip().startswith("#"):
                        found.append(inner.lineno)
    return sorted(set(found))


def test_every_import_inside_a_function_says_why():
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path, _tree in _sources()
        for line in local_imports_without_reason(path.read_text())
    ]
    assert offenders == [], "Imports inside functions without a reason:\n" + "\n".join(offenders)


def test_the_checks_see_private_names_internal_modules_and_silent_local_imports():
    probe = PACKAGE / "work" / "probe.py"
    tree = ast.parse(
        "from peerstod.forum.services import _notify\n"
        "from peerstod.placement import views\n"
        "from peerstod.placement.models import Employment\n"
    )
    assert cross_app_internals(probe, tree) == [
        "1: peerstod.forum.services._notify",
        "2: peerstod.placement.views",
    ]
    source = (
        "def a():\n    from x import y\n"
        "def b():\n    # Heavy: only PDFs need it.\n    from x import z\n"
        "def c():\n    import q  # circular at start-up\n"
    )
    assert local_imports_without_reason(source) == [2]


def test_the_demo_writes_only_through_the_services():
    """The demo is made the way a user makes things: no model write of its own."""
    offenders = [
        f"{path.relative_to(REPO)}:{line} {what}"
        for path in sorted((PACKAGE / "demo").glob("*.py"))
        # The synthetic national data set writes its millions of rows in bulk, in the
        # functions tests/test_synth.py names; the rest of it goes through the services.
        if path.name != "synth.py"
        for line, what in writes_in(ast.parse(path.read_text()))
    ]
    assert offenders == [], "\n".join(offenders)


def test_the_charts_draw_in_the_colours_of_the_design_tokens():
    from peerstod.core import charts

    css = (PACKAGE / "core" / "static" / "peerstod" / "css" / "tokens.css").read_text()
    assert "--brand: #00507a;" in css
    assert charts.BRAND == "#00507a"
    svg = charts.horizontal_bars(["A", "B"], [3, 7], title="t")
    assert "#00507a" in svg
    assert [charts.TOKENS[f"scale-{i}"] for i in (1, 7)] == ["#8c2d04", "#6b3fa0"]
