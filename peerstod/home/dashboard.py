"""The start page: one section per role the user holds, in role order, each made of
what the apps contribute (`core.sections`). This module knows no feature app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core.sections import PLATFORM_ADMIN, Part, Step, parts_for

ROLE_ORDER = [
    Role.NETWORK_COORDINATOR,
    Role.PROGRAMME_COORDINATOR,
    Role.UNIT_MANAGER,
    Role.SUPERVISOR,
    Role.TRAINER,
    Role.PEER_SUPPORTER,
    Role.EVALUATOR,
]

TITLES = {
    PLATFORM_ADMIN: _("Platform administration"),
    Role.NETWORK_COORDINATOR: _("Network coordinator"),
    Role.PROGRAMME_COORDINATOR: _("Programme coordinator"),
    Role.UNIT_MANAGER: _("Unit manager"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.TRAINER: _("Trainer"),
    Role.PEER_SUPPORTER: _("Peer supporter"),
    Role.EVALUATOR: _("Evaluator"),
}


@dataclass
class Section:
    role: str
    title: str | Promise
    parts: list[Part] = field(default_factory=list)

    @property
    def steps(self) -> list[Step]:
        return [step for part in self.parts for step in part.steps]

    @property
    def data(self) -> dict[str, Any]:
        """What the parts show, together (a later part's key wins)."""
        return {key: value for part in self.parts for key, value in part.data.items()}


def sections_for(scope: Scope) -> list[Section]:
    roles = [role for role in ROLE_ORDER if role in scope.roles]
    if scope.is_platform_admin:
        roles.insert(0, PLATFORM_ADMIN)
    return [Section(role, TITLES[role], parts_for(role, scope)) for role in roles]
