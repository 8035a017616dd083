"""The files the import page offers: the empty template (the columns the import
understands, one row per unit for this month) and the example workbook of journey 6
(Region Halland: 36 months of fictional figures for forensic units 20 and 21, peer
support on unit 21 from month 19). The demo loads the same series, and the tests and
benchmarks import it, so the example is the one the documentation describes."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import date

from peerstod.orgs.models import Unit

# The columns of the template and of the example, in the order the template has them.
HEADER = [
    "enhet",
    "månad",
    "vårddygn",
    "inskrivningar",
    "utskrivningar",
    "återinskrivningar 30",
    "medelvårdtid",
    "bältesläggningar",
    "avskiljningar",
    "tvångsmedicineringar",
    "vidbehovsdoser",
]

MONTHS = 36
START_MONTH = 19  # peer support starts on unit 21 in the 19th month of the series
EXAMPLE_FILENAME = "utfall-avd-20-21-exempel.xlsx"
# The draw of the fictional figures. Restraint is built to fall by 40 % on unit 21; with
# some 12 events a month an 18 + 18 month series can show anything from a 65 % fall to
# none (draws 1-29 were tried). This draw lands near what was built (time series about
# 0.58, before/after about 0.57), so that the demo's headline illustrates the method
# rather than an unlucky month: the earlier draw said 66 %.
SEED = 19


def template_rows(units: Iterable[Unit], today: date) -> list[list[object]]:
    """One empty row per unit for the current month."""
    month = today.replace(day=1).strftime("%Y-%m")
    return [[unit.name, month] + [""] * (len(HEADER) - 2) for unit in units]


def months(today: date) -> list[date]:
    """The 36 whole months before the current one."""
    found = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        found.append(date(year, month, 1))
    return found[::-1]


def start_month(today: date) -> date:
    """The first month with peer support on unit 21 in the example series."""
    return months(today)[START_MONTH - 1]


def rows(today: date) -> list[list[object]]:
    """Fictional but plausible figures: restraint falls by about a third on unit 21 when
    peer support starts; unit 20 follows the same slow trend without the drop."""
    # numpy is imported on first use, not when the URLconf loads this module: only the
    # demo and its example file need it.
    import numpy as np

    table = []
    for index, month in enumerate(months(today), start=1):
        season = 1 + 0.08 * math.cos(2 * math.pi * (month.month - 1) / 12)
        for name, beds, peer in (
            ("Rättspsykiatrisk avdelning 20", 28, False),
            ("Rättspsykiatrisk avdelning 21", 31, True),
        ):
            # One generator per unit and month of the series, so that the figures are the
            # same whatever month the series starts in (the demo follows today's date).
            rng = np.random.default_rng([SEED, beds, index])
            bed_days = int(beds * 30.4 * rng.uniform(0.86, 0.95))
            after = peer and index >= START_MONTH
            trend = math.exp(-0.004 * index)
            restraint_rate = 15.0 * trend * season * (0.6 if after else 1.0)
            seclusion_rate = 6.0 * trend * season * (0.8 if after else 1.0)
            prn_rate = 140.0 * trend * (0.82 if after else 1.0)
            admissions = int(rng.poisson(9 if beds == 28 else 10))
            table.append(
                [
                    name,
                    month.strftime("%Y-%m"),
                    bed_days,
                    admissions,
                    max(admissions - int(rng.integers(0, 3)), 0),
                    int(rng.poisson(1.6 if not after else 1.1)),
                    round(bed_days / max(admissions, 1), 1),
                    int(rng.poisson(restraint_rate * bed_days / 1000)),
                    int(rng.poisson(seclusion_rate * bed_days / 1000)),
                    int(rng.poisson(2.0 * bed_days / 1000)),
                    int(rng.poisson(prn_rate * bed_days / 1000)),
                ]
            )
    return table


def workbook_bytes(today: date) -> bytes:
    """The example workbook (.xlsx) for the 36 months before `today`."""
    from openpyxl import Workbook  # openpyxl only when an example is made

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indikatorer"
    sheet.append(HEADER)
    for row in rows(today):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
