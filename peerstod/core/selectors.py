from django.db.models import Q, QuerySet

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core.models import AuditEvent


def audit_event_list(*, scope: Scope) -> QuerySet[AuditEvent]:
    """Coordinators see the audit trail of the organisations they coordinate."""
    events = AuditEvent.objects.select_related("organisation")
    if not scope.is_platform_admin:
        orgs = scope.organisation_ids(Role.PROGRAMME_COORDINATOR) | set(
            scope.coordinated_network_ids()
        )
        events = events.filter(Q(organisation_id__in=orgs))
    return events.order_by("-at", "-id")
