"""Start-page sections: forum minutes the unit manager has to acknowledge."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.roles import Role
from peerstod.core.sections import Part, Step, contribute
from peerstod.forum.selectors import deliveries_to_acknowledge


@contribute(Role.UNIT_MANAGER, order=10)
def minutes_to_acknowledge(scope) -> Part:
    return Part(
        steps=[
            Step(
                _("Read and acknowledge the forum minutes of %(unit)s, %(day)s")
                % {"unit": d.meeting.forum.unit, "day": d.meeting.held_on},
                reverse("forum:meeting", args=[d.meeting.code]),
            )
            for d in deliveries_to_acknowledge(user_id=scope.user_id)
        ]
    )
