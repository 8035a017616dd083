"""The forum is for general topics only: never one person's own care (seed 003).

A kind, rule-based check: words that point to someone's own medication, care plan,
doctor's talks, leave or discharge. It refuses the item and says where the question
belongs instead. It errs on the side of asking: "medicin" in "medicinskåpet är trasigt"
is refused too, with the same explanation, and the peer supporter can rephrase.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

TOPICS = [
    (
        re.compile(
            r"\b(medicin\w*|läkemedel\w*|tabletter?|dos(en|er)?|höja dosen|sänka dosen|"
            r"sprut\w*|depå\w*|vidbehov\w*)",
            re.IGNORECASE,
        ),
        _("medication"),
    ),
    (re.compile(r"\b(vårdplan\w*|min plan|behandlingsplan\w*)", re.IGNORECASE), _("a care plan")),
    (
        re.compile(
            r"\b(läkarsamtal\w*|min läkare|läkaren ska|överläkar\w*|diagnos\w*)", re.IGNORECASE
        ),
        _("doctor's talks or a diagnosis"),
    ),
    (
        re.compile(
            r"\b(permission\w*|utskrivning\w*|min dom|frigång\w*|förvaltningsrätt\w*)",
            re.IGNORECASE,
        ),
        _("leave, discharge or a court decision"),
    ),
]


def individual_topic(text: str):
    for pattern, label in TOPICS:
        if pattern.search(text or ""):
            return label
    return None


@deconstructible
class GeneralTopicsOnly:
    code = "individual_care"

    def __call__(self, value: object) -> None:
        label = individual_topic(str(value or ""))
        if label is not None:
            raise ValidationError(
                _(
                    "This sounds like a question about one person's own care (%(what)s). "
                    "The forum is for things that concern everyone on the unit. Take it to "
                    "your contact person, your doctor or the care team – or the patient "
                    "committee (patientnämnden) if you are not satisfied."
                ),
                code=self.code,
                params={"what": label},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GeneralTopicsOnly)

    def __hash__(self) -> int:
        return hash(self.code)


general_topics_only = GeneralTopicsOnly()
