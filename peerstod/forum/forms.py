from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.core.idempotency import OnceField
from peerstod.core.widgets import Checkboxes
from peerstod.forum.models import (
    Addendum,
    AgendaItem,
    Forum,
    Guest,
    Meeting,
    Status,
    Suggestion,
    Topic,
)

TOPICS = [c for c in Topic.choices if c[0] != Topic.ANSWER]


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = ["weekday", "starts_at", "ends_at", "place"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "weekday": forms.Select(
                choices=[
                    (0, _("Monday")),
                    (1, _("Tuesday")),
                    (2, _("Wednesday")),
                    (3, _("Thursday")),
                    (4, _("Friday")),
                ]
            ),
        }


class MeetingForm(forms.ModelForm):
    guests = forms.MultipleChoiceField(
        label=_("Guests"),
        choices=Guest.choices,
        required=False,
        widget=Checkboxes,
    )

    class Meta:
        model = Meeting
        fields = ["patients_present", "guests", "minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8})}


class AgendaForm(forms.ModelForm):
    topic = forms.ChoiceField(label=_("Topic"), choices=TOPICS)
    once = OnceField()

    class Meta:
        model = AgendaItem
        fields = ["topic", "text"]


class SuggestionForm(forms.ModelForm):
    topic = forms.ChoiceField(label=_("Topic"), choices=TOPICS)
    once = OnceField()

    class Meta:
        model = Suggestion
        fields = ["topic", "text"]
        # A text area: Enter in it is a new line, not the page's first button.
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class AddendumForm(forms.ModelForm):
    once = OnceField()

    class Meta:
        model = Addendum
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (Status.ACCEPTED, Status.ACCEPTED.label),
            (Status.DECLINED, Status.DECLINED.label),
            (Status.NEEDS_INFO, Status.NEEDS_INFO.label),
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
            (Status.DONE, Status.DONE.label),
        ],
    )
    answer = Suggestion._meta.get_field("answer").formfield(
        label=_("What you answer, in plain Swedish"), widget=forms.Textarea(attrs={"rows": 3})
    )


class BoxForm(forms.Form):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=TOPICS)
    text = Suggestion._meta.get_field("text").formfield(
        label=_("Your suggestion"), widget=forms.Textarea(attrs={"rows": 4})
    )
    once = OnceField()
