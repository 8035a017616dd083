"""The monthly self-assessment: six statements of our own about keeping the peer role,
answered 1 (not at all) to 5 (completely). Under two minutes on a phone."""

from django.utils.translation import gettext_lazy as _

QUESTIONS = [
    ("own_experience", _("This month I have used my own experience in my work.")),
    ("no_agenda", _("I have met patients without an agenda of my own or of the ward.")),
    ("said_no", _("I have been able to say no to tasks outside my role.")),
    ("secure", _("I have felt secure in my role as a peer supporter.")),
    ("colleagues", _("Staff have understood what my role is.")),
    ("support", _("I have had the support I need (supervision, peer network).")),
]
SCALE = [(1, _("Not at all")), (2, "2"), (3, "3"), (4, "4"), (5, _("Completely"))]
