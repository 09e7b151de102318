from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from inputs import dates

from .models import Municipality, Organisation, OrganisationKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
postcode_validator = RegexValidator(r"^\d{5}$", _("Bitte eine fünfstellige Postleitzahl angeben."))


class KernFormMixin:
    """Give widgets the KERN UX classes, so forms look right without per-template markup."""

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "kern-form-check__input"
            elif isinstance(widget, forms.Select):
                css = "kern-form-input__select"
            else:
                css = "kern-form-input__input"
            widget.attrs.setdefault("class", css)


class OrganisationForm(KernFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "street", "postcode", "city", "email", "phone"]

    def __init__(self, *args, municipalities: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        if len(municipalities) > 1:
            # Only a coordinator of several municipalities has to choose; most coordinate one.
            self.fields = {
                "municipality": forms.ModelChoiceField(
                    queryset=Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
                    label=_("Kommune"),
                ),
                **self.fields,
            }
        self.fields["kind"].choices = [("", "---------"), *OrganisationKind.choices]
        self.fields["postcode"].validators.append(postcode_validator)
        self.style_widgets()

    def chosen_municipality(self) -> Municipality:
        return self.cleaned_data.get("municipality") or self.municipalities[0]

    def validate_unique(self):
        # Uniqueness of the name is checked (case-insensitively) by the service.
        pass


class MembershipInviteForm(KernFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"), max_length=254)
    role = forms.ChoiceField(label=_("Rolle"))
    is_lead = forms.BooleanField(label=_("Leitung"), required=False)

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.style_widgets()


class AuditFilterForm(KernFormMixin, forms.Form):
    """The coordinator's search in the audit log: a person, a period, an action."""

    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Name, Referenz oder Geburtsdatum der Person – oder die E-Mail-Adresse der Fachkraft."),
    )
    since = dates.DateField(label=_("von"), required=False, widget=_DATE, window=dates.PAST)
    until = dates.DateField(label=_("bis"), required=False, widget=_DATE, window=dates.PAST)
    action = forms.ChoiceField(label=_("Aktion"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from privacy.models import AuditEntry

        self.fields["action"].choices = [("", _("alle")), *AuditEntry.Action.choices]
        self.style_widgets()

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("„bis“ liegt vor „von“."))
        return data
