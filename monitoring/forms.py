"""Filter and settings forms: clear messages, never a 500 for tampered input."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import LegalCircle
from inputs import dates
from inputs.forms import model_choices

from .models import MonitoringSettings
from .selectors import Filters, default_filters

KERN_INPUT = {"class": "kern-form-input__input"}
KERN_SELECT = {"class": "kern-form-input__select"}
EARLIEST = datetime.date(2000, 1, 1)


class OrganisationChoice(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "Diese Organisation gibt es in Ihrer Kommune nicht (oder Sie dürfen sie nicht "
            "auswählen). Bitte wählen Sie eine aus der Liste."
        ),
    }

    def label_from_instance(self, obj) -> str:
        return obj.name


class DashboardFilterForm(forms.Form):
    start = dates.DateField(
        label=_("Zeitraum von"),
        required=False,
        widget=forms.DateInput(attrs={**KERN_INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte ein Datum angeben, z. B. 01.01.2026.")},
    )
    end = dates.DateField(
        label=_("Zeitraum bis"),
        required=False,
        widget=forms.DateInput(attrs={**KERN_INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte ein Datum angeben, z. B. 31.12.2026.")},
    )
    organisation = OrganisationChoice(
        label=_("zuständige Organisation"),
        required=False,
        queryset=None,
        empty_label=_("alle Organisationen"),
        widget=forms.Select(attrs=KERN_SELECT),
    )
    legal_circle = forms.ChoiceField(
        label=_("Rechtskreis"),
        required=False,
        choices=[("", _("alle Rechtskreise")), *LegalCircle.choices],
        widget=forms.Select(attrs=KERN_SELECT),
        error_messages={
            "invalid_choice": _("Diesen Rechtskreis gibt es nicht. Bitte wählen Sie einen aus der Liste.")
        },
    )

    def __init__(self, *args, organisations, shown: list | None = None, **kwargs) -> None:
        """``organisations`` validates the choice sent; ``shown`` (the same organisations, read:
        ``selectors.filter_organisation_rows``) are the choices drawn, read once for both."""
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        if shown is None:  # a form that is not drawn (export, compare): whether there are any
            if not organisations.exists():
                del self.fields["organisation"]
            return
        if not shown:
            del self.fields["organisation"]
            return
        field.widget.choices = model_choices(field, shown)

    def clean(self):
        data = super().clean()
        defaults = default_filters()
        start, end = data.get("start") or defaults.start, data.get("end") or defaults.end
        if "start" in self.errors or "end" in self.errors:
            return data
        if end < start:
            self.add_error(
                "end",
                _("Der Zeitraum endet vor seinem Beginn. Bitte ein Enddatum nach dem %(start)s wählen.")
                % {"start": start.strftime("%d.%m.%Y")},
            )
        if start < EARLIEST:
            self.add_error("start", _("Bitte ein Datum ab dem 01.01.2000 wählen."))
        if (end - start).days > 366 * 10:
            self.add_error("end", _("Bitte einen Zeitraum von höchstens zehn Jahren wählen."))
        return data

    def filters(self) -> Filters:
        """The filters of a valid form; the defaults (this year) for an invalid one."""
        defaults = default_filters()
        if not self.is_valid():
            return defaults
        data = self.cleaned_data
        organisation = data.get("organisation")
        return Filters(
            start=data.get("start") or defaults.start,
            end=data.get("end") or defaults.end,
            organisation_id=organisation.pk if organisation else None,
            legal_circle=data.get("legal_circle") or "",
        )


class ReportForm(forms.Form):
    year = forms.IntegerField(
        label=_("Berichtsjahr"),
        min_value=2000,
        max_value=2100,
        required=False,
        widget=forms.NumberInput(attrs=KERN_INPUT),
        error_messages={
            "invalid": _("Bitte ein Jahr angeben, z. B. 2026."),
            "min_value": _("Bitte ein Jahr ab 2000 angeben."),
            "max_value": _("Bitte ein Jahr bis 2100 angeben."),
        },
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MonitoringSettings
        fields = ["comparison_opt_in", "target_cases_per_case_manager", "target_cases_per_coach"]
        widgets = {
            "comparison_opt_in": forms.CheckboxInput(attrs={"class": "kern-form-check__checkbox"}),
            "target_cases_per_case_manager": forms.NumberInput(attrs=KERN_INPUT),
            "target_cases_per_coach": forms.NumberInput(attrs=KERN_INPUT),
        }
