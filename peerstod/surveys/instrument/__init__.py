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

from peerstod.surveys.instrument.definition import (
    DefinitionError,
    Instrument,
    Item,
    Scale,
    Subscale,
)
from peerstod.surveys.instrument.parsing import (
    KEY,
    LICENCE_KINDS,
    MAX_TEXT,
    RESPONDENTS,
    SCORING,
    parse,
)
from peerstod.surveys.instrument.reading import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_BYTES,
    load,
    load_once,
)

__all__ = [
    "KEY",
    "LICENCE_KINDS",
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SOURCE_BYTES",
    "MAX_TEXT",
    "RESPONDENTS",
    "SCORING",
    "DefinitionError",
    "Instrument",
    "Item",
    "Scale",
    "Subscale",
    "load",
    "load_once",
    "parse",
]
