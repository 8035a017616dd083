"""Start-page sections: the trainer's cohorts."""

from peerstod.accounts.roles import Role
from peerstod.core.sections import Part, contribute


@contribute(Role.TRAINER)
def cohorts(scope) -> Part:
    return Part(template="recruitment/sections/trainer.html")
