"""The main menu, by role: a user sees only the places they may enter."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope

ORGANISATION_READERS = (
    Role.NETWORK_COORDINATOR,
    Role.PROGRAMME_COORDINATOR,
    Role.UNIT_MANAGER,
    Role.SUPERVISOR,
    Role.TRAINER,
    Role.EVALUATOR,
)
AGREEMENT_ROLES = (Role.NETWORK_COORDINATOR, Role.PROGRAMME_COORDINATOR)
AUDIT_READERS = (Role.NETWORK_COORDINATOR, Role.PROGRAMME_COORDINATOR)
RECRUITMENT_READERS = (Role.NETWORK_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.EVALUATOR)
TRAINING_ROLES = (Role.NETWORK_COORDINATOR, Role.TRAINER)
PLACEMENT_ROLES = (Role.PROGRAMME_COORDINATOR, Role.UNIT_MANAGER)
REPORT_ROLES = (Role.PEER_SUPPORTER, Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)
OUTCOME_ROLES = (Role.PROGRAMME_COORDINATOR, Role.EVALUATOR, Role.UNIT_MANAGER)
SURVEY_ROLES = (
    Role.PROGRAMME_COORDINATOR,
    Role.EVALUATOR,
    Role.NETWORK_COORDINATOR,
    Role.UNIT_MANAGER,
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


# Pages about one's own work and supervision: only for those who hold the role through a
# membership (the platform administrator has no work log of their own).
OWN = "own"


def menu(scope: Scope, path: str) -> list[NavItem]:
    entries: list[tuple[str | Promise, str, tuple[str, ...] | None, str]] = [
        (_("Overview"), "home:dashboard", None, ""),
        (_("Organisations"), "orgs:list", ORGANISATION_READERS, ""),
        (_("Agreements"), "orgs:agreements", AGREEMENT_ROLES, ""),
        (_("Recruitment"), "recruitment:calls", RECRUITMENT_READERS, ""),
        (_("Training"), "recruitment:cohorts", TRAINING_ROLES, ""),
        (_("My work"), "work:log", (Role.PEER_SUPPORTER,), OWN),
        (_("My week"), "work:schedule", (Role.PEER_SUPPORTER,), OWN),
        (_("Activity reports"), "work:report", REPORT_ROLES, ""),
        (_("Placement"), "placement:overview", PLACEMENT_ROLES, ""),
        (_("Forum"), "forum:index", REPORT_ROLES, ""),
        (_("Surveys"), "surveys:index", SURVEY_ROLES, ""),
        (_("Outcomes"), "outcomes:index", OUTCOME_ROLES, ""),
        (_("Supervision"), "supervision:home", (Role.SUPERVISOR,), ""),
        (_("My supervision"), "supervision:mine", (Role.PEER_SUPPORTER,), OWN),
        (_("Check-ins"), "supervision:check_ins", PLACEMENT_ROLES, ""),
        (_("Peer network"), "supervision:meetings", (Role.NETWORK_COORDINATOR,), ""),
        (_("Reminders"), "home:notifications", None, ""),
        (_("Audit log"), "home:audit", AUDIT_READERS, ""),
        (_("My account"), "accounts:profile", None, ""),
    ]
    shown = []
    for label, name, roles, kind in entries:
        if roles is not None and not (scope.holds if kind == OWN else scope.has_role)(*roles):
            continue
        shown.append((label, reverse(name)))
    if scope.is_platform_admin:
        shown.append((_("Administration"), reverse("admin:index")))
    current = _current(path, [url for _label, url in shown])
    return [NavItem(label, url, url == current) for label, url in shown]


def _current(path: str, urls: list[str]) -> str:
    """The one item the page belongs to: the longest menu address the path starts with
    (`/arbete/schema/` is "My week", not also "My work"); the start page only itself."""
    home = reverse("home:dashboard")
    matches = [url for url in urls if path == url or (url != home and path.startswith(url))]
    return max(matches, key=len, default="")
