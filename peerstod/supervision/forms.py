from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.core.idempotency import OnceField
from peerstod.core.widgets import Checkboxes
from peerstod.people.models import Person
from peerstod.supervision.models import (
    Attendee,
    MeetingKind,
    NetworkMeeting,
    Request,
    Session,
    SessionKind,
    SessionMode,
)
from peerstod.supervision.questions import QUESTIONS, SCALE

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})
DATE = forms.DateInput(attrs={"type": "date"})


class BookForm(forms.Form):
    once = OnceField()
    participants = forms.ModelMultipleChoiceField(
        label=_("With"),
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=Checkboxes,
    )
    kind = forms.ChoiceField(label=_("Individual or group"), choices=SessionKind.choices)
    mode = forms.ChoiceField(label=_("Planned or when needed"), choices=SessionMode.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people


class RecordForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            ("held", _("The session was held")),
            ("cancelled", _("The session was cancelled")),
        ],
    )
    notes = Session._meta.get_field("notes").formfield(widget=forms.Textarea(attrs={"rows": 5}))


class RequestForm(forms.ModelForm):
    once = OnceField()

    class Meta:
        model = Request
        fields = ["message"]


class SelfAssessmentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, text in QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=text, choices=SCALE, coerce=int, widget=forms.RadioSelect
            )


class CheckInForm(forms.Form):
    once = OnceField()
    person = forms.ModelChoiceField(
        label=_("Peer supporter"), queryset=Person.objects.none(), to_field_name="code"
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    attendees = forms.MultipleChoiceField(
        label=_("Who took part"), choices=Attendee.choices, widget=Checkboxes
    )
    action_1 = forms.CharField(label=_("Agreed action"), required=False, max_length=300)
    due_1 = forms.DateField(label=_("Due"), required=False, widget=DATE)
    action_2 = forms.CharField(label=_("Agreed action"), required=False, max_length=300)
    due_2 = forms.DateField(label=_("Due"), required=False, widget=DATE)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        for n in (1, 2):
            if data.get(f"action_{n}") and not data.get(f"due_{n}"):
                self.add_error(f"due_{n}", _("Give a due date for the action."))
        return data


class MeetingForm(forms.ModelForm):
    once = OnceField()
    invited = forms.ModelMultipleChoiceField(
        label=_("Invite"),
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=Checkboxes,
        required=False,
    )

    class Meta:
        model = NetworkMeeting
        fields = ["kind", "title", "starts_at", "place", "invited"]
        widgets = {"starts_at": DATETIME}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = people
        self.fields["kind"].initial = MeetingKind.NETWORK
