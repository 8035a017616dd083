from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    PROGRAMME_COORDINATOR = "programme_coordinator", _("Programme coordinator")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    TRAINER = "trainer", _("Trainer")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    EVALUATOR = "evaluator", _("Evaluator")


# Roles held in the peer-support network; they reach principals through agreements.
NETWORK_ROLES = frozenset({Role.NETWORK_COORDINATOR, Role.SUPERVISOR, Role.TRAINER})
# Roles held for one unit rather than a whole organisation.
UNIT_ROLES = frozenset({Role.UNIT_MANAGER, Role.PEER_SUPPORTER})
# Roles held for a principal organisation and everything below it.
ORGANISATION_ROLES = frozenset({Role.PROGRAMME_COORDINATOR, Role.EVALUATOR})
