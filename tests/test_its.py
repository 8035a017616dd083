"""Interrupted time series: the published reference result, and a known effect."""

import csv
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

from peerstod.outcomes.its import SeriesError, analyse

SICILY = Path(__file__).parent / "data" / "sicily.csv"


def sicily():
    with open(SICILY, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def test_it_reproduces_the_published_sicily_result_to_three_decimals():
    d = sicily()
    result = analyse(
        d["aces"],
        d["stdpop"],
        d["time"],
        [int(v) for v in d["smokban"]],
        month=[int(v) for v in d["month"]],
        harmonics=2,
    )
    assert round(result.level.estimate, 3) == 0.885
    assert round(result.level.low, 3) == 0.839
    assert round(result.level.high, 3) == 0.933
    assert not result.too_short


def test_it_finds_a_known_level_change_in_generated_data():
    rng = random.Random(7)
    time = list(range(1, 49))
    after = [int(t > 24) for t in time]
    beddays = [900.0 + rng.randint(-50, 50) for _ in time]
    # 12 per 1,000 bed-days, falling 30 % when peer support starts.
    counts = [
        _poisson(rng, b / 1000 * 12 * (0.7 if a else 1.0))
        for b, a in zip(beddays, after, strict=True)
    ]
    result = analyse(counts, beddays, time, after)
    assert result.level.low < 0.7 < result.level.high
    assert result.level.estimate < 1


def _poisson(rng, mean):
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def test_a_short_series_is_flagged_not_hidden():
    counts = [5, 6, 4, 7, 3, 2, 3, 2]
    result = analyse(counts, [100.0] * 8, list(range(8)), [0, 0, 0, 0, 1, 1, 1, 1])
    assert result.too_short


@pytest.mark.parametrize(
    ("counts", "offsets", "where"),
    [([1, -1, 2, 3], [1.0] * 4, "line 3"), ([1, 1, 2, 3], [1.0, 0.0, 1.0, 1.0], "line 3")],
)
def test_bad_values_name_the_line(counts, offsets, where):
    with pytest.raises(SeriesError) as raised:
        analyse(counts, offsets, [1, 2, 3, 4], [0, 0, 1, 1])
    assert raised.value.where == where


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "peerstod", "its", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_prints_json():
    result = run(
        str(SICILY),
        "--count",
        "aces",
        "--offset",
        "stdpop",
        "--time",
        "time",
        "--intervention",
        "smokban",
        "--month",
        "month",
        "--harmonics",
        "2",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    level = json.loads(result.stdout)["level_change"]
    assert round(level["rate_ratio"], 3) == 0.885


def test_the_command_line_names_a_missing_column_and_a_bad_cell(tmp_path):
    missing = run(
        str(SICILY),
        "--count",
        "events",
        "--offset",
        "stdpop",
        "--time",
        "time",
        "--intervention",
        "smokban",
    )
    assert missing.returncode != 0 and "events" in missing.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("t,n,b,a\n1,3,100,0\n2,tre,100,0\n3,4,100,1\n4,2,100,1\n")
    result = run(str(bad), "--count", "n", "--offset", "b", "--time", "t", "--intervention", "a")
    assert result.returncode != 0 and "line 3, column n" in result.stderr
