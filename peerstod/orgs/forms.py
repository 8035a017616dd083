from django import forms
from django.utils.translation import gettext_lazy as _

from peerstod.orgs.models import Agreement, Organisation, Unit


class UnitForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="code"
    )

    class Meta:
        model = Unit
        fields = ["organisation", "name", "kind", "place", "staff_count", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if self.instance.pk:
            del self.fields["organisation"]
        elif organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class AgreementForm(forms.ModelForm):
    network = forms.ModelChoiceField(
        label=_("Network"), queryset=Organisation.objects.none(), to_field_name="code"
    )
    principal = forms.ModelChoiceField(
        label=_("Principal organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
    )

    class Meta:
        model = Agreement
        fields = ["network", "principal", "starts_on", "ends_on", "note"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, networks, principals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["principal"].queryset = principals
        if networks.count() == 1:
            self.fields["network"].initial = networks.first()
