"""The command line as the README shows it, in a shell with no environment set."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_its import SICILY

BIN = Path(sys.executable).with_name("peerstod")


def bare(*args: str, stdin: str = "", **environment: str) -> subprocess.CompletedProcess:
    """`peerstod …` with nothing in the environment but PATH (no DEBUG, no secret) and
    the variables given."""
    return subprocess.run(
        [str(BIN), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment},
        timeout=120,
    )


def test_match_runs_without_any_configuration():
    data = {
        "peers": [{"id": "lina", "fte_min": 50, "fte_max": 100, "ranking": ["nassjo"]}],
        "positions": [{"id": "nassjo", "fte": 50, "seats": 1, "ranking": ["lina"]}],
    }
    result = bare("match", "-", stdin=json.dumps(data))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matches"] == [{"peer": "lina", "position": "nassjo"}]


def test_its_runs_without_any_configuration():
    result = bare(
        "its", str(SICILY), "--count", "aces", "--offset", "stdpop", "--time", "time",
        "--intervention", "smokban", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "level_change" in json.loads(result.stdout)


def test_a_configuration_mistake_is_a_sentence_not_a_traceback():
    result = bare("check")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_address_that_is_not_one_is_a_sentence_without_the_address():
    result = bare(
        "migrate", "--check", DEBUG="true", DATABASE_URL="pstgres://admin:hemligt@db/peerstod"
    )
    assert result.returncode == 2
    assert "DATABASE_URL is not a database address" in result.stderr
    assert "hemligt" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_that_cannot_be_reached_is_a_sentence_not_a_traceback():
    # Nothing listens on port 9 (discard) of this machine.
    result = bare(
        "migrate", "--check", DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:9/peerstod"
    )
    assert result.returncode == 3
    assert result.stderr.startswith("peerstod: the database cannot be used: ")
    assert "Traceback" not in result.stderr
