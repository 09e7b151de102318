"""Forms of the public website (plain Django forms, rendered with includes/form_field.html)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Angle brackets have no business in a name; refusing them says so plainly instead of silently
# storing markup (everything is escaped on output anyway).
_MARKUP = re.compile(r"[<>]")
MAX_PEOPLE = 10


def _no_markup(value: str) -> str:
    if _MARKUP.search(value):
        raise ValidationError(
            _("Bitte ohne spitze Klammern (< >) eingeben – HTML oder Code ist hier nicht möglich.")
        )
    return value.strip()


class EventRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte eine gültige E-Mail-Adresse angeben, z. B. name@betrieb.de."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Betrieb oder Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    people = forms.IntegerField(
        label=_("Anzahl Personen"),
        min_value=1,
        max_value=MAX_PEOPLE,
        initial=1,
        error_messages={
            "min_value": _("Bitte mindestens eine Person anmelden."),
            "max_value": _("Bitte höchstens %(limit_value)s Personen auf einmal anmelden."),
            "invalid": _("Bitte eine ganze Zahl angeben."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Angaben zur Organisation der Veranstaltung gespeichert "
            "und an die Veranstalter*innen weitergegeben werden."
        ),
        error_messages={"required": _("Ohne Ihre Einwilligung können wir die Anmeldung nicht speichern.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, not at import: the help text must follow the visitor's language.
        self.fields["people"].help_text = _("Sie selbst eingeschlossen, höchstens %(max)s.") % {
            "max": MAX_PEOPLE
        }

    def clean_name(self) -> str:
        return _no_markup(self.cleaned_data["name"])

    def clean_organisation(self) -> str:
        return _no_markup(self.cleaned_data["organisation"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
