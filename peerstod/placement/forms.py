from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.core.idempotency import OnceField
from peerstod.core.privacy import no_personal_data
from peerstod.core.widgets import Checkboxes
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Person
from peerstod.placement.models import (
    Duty,
    EndReason,
    MatchingEvent,
    Position,
    Ranking,
    StaffTraining,
    UnitReadiness,
)

DATE = forms.DateInput(attrs={"type": "date"})
FTE_CHOICES = [(25, "25 %"), (50, "50 %"), (75, "75 %"), (100, "100 %")]


class PositionForm(forms.ModelForm):
    once = OnceField()
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), to_field_name="code"
    )
    fte_percent = forms.TypedChoiceField(
        label=_("Service degree"), choices=FTE_CHOICES, coerce=int, initial=50
    )

    class Meta:
        model = Position
        fields = ["unit", "title", "fte_percent", "seats", "starts_on"]
        widgets = {"starts_on": DATE}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RoleForm(forms.Form):
    duties = forms.MultipleChoiceField(
        label=_("Duties"),
        choices=Duty.choices,
        required=False,
        widget=Checkboxes,
    )
    role_notes = Position._meta.get_field("role_notes").formfield(
        widget=forms.Textarea(attrs={"rows": 5})
    )
    agreed = forms.BooleanField(
        label=_("The role description is agreed with the unit"), required=False
    )


class StaffTrainingForm(forms.ModelForm):
    once = OnceField()
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="code"
    )
    unit = forms.ModelChoiceField(
        label=_("Participants' unit"), queryset=Unit.objects.none(), to_field_name="code"
    )
    participants = forms.CharField(
        label=_("Participants, one name per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        validators=[no_personal_data],
    )

    class Meta:
        model = StaffTraining
        fields = ["organisation", "kind", "held_on", "title"]
        widgets = {"held_on": DATE}

    def __init__(self, *args, organisations, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["unit"].queryset = units


class ReadinessForm(forms.ModelForm):
    class Meta:
        model = UnitReadiness
        fields = ["manager_briefed_on", "supervision_arranged_on", "introduction_plan"]
        widgets = {
            "manager_briefed_on": DATE,
            "supervision_arranged_on": DATE,
            "introduction_plan": forms.Textarea(attrs={"rows": 4}),
        }


class EventForm(forms.ModelForm):
    once = OnceField()
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="code"
    )
    peers = forms.ModelMultipleChoiceField(
        label=_("Peer supporters invited"),
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=Checkboxes,
    )
    positions = forms.ModelMultipleChoiceField(
        label=_("Positions invited"),
        queryset=Position.objects.none(),
        to_field_name="code",
        widget=Checkboxes,
    )

    class Meta:
        model = MatchingEvent
        fields = ["organisation", "title", "held_on", "peers", "positions"]
        widgets = {"held_on": DATE}

    def __init__(self, *args, organisations, peers, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["peers"].queryset = peers
        self.fields["positions"].queryset = positions
        self.fields["peers"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.fte_min}–{p.fte_max} %)"
        )
        self.fields["positions"].label_from_instance = lambda q: f"{q.unit.name}, {q.fte_percent} %"


class EventPageForm(forms.Form):
    """One of the event page's forms. All are posted to the event's URL; the hidden field
    `action` names which one was sent (`action` of the class), and the page's view hands
    it to that form's own view. The grid of invited peer supporters × positions is read
    by the inputs' names (`<prefix>-<code>-<code>`), drawn by the template."""

    action: str = ""

    def __init__(self, data=None, *, people: dict, positions: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.people, self.positions = people, positions
        # Problems of a change's reason found by the service, by the person's code.
        self.reason_errors: dict[str, list[str]] = {}


class MeetingsForm(EventPageForm):
    """Who met whom: a checkbox `met-<person>-<position>` for every pair."""

    action = "meetings"

    def clean(self):
        data = super().clean()
        data["met"] = {
            (p.pk, q.pk)
            for p in self.people.values()
            for q in self.positions.values()
            if self.data.get(f"met-{p.code}-{q.code}") == "yes"
        }
        return data


class RankingsForm(EventPageForm):
    """One side's ranks, a number per pair; empty is "not acceptable"."""

    side: str = ""

    def key(self, person, position) -> str:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        ranks: dict[tuple[int, int], int | None] = {}
        for person in self.people.values():
            for position in self.positions.values():
                raw = str(self.data.get(self.key(person, position), "")).strip()
                if raw == "":
                    ranks[(person.pk, position.pk)] = None
                elif raw.isascii() and raw.isdigit() and len(raw) <= 6:
                    ranks[(person.pk, position.pk)] = int(raw)
                else:
                    raise forms.ValidationError(_("Ranks are whole numbers from 1 (first choice)."))
        data["ranks"] = ranks
        return data


class PeerRankingsForm(RankingsForm):
    """How the peer supporters rank the positions: `peer-<person>-<position>`."""

    action = "peer-rankings"
    side = Ranking.Side.PEER

    def key(self, person, position) -> str:
        return f"peer-{person.code}-{position.code}"


class UnitRankingsForm(RankingsForm):
    """How the units rank the peer supporters: `unit-<position>-<person>`."""

    action = "unit-rankings"
    side = Ranking.Side.UNIT

    def key(self, person, position) -> str:
        return f"unit-{position.code}-{person.code}"


class ConfirmForm(EventPageForm):
    """The matching confirmed, with a changed placement (`override-<person>`: a
    position's code or "none") and its reason (`reason-<person>`) for some."""

    action = "confirm"
    starts_on = forms.DateField(label=_("Employments start"), widget=DATE)
    readiness_override = forms.CharField(
        label=_("If a unit is not ready: why place anyway?"),
        required=False,
        max_length=500,
        validators=[no_personal_data],
    )

    def sent(self, prefix: str) -> dict[str, str]:
        """What was sent for each invited peer supporter (to show it again)."""
        return {p.code: str(self.data.get(f"{prefix}-{p.code}", "")) for p in self.people.values()}

    def clean(self):
        data = super().clean()
        overrides: dict[int, tuple[int | None, str]] = {}
        by_code = {q.code: q.pk for q in self.positions.values()}
        reasons = self.sent("reason")
        for person in self.people.values():
            choice = self.sent("override")[person.code]
            if not choice:
                continue
            if choice != "none" and choice not in by_code:
                raise forms.ValidationError(
                    _("An override names someone or something not invited.")
                )
            overrides[person.pk] = (by_code.get(choice), reasons[person.code])
        data["overrides"] = overrides
        return data


class EmploymentForm(forms.Form):
    once = OnceField()
    person = forms.ModelChoiceField(
        label=_("Peer supporter"), queryset=Person.objects.none(), to_field_name="code"
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), to_field_name="code"
    )
    fte_percent = forms.TypedChoiceField(
        label=_("Service degree"), choices=FTE_CHOICES, coerce=int, initial=50
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends (if fixed-term)"), widget=DATE, required=False)
    readiness_override = forms.CharField(
        label=_("If the unit is not ready: why place anyway?"),
        required=False,
        max_length=500,
        validators=[no_personal_data],
    )

    def __init__(self, *args, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["unit"].queryset = units


class EndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("Reason"), choices=EndReason.choices)


class FteChangeForm(forms.Form):
    fte_percent = forms.TypedChoiceField(
        label=_("New service degree"), choices=FTE_CHOICES, coerce=int
    )
    effective_on = forms.DateField(label=_("From"), widget=DATE)


class SickLeaveForm(forms.Form):
    once = OnceField()
    starts_on = forms.DateField(label=_("Sick leave from"), widget=DATE)
    ends_on = forms.DateField(label=_("to (if known)"), widget=DATE, required=False)
