"""What an instrument is once read: its scales, items and subscales, and the scoring
of one response. Plain Python without the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _


class DefinitionError(ValueError):
    """A malformed instrument: `line` (1-based, or None) and `field` name the fault."""

    def __init__(self, field: str, message: str, line: int | None = None):
        self.field = field
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return _("Field %(field)s: %(message)s") % {
                "field": self.field,
                "message": self.message,
            }
        return _("Line %(line)s, field %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class Scale:
    key: str
    minimum: int
    maximum: int
    labels: dict[str, list[str]]
    excluded: dict[int, dict[str, str]]

    def values(self) -> range:
        return range(self.minimum, self.maximum + 1)

    def allows(self, value: int) -> bool:
        return self.minimum <= value <= self.maximum or value in self.excluded


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # "scale" or "text"
    text: dict[str, dict[str, str]]  # respondent ("*" for all) → language → text
    scale: Scale | None = None
    reverse: bool = False
    importance: bool = False
    respondents: tuple[str, ...] = ()

    def text_for(self, respondent: str, language: str) -> str:
        texts = self.text.get(respondent) or self.text["*"]
        return texts.get(language) or next(iter(texts.values()))

    def asked_of(self, respondent: str) -> bool:
        return not self.respondents or respondent in self.respondents


@dataclass(frozen=True)
class Subscale:
    key: str
    title: dict[str, str]
    items: tuple[str, ...]
    scoring: str
    min_answered: int


@dataclass(frozen=True)
class Instrument:
    key: str
    version: int
    title: dict[str, str]
    languages: tuple[str, ...]
    respondents: tuple[str, ...]
    licence: dict[str, Any]
    scales: dict[str, Scale]
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    description: dict[str, str] = field(default_factory=dict)

    @cached_property
    def _by_key(self) -> dict[str, Item]:
        return {i.key: i for i in self.items}

    def item(self, key: str) -> Item:
        return self._by_key[key]

    def items_for(self, respondent: str) -> list[Item]:
        return [i for i in self.items if i.asked_of(respondent)]

    def subscales_for(self, respondent: str) -> list[Subscale]:
        asked = {i.key for i in self.items_for(respondent)}
        return [s for s in self.subscales if asked & set(s.items)]

    def localised(self, texts: Mapping[str, str], language: str) -> str:
        return texts.get(language) or texts.get(self.languages[0]) or next(iter(texts.values()))

    def score(self, answers: Mapping[str, int | None], important: set[str]) -> dict[str, float]:
        """Subscale scores of one response; a subscale with too few answered items is
        left out. Excluded codes ("vet ej") and unimportant importance items do not
        count as answered."""
        scores = {}
        for subscale in self.subscales:
            values = []
            for key in subscale.items:
                item = self.item(key)
                value = answers.get(key)
                scale = item.scale
                if value is None or scale is None or value in scale.excluded:
                    continue
                if item.importance and key not in important:
                    continue
                values.append(scale.minimum + scale.maximum - value if item.reverse else value)
            if values and len(values) >= subscale.min_answered:
                total = float(sum(values))
                scores[subscale.key] = total / len(values) if subscale.scoring == "mean" else total
        return scores

    def texts(self) -> list[str]:
        """Every text of the instrument, for the personal-data guard."""
        found = [*self.title.values(), *self.description.values()]
        found += [str(v) for v in self.licence.values() if isinstance(v, str)]
        for scale in self.scales.values():
            found += [label for labels in scale.labels.values() for label in labels]
            found += [label for labels in scale.excluded.values() for label in labels.values()]
        for item in self.items:
            found += [t for texts in item.text.values() for t in texts.values()]
        for subscale in self.subscales:
            found += list(subscale.title.values())
        return found
