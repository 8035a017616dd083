from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.core.idempotency import OnceField
from peerstod.core.privacy import no_personal_data
from peerstod.orgs.models import Organisation, Unit
from peerstod.people.models import Person
from peerstod.placement.models import (
    Duty,
    EndReason,
    MatchingEvent,
    Position,
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
        widget=forms.CheckboxSelectMultiple,
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
        widget=forms.CheckboxSelectMultiple,
    )
    positions = forms.ModelMultipleChoiceField(
        label=_("Positions invited"),
        queryset=Position.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
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


class ConfirmForm(forms.Form):
    starts_on = forms.DateField(label=_("Employments start"), widget=DATE)
    readiness_override = forms.CharField(
        label=_("If a unit is not ready: why place anyway?"),
        required=False,
        max_length=500,
        validators=[no_personal_data],
    )


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
