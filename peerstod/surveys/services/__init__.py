"""Every change to surveys, by subject:

- `instruments`: instruments shipped with Peerstöd and those imported from YAML;
- `rounds`: rounds, their channels (invited counts, printed slips, kiosks), interim
  results and the moderation of free text;
- `answering`: anonymous answers, validated whole before anything is saved;
- `codes`: a slip's one-time code and an answer form's one-time token;
- `access`: the checks of who may change a round and which of its units.

The public names are gathered here: `from peerstod.surveys import services` and
`services.round_create(…)`.
"""

from peerstod.surveys.services.access import (
    require_coordinator,
    require_coordinator_or_manager,
    require_unit,
)
from peerstod.surveys.services.answering import (
    MAX_TEXT,
    Answer,
    answer_claim,
    answer_store,
    answer_unclaim,
    closed_message,
    paper_enter,
    submit,
)
from peerstod.surveys.services.codes import (
    CODE_LENGTH,
    CODE_PROBLEM,
    FORM_MAX_AGE,
    FORM_SALT,
    code_digest,
    code_problem,
    code_round,
    form_digest,
    form_token,
    format_code,
    slip_codes,
)
from peerstod.surveys.services.instruments import SHIPPED, install_shipped, instrument_import
from peerstod.surveys.services.rounds import (
    MAX_SLIPS,
    SLIPS_IN_REQUEST,
    interim_shown,
    invited_set,
    kiosk_open,
    round_close,
    round_create,
    slips_create,
    slips_queue,
    slips_store,
    text_moderate,
)
from peerstod.surveys.services.tallying import tallies_rebuild

__all__ = [
    "CODE_LENGTH",
    "CODE_PROBLEM",
    "FORM_MAX_AGE",
    "FORM_SALT",
    "MAX_SLIPS",
    "MAX_TEXT",
    "SLIPS_IN_REQUEST",
    "SHIPPED",
    "Answer",
    "answer_claim",
    "answer_store",
    "answer_unclaim",
    "closed_message",
    "code_digest",
    "code_problem",
    "code_round",
    "form_digest",
    "form_token",
    "format_code",
    "install_shipped",
    "instrument_import",
    "interim_shown",
    "invited_set",
    "kiosk_open",
    "paper_enter",
    "require_coordinator",
    "require_coordinator_or_manager",
    "require_unit",
    "round_close",
    "round_create",
    "slip_codes",
    "slips_create",
    "slips_queue",
    "slips_store",
    "submit",
    "tallies_rebuild",
    "text_moderate",
]
