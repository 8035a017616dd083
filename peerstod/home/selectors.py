from django.db.models import Q, QuerySet

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.actions import AUDIT_VIEWED
from peerstod.core.models import AuditEvent


def audit_event_list(*, scope: Scope, actor=None) -> QuerySet[AuditEvent]:
    """Coordinators see the audit trail of the organisations they coordinate. The trail
    names people (who read what), so reading it is audited too."""
    audit.read(actor=actor, action=AUDIT_VIEWED)
    events = AuditEvent.objects.select_related("organisation")
    if not scope.is_platform_admin:
        orgs = scope.organisation_ids(Role.PROGRAMME_COORDINATOR) | set(
            scope.coordinated_network_ids()
        )
        events = events.filter(Q(organisation_id__in=orgs))
    return events.order_by("-at", "-id")
