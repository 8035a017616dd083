"""Configuration: strict environment reading and a production mode that passes
`check --deploy` with no warnings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from peerstod.lib.env import env_bool, env_int


def run_peerstod(*args, **env):
    dropped = {"DEBUG", "HTTPS", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "peerstod", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_peerstod(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="peerstod.region.example",
        SITE_URL="https://peerstod.region.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_the_site_address_says_so_in_one_line():
    result = run_peerstod("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), SITE_URL="")
    assert result.returncode == 2
    assert result.stderr.startswith("peerstod: configuration error: SITE_URL is not set")
    assert "Traceback" not in result.stderr


def test_an_installed_package_keeps_its_files_outside_site_packages(tmp_path):
    # Run the settings as an installed copy would: a package directory with no
    # pyproject.toml beside it.
    import shutil

    from peerstod import settings as checkout

    installed = tmp_path / "site-packages"
    shutil.copytree(os.path.dirname(checkout.__file__), installed / "peerstod")
    environment = {k: v for k, v in os.environ.items() if k != "PEERSTOD_VAR_DIR"}
    environment.update(DEBUG="true", HOME=str(tmp_path / "home"), XDG_DATA_HOME="")
    environment["PYTHONPATH"] = str(installed)
    done = subprocess.run(
        [sys.executable, "-c", "from peerstod import settings; print(settings.VAR_DIR)"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "home/.local/share/peerstod")


def test_production_without_a_secret_key_refuses_to_start():
    result = run_peerstod("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("value", ["ture", "2", "ja"])
def test_a_boolean_that_is_not_one_is_an_error(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", default=False)


def test_booleans_and_numbers_are_read(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "TRUE")
    monkeypatch.setenv("SOME_NUMBER", "12")
    assert env_bool("SOME_FLAG", default=False) is True
    assert env_int("SOME_NUMBER", 3) == 12
    monkeypatch.setenv("SOME_NUMBER", "tolv")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 3)


def test_a_suppression_threshold_below_three_refuses_to_start():
    result = run_peerstod("check", DEBUG="true", SUPPRESSION_THRESHOLD="2")
    assert result.returncode != 0
    assert "SUPPRESSION_THRESHOLD" in result.stderr


def test_a_survey_minimum_group_below_three_refuses_to_start():
    result = run_peerstod("check", DEBUG="true", SURVEY_MIN_GROUP="2")
    assert result.returncode != 0
    assert "SURVEY_MIN_GROUP" in result.stderr
