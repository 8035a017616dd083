"""Start-page sections: the supervisor's units."""

from peerstod.accounts.roles import Role
from peerstod.core.sections import Part, contribute


@contribute(Role.SUPERVISOR)
def supervised_units(scope) -> Part:
    return Part(
        template="supervision/sections/supervisor.html",
        data={"unit_count": len(scope.unit_ids(Role.SUPERVISOR))},
    )
