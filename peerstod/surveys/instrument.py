"""Survey instruments defined in YAML: parsing with the line and field at fault, and
scoring. Plain Python without the database, so the importer, the answer form and the
results share one reading of an instrument.

A definition (see `instruments/*.yaml` for complete examples)::

    key: staff-recovery
    version: 1
    title: {sv: ..., en: ...}
    languages: [sv, en]
    respondents: [staff, leader]
    licence: {kind: free, holder: ..., citation: ..., modifiable: true}
    scales:
      agree:
        min: 1
        max: 5
        labels: {sv: [5 labels], en: [5 labels]}
        excluded: [{value: 9, label: {sv: Vet ej, en: Don't know}}]
    items:
      - key: q1
        scale: agree
        text: {sv: ..., en: ...}          # or {staff: {sv, en}, leader: {sv, en}}
        reverse: false                    # scored as min + max - answer
        importance: false                 # scored only when marked important
        respondents: [staff]              # optional: only in some versions
      - {key: comment, kind: text, text: {sv: ..., en: ...}}
    subscales:
      - {key: s1, title: {sv, en}, items: [q1], scoring: mean, min_answered: 1}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml
from django.utils.translation import gettext as _

from peerstod.core.privacy import describe, find_personal_data

MAX_SOURCE_BYTES = 200_000
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
RESPONDENTS = ("patient", "staff", "peer_supporter", "family", "leader")
LICENCE_KINDS = ("free", "permission", "licence")
SCORING = ("mean", "sum")
MAX_TEXT = 600
# A definition is a few levels deep (items[3].text.staff.sv) and needs no aliases; these
# bounds refuse an alias bomb ("billion laughs") or a deeply nested file before PyYAML
# builds it, which would otherwise take the server's memory, time or stack.
MAX_DEPTH = 12
MAX_ALIASES = 10
MAX_NODES = 50_000


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


# ---------------------------------------------------------------- reading YAML


def _line_map(node: yaml.Node, path: str = "", lines: dict[str, int] | None = None) -> dict:
    """Path ("items[2].scale") → 1-based line, for every node of the document."""
    lines = {} if lines is None else lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = f"{path}.{key_node.value}" if path else str(key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, value_node in enumerate(node.value):
            _line_map(value_node, f"{path}[{index}]", lines)
    return lines


def _check_shape(source: str) -> None:
    """Refuse, from the parser's events alone (nothing is built yet), a document nested
    deeper than MAX_DEPTH, with more than MAX_ALIASES aliases or more than MAX_NODES
    nodes."""
    depth = aliases = nodes = 0
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise DefinitionError(
                    "-",
                    _("The file is nested more than %(count)s levels deep.") % {"count": MAX_DEPTH},
                    line,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise DefinitionError(
                    "-",
                    _(
                        "The file repeats earlier parts (YAML aliases, *name) more than "
                        "%(count)s times."
                    )
                    % {"count": MAX_ALIASES},
                    line,
                )
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise DefinitionError(
                    "-",
                    _("The file has more than %(count)s values.") % {"count": MAX_NODES},
                    line,
                )


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes the document has with every alias written out, counted without
    writing them out (each shared node is counted once and remembered)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes) for child in node.value)
    sizes[id(node)] = size
    return size


def load(source: str | bytes) -> Instrument:
    """Parse and validate a YAML definition; raises DefinitionError."""
    if isinstance(source, bytes):
        if len(source) > MAX_SOURCE_BYTES:
            raise DefinitionError("-", _("The file is larger than 200 kB."))
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DefinitionError("-", _("The file is not UTF-8 text.")) from error
    if len(source.encode()) > MAX_SOURCE_BYTES:
        raise DefinitionError("-", _("The file is larger than 200 kB."))
    try:
        _check_shape(source)
        loader = yaml.SafeLoader(source)
        try:
            node = loader.get_single_node()
            if node is not None and _expanded_size(node, {}) > MAX_NODES:
                raise DefinitionError(
                    "-", _("The file has more than %(count)s values.") % {"count": MAX_NODES}
                )
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionError(
            "-",
            _("Not valid YAML: %(problem)s") % {"problem": problem},
            mark.line + 1 if mark else None,
        ) from error
    lines = _line_map(node) if node is not None else {}
    return parse(data, lines)


def parse(data: Any, lines: Mapping[str, int] | None = None) -> Instrument:
    """Validate a definition already read into Python (from YAML or stored JSON)."""
    return _Parser(lines or {}).instrument(data)


class _Parser:
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
