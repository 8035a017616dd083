"""Every change in placement: positions, staff training, readiness, matching, employment.

Each public function is a use case (core.usecase): one transaction, validated before it
writes, with its audit row. By subject:

- `positions`: positions and their role description, staff training, unit readiness;
- `employment`: employments, service-degree changes, their end, sick leave (and the
  access to the unit that follows them);
- `events`: matching events: meetings, rankings, the stable matching, the confirmation.

`_common` holds what they share (who may act, date checks, a form sent twice).
"""

from peerstod.placement.services.employment import (
    employment_change_fte,
    employment_create,
    employment_end,
    sick_leave_record,
)
from peerstod.placement.services.events import (
    event_confirm,
    event_create,
    event_solve,
    meetings_save,
    rankings_save,
)
from peerstod.placement.services.positions import (
    position_create,
    position_describe_role,
    readiness_update,
    staff_training_record,
)

__all__ = [
    "employment_change_fte",
    "employment_create",
    "employment_end",
    "event_confirm",
    "event_create",
    "event_solve",
    "meetings_save",
    "position_create",
    "position_describe_role",
    "rankings_save",
    "readiness_update",
    "sick_leave_record",
    "staff_training_record",
]
