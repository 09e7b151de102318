"""The form of a cooperation agreement (issue 23): parties, purpose, the clause on exchanging data,
signing and review date. A review before the signing is a form error; the input is kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inputs import dates
from organisations.forms import KernFormMixin

from .agreement_services import review_problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(KernFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partnerorganisationen"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label=_("Zweck"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    data_exchange = forms.CharField(
        label=_("Regelung zum Datenaustausch"),
        help_text=_(
            "Welche Daten die Parteien austauschen dürfen, wofür und auf welcher Grundlage. Die "
            "Einwilligungsseiten nennen die unterzeichnete Vereinbarung bei der Organisation."
        ),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    signed_on = dates.DateField(
        label=_("unterzeichnet am"),
        help_text=_("Leer lassen, solange die Vereinbarung ein Entwurf ist."),
        required=False,
        widget=DATE,
        window=dates.ANY,
    )
    review_on = dates.DateField(
        label=_("zu überprüfen am"),
        help_text=_("Die Koordination wird 30 Tage vorher erinnert."),
        required=False,
        widget=DATE,
        window=dates.ANY,
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners
        self.style_widgets()

    def clean(self):
        data = super().clean()
        problem = review_problem(signed_on=data.get("signed_on"), review_on=data.get("review_on"))
        if problem:
            self.add_error("review_on", problem)
        return data


def initial_of(agreement) -> dict:
    return {
        "title": agreement.title,
        "partners": list(agreement.partners.all()),
        "purpose": agreement.purpose,
        "data_exchange": agreement.data_exchange,
        "signed_on": agreement.signed_on,
        "review_on": agreement.review_on,
    }
