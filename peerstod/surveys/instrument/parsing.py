"""Validating an instrument definition read into Python: every fault is named by its
field and, for a file, its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from peerstod.core.privacy import describe, find_personal_data
from peerstod.surveys.instrument.definition import (
    DefinitionError,
    Instrument,
    Item,
    Scale,
    Subscale,
)

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
RESPONDENTS = ("patient", "staff", "peer_supporter", "family", "leader")
LICENCE_KINDS = ("free", "permission", "licence")
SCORING = ("mean", "sum")
MAX_TEXT = 600


def parse(data: Any, lines: Mapping[str, int] | None = None) -> Instrument:
    """Validate a definition already read into Python (from YAML or stored JSON)."""
    return Parser(lines or {}).instrument(data)


class Parser:
    def __init__(self, lines: Mapping[str, int]):
        self.lines = lines

    def fail(self, path: str, message: str) -> DefinitionError:
        probe = path
        while probe and probe not in self.lines:
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
        return DefinitionError(path or "-", message, self.lines.get(probe))

    def mapping(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, _("Expected a mapping of names to values."))
        return value

    def sequence(self, value: Any, path: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(path, _("Expected a non-empty list."))
        return value

    def required(self, data: dict, name: str, path: str) -> Any:
        if name not in data or data[name] in (None, ""):
            where = f"{path}.{name}" if path else name
            raise self.fail(where, _("This field is required."))
        return data[name]

    def key(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not KEY.match(value):
            raise self.fail(
                path,
                _("Use lower-case letters, digits, - and _ (at most 60 characters)."),
            )
        return value

    def integer(self, value: Any, path: str, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(
                path,
                _("Expected a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )
        return value

    def boolean(self, data: dict, name: str, path: str) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{name}", _("Expected true or false."))
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, _("Expected a text."))
        if len(value) > MAX_TEXT:
            raise self.fail(path, _("At most %(count)s characters.") % {"count": MAX_TEXT})
        findings = find_personal_data(value)
        if findings:
            raise self.fail(path, describe(value, findings))
        return value.strip()

    def languages_text(self, value: Any, path: str, languages: tuple[str, ...]) -> dict[str, str]:
        value = self.mapping(value, path)
        for language in languages:
            if language not in value:
                raise self.fail(
                    path,
                    _("The text in language %(language)s is missing.") % {"language": language},
                )
        unknown = set(value) - set(languages)
        if unknown:
            raise self.fail(
                path,
                _("Language %(language)s is not listed under languages.")
                % {"language": sorted(map(str, unknown))[0]},
            )
        return {
            language: self.text(value[language], f"{path}.{language}") for language in languages
        }

    def instrument(self, data: Any) -> Instrument:
        data = self.mapping(data, "")
        key = self.key(self.required(data, "key", ""), "key")
        version = self.integer(self.required(data, "version", ""), "version", 1, 999)
        raw_languages = self.sequence(self.required(data, "languages", ""), "languages")
        languages = []
        for index, language in enumerate(raw_languages):
            if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2}", language):
                raise self.fail(f"languages[{index}]", _("Use a two-letter language code."))
            languages.append(language)
        langs = tuple(dict.fromkeys(languages))
        respondents = []
        for index, respondent in enumerate(
            self.sequence(self.required(data, "respondents", ""), "respondents")
        ):
            if respondent not in RESPONDENTS:
                raise self.fail(
                    f"respondents[{index}]",
                    _("Unknown respondent %(value)s; use one of %(choices)s.")
                    % {"value": respondent, "choices": ", ".join(RESPONDENTS)},
                )
            respondents.append(respondent)
        who = tuple(dict.fromkeys(respondents))
        title = self.languages_text(self.required(data, "title", ""), "title", langs)
        description = (
            self.languages_text(data["description"], "description", langs)
            if data.get("description")
            else {}
        )
        licence = self.licence(self.required(data, "licence", ""))
        scales = self.scales(self.required(data, "scales", ""), langs)
        items = self.items(self.required(data, "items", ""), scales, langs, who)
        subscales = self.subscales(data.get("subscales") or [], items, langs)
        return Instrument(
            key=key,
            version=version,
            title=title,
            languages=langs,
            respondents=who,
            licence=licence,
            scales=scales,
            items=tuple(items),
            subscales=tuple(subscales),
            description=description,
        )

    def licence(self, value: Any) -> dict[str, Any]:
        value = self.mapping(value, "licence")
        kind = self.required(value, "kind", "licence")
        if kind not in LICENCE_KINDS:
            raise self.fail(
                "licence.kind",
                _("Use one of %(choices)s.") % {"choices": ", ".join(LICENCE_KINDS)},
            )
        licence: dict[str, Any] = {
            "kind": kind,
            "holder": self.text(self.required(value, "holder", "licence"), "licence.holder"),
            "modifiable": self.boolean(value, "modifiable", "licence"),
        }
        if value.get("citation"):
            licence["citation"] = self.text(value["citation"], "licence.citation")
        elif kind != "free":
            raise self.fail("licence.citation", _("Cite the source of a licensed instrument."))
        return licence

    def scales(self, value: Any, langs: tuple[str, ...]) -> dict[str, Scale]:
        scales = {}
        for name, spec in self.mapping(value, "scales").items():
            path = f"scales.{name}"
            self.key(name, path)
            spec = self.mapping(spec, path)
            low = self.integer(self.required(spec, "min", path), f"{path}.min", 0, 1)
            high = self.integer(self.required(spec, "max", path), f"{path}.max", low + 1, 10)
            labels_spec = self.mapping(self.required(spec, "labels", path), f"{path}.labels")
            labels: dict[str, list[str]] = {}
            for language in langs:
                where = f"{path}.labels.{language}"
                if language not in labels_spec:
                    raise self.fail(
                        f"{path}.labels",
                        _("The labels in language %(language)s are missing.")
                        % {"language": language},
                    )
                values = labels_spec[language]
                if not isinstance(values, list) or len(values) != high - low + 1:
                    raise self.fail(
                        where,
                        _("Give one label for each value from %(low)s to %(high)s.")
                        % {"low": low, "high": high},
                    )
                labels[language] = [self.text(v, f"{where}[{i}]") for i, v in enumerate(values)]
            excluded: dict[int, dict[str, str]] = {}
            for index, code in enumerate(spec.get("excluded") or []):
                where = f"{path}.excluded[{index}]"
                code = self.mapping(code, where)
                number = self.integer(self.required(code, "value", where), f"{where}.value", 0, 99)
                if low <= number <= high or number in excluded:
                    raise self.fail(
                        f"{where}.value",
                        _("An excluded code must lie outside the scale and be unique."),
                    )
                excluded[number] = self.languages_text(
                    self.required(code, "label", where), f"{where}.label", langs
                )
            scales[name] = Scale(name, low, high, labels, excluded)
        if not scales:
            raise self.fail("scales", _("Expected a non-empty list."))
        return scales

    def items(
        self, value: Any, scales: dict[str, Scale], langs: tuple[str, ...], who: tuple[str, ...]
    ) -> list[Item]:
        items: list[Item] = []
        for index, spec in enumerate(self.sequence(value, "items")):
            path = f"items[{index}]"
            spec = self.mapping(spec, path)
            key = self.key(self.required(spec, "key", path), f"{path}.key")
            if any(i.key == key for i in items):
                raise self.fail(f"{path}.key", _("Two items have the key %(key)s.") % {"key": key})
            kind = spec.get("kind", "scale")
            if kind not in ("scale", "text"):
                raise self.fail(f"{path}.kind", _("Use scale or text."))
            respondents = tuple(spec.get("respondents") or ())
            for position, respondent in enumerate(respondents):
                if respondent not in who:
                    raise self.fail(
                        f"{path}.respondents[{position}]",
                        _("Respondent %(value)s is not listed under respondents.")
                        % {"value": respondent},
                    )
            raw_text = self.mapping(self.required(spec, "text", path), f"{path}.text")
            if set(raw_text) <= set(langs):
                text = {"*": self.languages_text(raw_text, f"{path}.text", langs)}
            else:
                text = {}
                for respondent, texts in raw_text.items():
                    if respondent not in who:
                        raise self.fail(
                            f"{path}.text.{respondent}",
                            _("Respondent %(value)s is not listed under respondents.")
                            % {"value": respondent},
                        )
                    text[respondent] = self.languages_text(
                        texts, f"{path}.text.{respondent}", langs
                    )
                missing = [r for r in (respondents or who) if r not in text]
                if missing:
                    raise self.fail(
                        f"{path}.text",
                        _("The text for respondent %(value)s is missing.") % {"value": missing[0]},
                    )
            scale = None
            if kind == "scale":
                scale_name = self.required(spec, "scale", path)
                if scale_name not in scales:
                    raise self.fail(
                        f"{path}.scale",
                        _("There is no scale called %(name)s.") % {"name": scale_name},
                    )
                scale = scales[scale_name]
            items.append(
                Item(
                    key=key,
                    kind=kind,
                    text=text,
                    scale=scale,
                    reverse=self.boolean(spec, "reverse", path),
                    importance=self.boolean(spec, "importance", path),
                    respondents=respondents,
                )
            )
        return items

    def subscales(self, value: Any, items: list[Item], langs: tuple[str, ...]) -> list[Subscale]:
        if not isinstance(value, list):
            raise self.fail("subscales", _("Expected a non-empty list."))
        by_key = {i.key: i for i in items}
        subscales: list[Subscale] = []
        for index, spec in enumerate(value):
            path = f"subscales[{index}]"
            spec = self.mapping(spec, path)
            key = self.key(self.required(spec, "key", path), f"{path}.key")
            if any(s.key == key for s in subscales):
                raise self.fail(
                    f"{path}.key", _("Two subscales have the key %(key)s.") % {"key": key}
                )
            members = self.sequence(self.required(spec, "items", path), f"{path}.items")
            for position, member in enumerate(members):
                where = f"{path}.items[{position}]"
                if member not in by_key:
                    raise self.fail(
                        where,
                        _("The subscale names item %(item)s, which the instrument does not have.")
                        % {"item": member},
                    )
                if by_key[member].kind != "scale":
                    raise self.fail(where, _("A text item cannot be scored."))
            scales = {scale.key for m in members if (scale := by_key[m].scale) is not None}
            if len(scales) > 1:
                raise self.fail(f"{path}.items", _("The items of a subscale must share one scale."))
            scoring = spec.get("scoring", "mean")
            if scoring not in SCORING:
                raise self.fail(f"{path}.scoring", _("Use mean or sum."))
            minimum = self.integer(
                spec.get("min_answered", 1), f"{path}.min_answered", 1, len(members)
            )
            subscales.append(
                Subscale(
                    key=key,
                    title=self.languages_text(
                        self.required(spec, "title", path), f"{path}.title", langs
                    ),
                    items=tuple(members),
                    scoring=scoring,
                    min_answered=minimum,
                )
            )
        return subscales
