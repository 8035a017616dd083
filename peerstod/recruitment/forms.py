from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.accounts.models import User
from peerstod.core.idempotency import OnceField
from peerstod.core.widgets import Checkboxes
from peerstod.orgs.models import Organisation
from peerstod.people.models import Person
from peerstod.recruitment.models import (
    Application,
    ApplicationNote,
    Call,
    Cohort,
    DiscontinuedReason,
    NotAdmittedReason,
    Step,
    TrainingSession,
)

FTE_CHOICES = [(25, "25 %"), (50, "50 %"), (75, "75 %"), (100, "100 %")]
DATE = forms.DateInput(attrs={"type": "date"})


class CallForm(forms.ModelForm):
    once = OnceField()
    principal = forms.ModelChoiceField(
        label=_("Region or municipality"),
        queryset=Organisation.objects.exclude(kind="network").order_by("name"),
        to_field_name="code",
    )

    class Meta:
        model = Call
        fields = [
            "principal",
            "title",
            "description",
            "opens_on",
            "closes_on",
            "places",
            "retention_months",
        ]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "description": forms.Textarea(attrs={"rows": 8}),
        }


class ApplicationForm(forms.ModelForm):
    """The public application form. Contact fields reuse the Person model's validation."""

    full_name = Person._meta.get_field("full_name").formfield(label=_("Your name"))
    email = Person._meta.get_field("email").formfield(label=_("Your e-mail address"))
    phone = Person._meta.get_field("phone").formfield(label=_("Your phone number (voluntary)"))
    fte_min = forms.TypedChoiceField(
        label=_("Lowest service degree you want"), choices=FTE_CHOICES, coerce=int, initial=50
    )
    fte_max = forms.TypedChoiceField(
        label=_("Highest service degree you can work"),
        choices=FTE_CHOICES,
        coerce=int,
        initial=100,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Where can you work?"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        widget=Checkboxes,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the peer-support network handles what I write here, including "
            "what I tell about my own health, to assess my application."
        ),
        required=True,
        error_messages={
            "required": _(
                "We need your consent to handle what you tell us about your health, "
                "or we cannot take your application."
            )
        },
    )

    # The name and phone are kept on the application as written, never edited later, so
    # the model fields are not editable; the form declares them and keeps this order.
    field_order = [
        "full_name",
        "email",
        "phone",
        "motivation",
        "lived_experience",
        "availability",
        "fte_min",
        "fte_max",
        "areas",
        "consent",
    ]

    class Meta:
        model = Application
        fields = [
            "motivation",
            "lived_experience",
            "availability",
            "fte_min",
            "fte_max",
            "areas",
            "consent",
        ]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 6}),
            "lived_experience": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "lived_experience": _(
                "A few lines about your own experience of mental illness and recovery, if "
                "you want to. Only the network's recruitment team reads it."
            ),
            "availability": _("For example: weekdays, daytime."),
        }

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        below = Organisation.objects.filter(parent=call.principal)
        self.fields["areas"].queryset = (
            Organisation.objects.filter(pk=call.principal_id) | below
        ).order_by("parent_id", "name")

    def clean(self):
        data = super().clean()
        if data.get("fte_min") and data.get("fte_max") and data["fte_min"] > data["fte_max"]:
            self.add_error("fte_max", _("The highest service degree cannot be below the lowest."))
        return data


class AdvanceForm(forms.Form):
    step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "–"), *NotAdmittedReason.choices], required=False
    )
    interview_at = forms.DateTimeField(
        label=_("Interview date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cohorts is not None:
            self.fields["cohort"].queryset = cohorts


class NoteForm(forms.ModelForm):
    once = OnceField()

    class Meta:
        model = ApplicationNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("New note")}


class CohortForm(forms.ModelForm):
    once = OnceField()
    principal = forms.ModelChoiceField(
        label=_("For region or municipality"),
        queryset=Organisation.objects.exclude(kind="network").order_by("name"),
        to_field_name="code",
        required=False,
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"),
        queryset=User.objects.none(),
        required=False,
        widget=Checkboxes,
    )

    class Meta:
        model = Cohort
        fields = [
            "kind",
            "name",
            "principal",
            "starts_on",
            "ends_on",
            "min_attendance_percent",
            "trainers",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, trainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = trainers


class SessionForm(forms.ModelForm):
    once = OnceField()

    class Meta:
        model = TrainingSession
        fields = ["day", "topic", "place"]
        widgets = {"day": DATE}


class DiscontinueForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DiscontinuedReason.choices)
