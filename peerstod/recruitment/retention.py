"""Applications are anonymised when their call's retention period after the decision
has ended (`services.purge`)."""

from peerstod.core.retention import purges
from peerstod.recruitment import services

purges.register(services.purge)
