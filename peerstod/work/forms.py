from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.orgs.models import Unit
from peerstod.work.models import ActivityEntry, ScheduleItem

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})


class EntryForm(forms.ModelForm):
    class Meta:
        model = ActivityEntry
        fields = ["day", "category", "format", "minutes", "participants", "note"]
        widgets = {"day": DATE}


class ScheduleItemForm(forms.ModelForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), to_field_name="code"
    )

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
        validators=ScheduleItem._meta.get_field("title").validators,
    )
