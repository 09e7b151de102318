"""The form of a practice template (issue 23 §4): kind, title, short description and the items, one
per line. What the service refuses (a name, an e-mail address, a telephone number, a case reference)
comes back as an error on its field; the input is kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.forms import KernFormMixin

from .models import PracticeKind, PracticeTemplate
from .practice_services import clean_items


class PracticeForm(KernFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=PracticeKind.choices)
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Kurzbeschreibung"),
        help_text=_("Wofür die Vorlage gedacht ist und wie sie sich bewährt hat."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.CharField(
        label=_("Punkte"),
        help_text=_(
            "Ein Punkt pro Zeile, in der Reihenfolge. Keine Namen, E-Mail-Adressen, Telefonnummern "
            "oder Fallnummern: die Vorlage kann mit anderen Kommunen geteilt werden."
        ),
        max_length=30000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_items(self) -> list[str]:
        return clean_items(self.cleaned_data.get("items", "").splitlines())


def initial_of(template: PracticeTemplate) -> dict:
    return {
        "kind": template.kind,
        "title": template.title,
        "description": template.description,
        "items": "\n".join(template.items),
    }
