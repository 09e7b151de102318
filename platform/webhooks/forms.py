from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import WebhookOrganisation


class SubscriptionForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    # A CharField, not a URLField: the address rules (webhooks.addresses) give the clearer message.
    url = forms.CharField(
        label=_("Adresse (URL)"),
        max_length=500,
        help_text=_(
            "Die Adresse Ihres Systems, an die Lotse die Ereignisse sendet; sie beginnt mit https://."
        ),
    )
    events = forms.MultipleChoiceField(label=_("Ereignisse"), widget=forms.CheckboxSelectMultiple, choices=[])

    def __init__(self, *args, organisations: list[WebhookOrganisation], **kwargs) -> None:
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
            for event in entry.events:
                seen[event.name] = f"{event.name} – {event.label}"
        self.fields["events"].choices = list(seen.items())

    def clean(self):
        data = super().clean()
        entry = self.organisations.get(data.get("organisation"))
        allowed = {event.name for event in entry.events} if entry else set()
        if entry and any(name not in allowed for name in data.get("events", [])):
            self.add_error("events", _("Dieses Ereignis gibt es für diese Organisation nicht."))
        return data
