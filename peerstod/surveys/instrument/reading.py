"""Reading an instrument's YAML safely: the size and shape of the file are checked
before anything is built, and every value's line is kept for the error messages."""

from __future__ import annotations

from functools import lru_cache

import yaml
from django.utils.translation import gettext as _

from peerstod.surveys.instrument.definition import DefinitionError, Instrument
from peerstod.surveys.instrument.parsing import parse

MAX_SOURCE_BYTES = 200_000
# A definition is a few levels deep (items[3].text.staff.sv) and needs no aliases; these
# bounds refuse an alias bomb ("billion laughs") or a deeply nested file before PyYAML
# builds it, which would otherwise take the server's memory, time or stack.
MAX_DEPTH = 12
MAX_ALIASES = 10
MAX_NODES = 50_000


def _too_many_values(line: int | None = None) -> DefinitionError:
    return DefinitionError(
        "-", _("The file has more than %(count)s values.") % {"count": MAX_NODES}, line
    )


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
                raise _too_many_values(line)


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
                raise _too_many_values()
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


@lru_cache(maxsize=64)
def load_once(source: str) -> Instrument:
    """`load`, once per process for each text of a definition (an instrument version's
    source never changes): the pages, the answer forms and the results share one
    reading instead of parsing the YAML on every request. A definition that fails is
    not remembered (its error is raised again). The result is shared: never change it."""
    return load(source)
