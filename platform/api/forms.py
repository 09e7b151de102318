from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import TokenOrganisation


class TokenForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür das Token ist, zum Beispiel „Bewerbermanagement“."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Berechtigungen"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, organisations: list[TokenOrganisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {entry.organisation.pk: entry for entry in organisations}
        self.fields["organisation"].choices = [
            (entry.organisation.pk, entry.organisation.name) for entry in organisations
        ]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].organisation.pk
            self.fields["organisation"].widget = forms.HiddenInput()
        seen: dict[str, str] = {}
        for entry in organisations:
            for scope in entry.scopes:
                seen[scope.name] = f"{scope.name} – {scope.label}"
        self.fields["scopes"].choices = list(seen.items())

    def clean(self):
        data = super().clean()
        entry = self.organisations.get(data.get("organisation"))
        allowed = {scope.name for scope in entry.scopes} if entry else set()
        if entry and any(scope not in allowed for scope in data.get("scopes", [])):
            self.add_error("scopes", _("Diese Berechtigung gibt es für diese Organisation nicht."))
        return data
