"""Server settings that hold under load, read from the environment in a fresh process
(as systemd starts one): kept database connections with health checks, a statement
timeout the web server's timeout is aligned with, the job queue's backend named in
words, preloading that opens no database connection, and an URLconf that does not load
the heavy libraries."""

import json
import os
import subprocess
import sys

import pytest

from tests.test_command_line import bare

POSTGRES = "postgres://peerstod@db.invalid:5432/peerstod"


def python(code: str, **environment: str) -> subprocess.CompletedProcess:
    """`python -c code` with the settings module and nothing else in the environment
    but PATH, a development secret and the variables given."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "peerstod.settings",
            "DEBUG": "true",
            "PEERSTOD_VAR_DIR": environment.pop("PEERSTOD_VAR_DIR", "/tmp/peerstod-settings-test"),
            **environment,
        },
        timeout=120,
        cwd=os.getcwd(),
    )


def database(**environment: str) -> dict:
    result = python(
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))",
        **environment,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_keeps_connections_a_minute_with_health_checks_a_30_second_timeout_no_jit():
    db = database(DATABASE_URL=POSTGRES)
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)
    assert db["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=30000"


def test_sqlite_opens_a_connection_per_request_and_has_no_statement_timeout(tmp_path):
    db = database(PEERSTOD_VAR_DIR=str(tmp_path))
    assert db["CONN_MAX_AGE"] == 0
    assert "options" not in db["OPTIONS"]


def test_connection_age_and_statement_timeout_are_set_by_the_environment():
    db = database(DATABASE_URL=POSTGRES, DATABASE_CONN_MAX_AGE="5", DATABASE_STATEMENT_TIMEOUT="12")
    assert db["CONN_MAX_AGE"] == 5
    assert db["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=12000"
    unlimited = database(DATABASE_URL=POSTGRES, DATABASE_STATEMENT_TIMEOUT="0")
    assert unlimited["OPTIONS"]["options"] == "-c jit=off"


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("TASKS_BACKEND", "redis", "TASKS_BACKEND must be database"),
        ("DATABASE_STATEMENT_TIMEOUT", "-1", "DATABASE_STATEMENT_TIMEOUT must be 0"),
        ("DATABASE_STATEMENT_TIMEOUT", "30s", "must be a whole number"),
    ],
)
def test_a_wrong_server_setting_is_a_sentence_not_a_traceback(tmp_path, name, value, said):
    result = bare("check", DEBUG="true", PEERSTOD_VAR_DIR=str(tmp_path), **{name: value})
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr


def test_commands_but_the_web_server_run_without_a_statement_timeout(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASE_STATEMENT_TIMEOUT, settings.DATABASES['default']['OPTIONS'])"
    )
    result = bare(
        "shell", "-c", code, DEBUG="true", DATABASE_URL=POSTGRES, PEERSTOD_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 {'options': '-c jit=off'}"


GUNICORN = "import json, peerstod.gunicorn_conf as c; print(json.dumps([c.timeout, c.preload_app]))"


@pytest.mark.parametrize(
    ("environment", "timeout"),
    [
        ({}, 35),
        ({"DATABASE_STATEMENT_TIMEOUT": "60"}, 65),
        ({"DATABASE_STATEMENT_TIMEOUT": "0"}, 60),
        ({"DATABASE_STATEMENT_TIMEOUT": "60", "GUNICORN_TIMEOUT": "20"}, 20),
    ],
)
def test_the_web_servers_timeout_is_a_little_longer_than_the_statement_timeout(
    environment, timeout
):
    result = python(GUNICORN, **environment)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [timeout, True]


def test_loading_the_app_and_its_urlconf_before_forking_opens_no_database_connection(tmp_path):
    """gunicorn preloads the app in its master and imports every view there
    (`when_ready`): a connection opened there would be shared by every worker forked
    from it."""
    result = python(
        "import sys; from django.db import connections; import peerstod.wsgi; "
        "import peerstod.gunicorn_conf as c; c.when_ready(None); "
        "print('peerstod.surveys.views' in sys.modules, connections['default'].connection is None)",
        PEERSTOD_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


def test_the_master_closes_any_connection_it_holds_before_each_fork(tmp_path):
    result = python(
        "import django; django.setup(); from django.db import connections; "
        "connections['default'].ensure_connection(); "
        "import peerstod.gunicorn_conf as c; c.pre_fork(None, None); "
        "print(connections['default'].connection is None)",
        PEERSTOD_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def _loaded_by_the_urlconf() -> set[str]:
    result = python(
        "import sys, django; django.setup(); import peerstod.urls; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


@pytest.mark.parametrize("library", ["matplotlib", "weasyprint", "numpy", "openpyxl"])
def test_importing_the_urlconf_does_not_load_a_heavy_library(library):
    assert library not in _loaded_by_the_urlconf()


def test_importing_the_urlconf_does_not_load_statsmodels_or_scipy():
    loaded = _loaded_by_the_urlconf()
    assert "statsmodels" not in loaded and "scipy" not in loaded


def test_numerical_libraries_use_one_thread_per_worker_unless_the_environment_says_otherwise():
    code = (
        "import os, django; django.setup(); "
        "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])"
    )
    assert python(code).stdout.split() == ["1", "1"]
    assert python(code, OPENBLAS_NUM_THREADS="4").stdout.split() == ["4", "1"]


def test_the_web_servers_master_loads_the_heavy_libraries_once_before_forking(tmp_path):
    """Not the URLconf (above), but the master: every worker then shares them and no
    first PDF or chart waits for their import."""
    result = python(
        "import sys; import peerstod.wsgi; import peerstod.gunicorn_conf as c; "
        "c.when_ready(None); import matplotlib; "
        "print(' '.join(m for m in ('matplotlib.pyplot', 'weasyprint', 'statsmodels.api', "
        "'scipy.stats', 'openpyxl') if m in sys.modules), matplotlib.get_backend())",
        PEERSTOD_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "matplotlib.pyplot",
        "weasyprint",
        "statsmodels.api",
        "scipy.stats",
        "openpyxl",
        "Agg",
    ]
