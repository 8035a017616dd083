"""core.widgets.Checkboxes gives exactly Django's CheckboxSelectMultiple markup."""

import pytest
from django import forms

from peerstod.core.widgets import Checkboxes

CHOICES = [
    ("a", "Anna <script>alert(1)</script>"),
    ("b&c", 'Bo "Boss" & co'),
    ("=HYPERLINK(1)", "Cilla"),
]
GROUPED = [("Region Halland", CHOICES[:2]), ("Kommun", CHOICES[2:])]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "grouped", "empty"])
@pytest.mark.parametrize("value", [None, ["a"], ["a", "=HYPERLINK(1)"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_invited", "class": "boxes", "disabled": True}])
def test_the_markup_is_djangos_own(choices, value, attrs):
    django_widget = forms.CheckboxSelectMultiple(attrs=attrs, choices=choices)
    ours = Checkboxes(attrs=attrs, choices=choices)
    assert ours.render("invited", value) == django_widget.render("invited", value)


def test_a_bound_form_field_renders_the_same_with_errors_and_the_chosen_boxes():
    class Django(forms.Form):
        invited = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)

    class Ours(forms.Form):
        invited = forms.MultipleChoiceField(choices=CHOICES, widget=Checkboxes)

    data = {"invited": ["b&c", "nobody"]}
    assert str(Ours(data)["invited"]) == str(Django(data)["invited"])
    assert "checked" in str(Ours({"invited": ["a"]})["invited"])
