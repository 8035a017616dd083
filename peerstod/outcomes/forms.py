from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from peerstod.outcomes.imports import parse_month
from peerstod.outcomes.models import Measure


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Write the month as YYYY-MM."))
        return month


def unit_choices(units) -> list[tuple[str, str]]:
    return [(u.code, u.name) for u in units]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_("One row per unit and month; columns enhet, månad and one per indicator."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OUTCOMES_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB. Split it by year or by unit.")
                % {"mb": limit // 1_000_000}
            )
        return upload


class ValuesForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    month = MonthField(label=_("Month"))

    def __init__(self, *args, units, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"i_{indicator.pk}"] = forms.DecimalField(
                label=str(indicator),
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=0 if indicator.measure != Measure.AVERAGE else 2,
                localize=True,
            )

    def values(self) -> dict:
        return {i: self.cleaned_data.get(f"i_{i.pk}") for i in self.indicators}


class PeriodForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    starts_on = MonthField(label=_("First month with peer support"))
    ends_on = MonthField(label=_("Last month (if it stopped)"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    measure = forms.ChoiceField(label=_("Kind of value"), choices=Measure.choices)


class AnalysisForm(forms.Form):
    units = forms.MultipleChoiceField(
        label=_("Units with peer support"), widget=forms.CheckboxSelectMultiple
    )
    indicator = forms.ChoiceField(label=_("Indicator"))
    comparison = forms.MultipleChoiceField(
        label=_("Comparison units"), widget=forms.CheckboxSelectMultiple, required=False
    )
    harmonics = forms.TypedChoiceField(
        label=_("Seasonality"),
        coerce=int,
        choices=[(0, _("None")), (1, _("One harmonic")), (2, _("Two harmonics"))],
        initial=0,
        required=False,
    )
    slope_change = forms.BooleanField(
        label=_("Also estimate a change in the trend"), required=False
    )

    def __init__(self, *args, units, comparisons, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = unit_choices(units)
        self.fields["comparison"].choices = unit_choices(comparisons)
        self.fields["indicator"].choices = [(i.key, str(i)) for i in indicators if i.is_count]
