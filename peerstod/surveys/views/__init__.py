"""The survey pages: `staff` behind a login, `answering` the public pages where anyone
answers anonymously."""

from peerstod.surveys.views.answering import answer_link, code_entry, kiosk
from peerstod.surveys.views.staff import (
    compare,
    index,
    instrument,
    instruments,
    link_qr,
    moderate,
    paper,
    results,
    round_detail,
    slips,
)

__all__ = [
    "answer_link",
    "code_entry",
    "compare",
    "index",
    "instrument",
    "instruments",
    "kiosk",
    "link_qr",
    "moderate",
    "paper",
    "results",
    "round_detail",
    "slips",
]
