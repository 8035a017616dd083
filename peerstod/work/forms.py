from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.core.idempotency import OnceField
from peerstod.core.privacy import no_personal_data
from peerstod.orgs.models import Unit
from peerstod.work.models import ActivityEntry, ScheduleItem

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})


WHOLE_NUMBERS = _("Minutes and participants are whole numbers.")


class LogForm(forms.Form):
    """The three taps: the kind (from the page), how many took part, how long (the
    button pressed). The one-time key makes a double tap log the work once."""

    unit = forms.CharField(max_length=20, required=False)
    participants = forms.IntegerField(required=False, error_messages={"invalid": WHOLE_NUMBERS})
    minutes = forms.IntegerField(
        error_messages={"invalid": WHOLE_NUMBERS, "required": _("Tap how long it took.")}
    )
    note = forms.CharField(required=False, strip=True)
    once = OnceField()


class EntryForm(forms.ModelForm):
    class Meta:
        model = ActivityEntry
        fields = ["day", "category", "format", "minutes", "participants", "note"]
        widgets = {"day": DATE}


class ScheduleItemForm(forms.ModelForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), to_field_name="code"
    )
    once = OnceField()

    class Meta:
        model = ScheduleItem
        fields = [
            "unit",
            "weekday",
            "starts_at",
            "ends_at",
            "title",
            "place",
            "category",
            "open_to_all",
            "valid_from",
        ]
        widgets = {"starts_at": TIME, "ends_at": TIME, "valid_from": DATE}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()


class CancelForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    moved_to = forms.DateTimeField(
        label=_("Moved to (leave empty to cancel)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(
        label=_("Note on the poster"),
        required=False,
        max_length=200,
        validators=[no_personal_data],
    )
