from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from peerstod.core import dates
from peerstod.core.idempotency import OnceField
from peerstod.core.widgets import Checkboxes
from peerstod.outcomes.imports import parse_month
from peerstod.outcomes.models import FIRST_MONTH, Measure


class MonthField(forms.CharField):
    """A month, YYYY-MM, within the platform's years (core.dates); with `past_only`
    (figures), from 1990-01 to this month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"})

    def __init__(self, *args, past_only: bool = False, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.past_only = past_only

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Write the month as YYYY-MM."))
        if self.past_only:
            if month < FIRST_MONTH:
                raise forms.ValidationError(
                    _("Give a month from %(first)s to this month.")
                    % {"first": FIRST_MONTH.strftime("%Y-%m")}
                )
            if month > date.today().replace(day=1):
                raise forms.ValidationError(_("The month is in the future."))
        elif not dates.in_range(month):
            raise forms.ValidationError(
                _("Give a month from %(first)s to %(last)s.")
                % {"first": f"{dates.FIRST_YEAR}-01", "last": f"{dates.LAST_YEAR}-12"}
            )
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
    month = MonthField(label=_("Month"), past_only=True)

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
    once = OnceField()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    measure = forms.ChoiceField(label=_("Kind of value"), choices=Measure.choices)
    once = OnceField()


class AnalysisForm(forms.Form):
    units = forms.MultipleChoiceField(label=_("Units with peer support"), widget=Checkboxes)
    indicator = forms.ChoiceField(label=_("Indicator"))
    comparison = forms.MultipleChoiceField(
        label=_("Comparison units"), widget=Checkboxes, required=False
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
