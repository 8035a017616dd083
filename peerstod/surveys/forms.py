from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.core.idempotency import OnceField
from peerstod.core.widgets import Checkboxes
from peerstod.surveys.instrument import MAX_SOURCE_BYTES
from peerstod.surveys.instrument import Instrument as Definition
from peerstod.surveys.models import Channel, Round

MAX_UPLOAD = MAX_SOURCE_BYTES


class InstrumentImportForm(forms.Form):
    once = OnceField()
    file = forms.FileField(
        label=_("Instrument file (YAML)"),
        help_text=_("At most 200 kB. See the shipped instruments for the format."),
    )
    rights_confirmed = forms.BooleanField(
        label=_(
            "My organisation has the right to use this instrument (permission or licence "
            "where one is needed)."
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 200 kB."))
        return upload


class RoundForm(forms.ModelForm):
    once = OnceField()
    channels = forms.MultipleChoiceField(
        label=_("Ways to answer"),
        choices=Channel.choices,
        widget=Checkboxes,
    )

    class Meta:
        model = Round
        fields = ["title", "instrument", "audience", "number", "opens_on", "closes_on", "units"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "units": Checkboxes,
        }
        help_texts = {
            "number": _("1 before the start, 2 after six months, 3 after twelve, and so on."),
        }

    def __init__(self, *args, instruments, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["units"].queryset = units


class UnitForm(forms.Form):
    """A form that names one of a round's units by its code; `cleaned_data["unit"]` is
    the unit itself."""

    unit = forms.ChoiceField(
        label=_("Unit"), error_messages={"invalid_choice": _("Choose one of the round's units.")}
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        self.fields["unit"].choices = [(u.code, u.name) for u in units]

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]

    def error_text(self) -> str:
        """The form's errors in one line, for a message above the page."""
        return " ".join(e for errors in self.errors.values() for e in errors)


class SlipsForm(UnitForm):
    """`confirm_address`: the page was reached at another host than the site's address
    (SITE_URL), so the address printed on the slips must be confirmed before they are
    made: their codes are kept only hashed, and a wrong print run cannot be repeated."""

    once = OnceField()
    count = forms.IntegerField(
        label=_("Number of slips"),
        min_value=1,
        max_value=500,
        initial=20,
        help_text=_(
            "Up to 30 slips are downloaded at once. More are made in the background: a "
            "page shows how far it has come, and you get a notice when the file is ready."
        ),
    )

    field_order = ["once", "unit", "count"]

    def __init__(self, *args, confirm_address: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirm_address:
            self.fields["address_confirmed"] = forms.BooleanField(
                label=_(
                    "I have checked the address above: it is the one patients will use, "
                    "on their own phones too."
                ),
                error_messages={
                    "required": _(
                        "Check the address the slips lead to, and tick the box to confirm "
                        "it, before the slips are made."
                    )
                },
            )


class InvitedForm(UnitForm):
    channel = forms.ChoiceField(
        label=_("Way to answer"),
        choices=[(c, label) for c, label in Channel.choices if c != Channel.SLIP],
    )
    invited = forms.IntegerField(label=_("Number invited"), min_value=0, max_value=100_000)


class KioskForm(UnitForm):
    """Start a kiosk for one of the units the user sees (posted without a prefix)."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your slip"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


def item_field(key: str) -> str:
    return f"q_{key}"


def important_field(key: str) -> str:
    return f"i_{key}"


class AnswerForm(forms.Form):
    """The questions of one instrument version in one language. Every question may be
    skipped; the service checks the answers again against the scale."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, definition: Definition, audience: str, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.audience = audience
        self.items = definition.items_for(audience)
        for item in self.items:
            label = item.text_for(audience, language)
            if item.scale is None:
                self.fields[item_field(item.key)] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
                continue
            scale = item.scale
            choices = list(zip(map(str, scale.values()), scale.labels[language], strict=True))
            choices += [(str(v), labels[language]) for v, labels in scale.excluded.items()]
            self.fields[item_field(item.key)] = forms.ChoiceField(
                label=label, required=False, choices=choices, widget=forms.RadioSelect
            )
            if item.importance:
                self.fields[important_field(item.key)] = forms.BooleanField(
                    label=_("This matters to me"), required=False
                )

    def rows(self):
        """(question field, importance field or None, is text) in order, for the template."""
        for item in self.items:
            field = self[item_field(item.key)]
            marker = self[important_field(item.key)] if item.importance else None
            yield field, marker, item.scale is None

    def add_service_errors(self, error) -> None:
        """A service's errors name questions by their key; put each at its field."""
        if hasattr(error, "error_dict"):
            for key, problems in error.error_dict.items():
                field = item_field(key)
                self.add_error(field if field in self.fields else None, problems)
        else:
            self.add_error(None, error)

    def payload(self) -> dict:
        data = self.cleaned_data
        answers, important, texts = {}, [], {}
        for item in self.items:
            value = data.get(item_field(item.key))
            if item.scale is None:
                texts[item.key] = value or ""
            else:
                answers[item.key] = value or None
                if item.importance and data.get(important_field(item.key)):
                    important.append(item.key)
        return {"answers": answers, "important": important, "texts": texts, "token": data["token"]}
