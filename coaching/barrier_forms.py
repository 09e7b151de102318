"""The form that flags a systemic barrier from a case (issue 23): a category and an optional
anonymous note, checked for the person's name and references before anything is stored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.forms import KernFormMixin

from .barrier_services import barrier_note_problem
from .models import BarrierCategory


class BarrierForm(KernFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Art der Hürde"), choices=[("", "—"), *BarrierCategory.choices])
    note = forms.CharField(
        label=_("Anmerkung (optional, anonym)"),
        help_text=_(
            "Ohne Namen, Nummern oder Daten: die Hürde wird ohne Bezug zur Person und zum Fall "
            "gespeichert und nur gezählt."
        ),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.style_widgets()

    def clean_note(self) -> str:
        note = " ".join((self.cleaned_data.get("note") or "").split())
        problem = barrier_note_problem(note=note, case=self.case)
        if problem:
            raise forms.ValidationError(problem)
        return note
