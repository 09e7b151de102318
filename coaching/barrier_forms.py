"""The form that flags a systemic barrier from a case (issue 23): a category and an optional
anonymous note, checked for the person's name and references before anything is stored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inputs import dates
from organisations.forms import KernFormMixin

from .barrier_services import barrier_note_problem
from .models import BarrierCategory, RoundKind


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


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=_("Name der Runde"), max_length=200)
    kind = forms.ChoiceField(label=_("Art der Runde"), choices=RoundKind.choices)
    members = forms.ModelMultipleChoiceField(
        label=_("Mitglieder (Partnerorganisationen)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    next_date = dates.DateField(
        label=_("nächster Termin"), required=False, widget=DATE, window=dates.APPOINTMENT
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = organisations
        self.style_widgets()


class RoundActionForm(KernFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Beschluss und Maßnahme"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label=_("verantwortlich"), queryset=None)
    deadline = dates.DateField(label=_("Frist"), widget=DATE, window=dates.APPOINTMENT)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.style_widgets()


class RoundHeldForm(KernFormMixin, forms.Form):
    held_on = dates.DateField(label=_("Die Runde hat getagt am"), widget=DATE, window=dates.APPOINTMENT)
    next_date = dates.DateField(
        label=_("nächster Termin"), required=False, widget=DATE, window=dates.APPOINTMENT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
