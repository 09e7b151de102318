"""The form that reports an incident of discrimination (issue 15 §3), for candidates in their own
language, case staff and volunteers; and the counselling service's answer to a referral."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inputs import dates
from organisations.forms import KernFormMixin

from .models import DiscriminationGround, DiscriminationReferral, DiscriminationSetting

# An incident of the last five years, not in the future (an approximate date is enough).
INCIDENT = dates.DateWindow(years_back=5, years_ahead=0)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DiscriminationReportForm(KernFormMixin, forms.Form):
    setting = forms.ChoiceField(
        label=_("Wo ist es passiert?"), choices=[("", "—"), *DiscriminationSetting.choices]
    )
    occurred_on = dates.DateField(
        label=_("Ungefähr wann?"),
        help_text=_("Ein ungefähres Datum genügt; gespeichert wird nur der Monat."),
        widget=DATE,
        window=INCIDENT,
    )
    description = forms.CharField(
        label=_("Was ist passiert?"),
        help_text=_("In Ihren eigenen Worten, in Ihrer Sprache."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )
    ground = forms.ChoiceField(
        label=_("Warum, glauben Sie, wurden Sie benachteiligt?"),
        choices=[("", _("möchte ich nicht sagen")), *DiscriminationGround.choices],
        required=False,
    )
    business = forms.ModelChoiceField(
        label=_("Welcher Betrieb?"),
        help_text=_("Nur wenn es bei einem Betrieb war. Der Betrieb sieht Ihre Meldung nie."),
        queryset=None,
        required=False,
    )
    anonymous = forms.BooleanField(
        label=_("Ich möchte anonym bleiben."),
        help_text=_(
            "Dann wird nichts gespeichert, das zu Ihnen führt: kein Name, kein Konto, nur der Monat. "
            "Auch Sie können die Meldung danach nicht mehr ansehen."
        ),
        required=False,
    )
    refer_to = forms.ModelChoiceField(
        label=_("An eine Antidiskriminierungsberatung weitergeben?"),
        help_text=_("Die Beratungsstelle kann Sie beraten und unterstützen, kostenlos und vertraulich."),
        queryset=None,
        required=False,
        empty_label=_("nein, nicht weitergeben"),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Meldung (wo, wann, was geschah, der Betrieb) und meine "
            "Kontaktangabe an die gewählte Beratungsstelle gehen."
        ),
        required=False,
    )
    contact = forms.CharField(
        label=_("Wie kann die Beratungsstelle Sie erreichen?"),
        help_text=_("Zum Beispiel Telefon oder E-Mail. Leer lassen, wenn sie Sie nicht erreichen soll."),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, businesses, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = businesses
        self.fields["refer_to"].queryset = services
        if not services.exists():
            for name in ("refer_to", "consent", "contact"):
                del self.fields[name]
        self.style_widgets()

    def clean(self):
        data = super().clean()
        if data.get("refer_to") is not None and not data.get("consent"):
            self.add_error(
                "consent", _("Ohne Ihre Einwilligung geben wir die Meldung nicht weiter. Bitte ankreuzen.")
            )
        if data.get("refer_to") is None:
            data["consent"], data["contact"] = False, ""
        return data


class ReferralAnswerForm(forms.Form):
    status = forms.ChoiceField(choices=DiscriminationReferral.Status.choices)
