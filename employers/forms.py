"""Forms of the employers app: clear errors in German, the input always kept."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from candidates.forms import OneSubmissionMixin
from inputs import dates
from organisations.models import Municipality
from taxonomy.cefr import CEFR
from taxonomy.models import Occupation, OccupationSkill, Skill
from taxonomy.postcodes import coordinates, is_valid_postcode

from .models import (
    CompanySize,
    ContactChannel,
    ContactKind,
    ContractType,
    EmploymentEndReason,
    Introduction,
    PartnerLevel,
    Placement,
    PlacementKind,
    PlacementStatus,
    Sector,
)


def _postcode(value: str) -> str:
    value = (value or "").strip()
    if not is_valid_postcode(value):
        raise forms.ValidationError(
            _("Diese Postleitzahl gibt es nicht. Bitte fünf Ziffern einer deutschen PLZ.")
        )
    return value


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name des Betriebs"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.order_by("name"),
        help_text=_("Die Kommune, in der Ihr Betrieb Menschen sucht."),
    )
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200)
    postcode = forms.CharField(label=_("Postleitzahl"), max_length=5)
    city = forms.CharField(label=_("Ort"), max_length=120)
    sector = forms.ChoiceField(label=_("Branche"), choices=Sector.choices)
    size = forms.ChoiceField(
        label=_("Betriebsgröße"), choices=[("", "–"), *CompanySize.choices], required=False
    )
    contact_name = forms.CharField(label=_("Ansprechperson"), max_length=150)
    contact_email = forms.EmailField(label=_("E-Mail der Ansprechperson"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Telefon der Ansprechperson"), max_length=40, required=False)
    register_number = forms.CharField(
        label=_("Handelsregister- oder HWK-Nummer"),
        max_length=40,
        required=False,
        help_text=_(
            "Zum Beispiel HRB 12345 oder die Nummer in der Handwerksrolle. Das beschleunigt die Prüfung."
        ),
    )

    def clean_postcode(self) -> str:
        return _postcode(self.cleaned_data["postcode"])


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("verify", _("bestätigen")), ("reject", _("ablehnen"))])
    note = forms.CharField(label=_("Notiz"), max_length=200, required=False)


class PlacementForm(OneSubmissionMixin, forms.ModelForm):
    """The placement; the occupation comes as an ESCO URI from the autocomplete."""

    occupation_uri = forms.CharField(
        label=_("Beruf (ESCO)"),
        max_length=255,
        help_text=_("Tippen Sie die Berufsbezeichnung und wählen Sie einen Vorschlag."),
    )
    skill_ids = forms.TypedMultipleChoiceField(
        label=_("Kompetenzen"),
        required=False,
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Placement
        fields = [
            "title",
            "kind",
            "description",
            "min_german_spoken",
            "offers_language_support",
            "language_support_details",
            "postcode",
            "city",
            "hours_per_week",
            "start_date",
            "openings",
            "status",
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        formfield_callback = dates.formfield_callback  # the start date keeps a window

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PlacementKind.choices
        self.fields["min_german_spoken"].choices = [("", _("keine Vorgabe")), *CEFR.choices]
        self.fields["openings"] = forms.IntegerField(
            label=_("Anzahl Plätze"),
            min_value=1,
            max_value=999,
            error_messages={"min_value": _("Bitte mindestens einen Platz angeben.")},
        )
        self.fields["status"].choices = [
            (PlacementStatus.DRAFT, PlacementStatus.DRAFT.label),
            (PlacementStatus.OPEN, PlacementStatus.OPEN.label),
            (PlacementStatus.CLOSED, PlacementStatus.CLOSED.label),
        ]
        if self.instance.pk and self.instance.status == PlacementStatus.FILLED:
            self.fields["status"].choices.insert(2, (PlacementStatus.FILLED, PlacementStatus.FILLED.label))
        if self.instance.pk and not self.is_bound:
            self.initial["occupation_uri"] = self.instance.occupation.uri
        self.occupation = None
        self.suggestions: list[tuple[Skill, str]] = []
        uri = (
            self.data.get(self.add_prefix("occupation_uri"))
            if self.is_bound
            else self.initial.get("occupation_uri")
        )
        if uri:
            self.occupation = Occupation.objects.filter(uri=uri).first()
        if self.occupation is not None:
            from .services import suggested_skills

            self.suggestions = suggested_skills(occupation=self.occupation)
            self.fields["skill_ids"].choices = [(s.pk, s.label) for s, _rel in self.suggestions]
            if not self.is_bound:
                if self.instance.pk:
                    self.initial["skill_ids"] = list(self.instance.skills.values_list("skill_id", flat=True))
                else:
                    self.initial["skill_ids"] = [
                        s.pk for s, rel in self.suggestions if rel == OccupationSkill.Relation.ESSENTIAL
                    ]

    @property
    def occupation_text(self) -> str:
        """What the occupation box shows: the chosen occupation's label, or what was typed (kept
        when the form comes back with "please choose a suggestion")."""
        if self.occupation is not None:
            return self.occupation.label
        return (self.data.get("q") or "")[:200] if self.is_bound else ""

    def clean_occupation_uri(self) -> str:
        if self.occupation is None:
            raise forms.ValidationError(
                _("Diesen Beruf kennen wir nicht. Bitte wählen Sie einen Vorschlag aus der Liste.")
            )
        return self.cleaned_data["occupation_uri"]

    def clean_postcode(self) -> str:
        return _postcode(self.cleaned_data["postcode"])

    def clean_openings(self) -> int:
        openings = self.cleaned_data["openings"]
        if openings is None or openings < 1:
            raise forms.ValidationError(_("Bitte mindestens einen Platz angeben."))
        return openings

    def clean_start_date(self):
        start = self.cleaned_data.get("start_date")
        unchanged = self.instance.pk and start == self.instance.start_date
        if start and not unchanged and start < timezone.localdate():
            raise forms.ValidationError(_("Der Beginn darf nicht in der Vergangenheit liegen."))
        return start

    def clean(self):
        data = super().clean()
        if data.get("offers_language_support") and not (data.get("language_support_details") or "").strip():
            self.add_error(
                "language_support_details", _("Bitte kurz beschreiben, welche Sprachförderung Sie anbieten.")
            )
        return data

    def _post_clean(self):
        # The occupation is set from the URI before the model validates.
        if self.occupation is not None:
            self.instance.occupation = self.occupation
        super()._post_clean()

    def placement_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["occupation"] = self.occupation
        return data

    def chosen_skills(self) -> list[tuple[Skill, str]]:
        chosen = set(self.cleaned_data.get("skill_ids") or [])
        return [(skill, rel) for skill, rel in self.suggestions if skill.pk in chosen]


class SelectForm(forms.Form):
    placement = forms.TypedChoiceField(label=_("Für welche Stelle?"), coerce=int)
    note = forms.CharField(label=_("Notiz (intern)"), max_length=500, required=False)

    def __init__(self, *args, placements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].choices = [(p.pk, p.title) for p in placements]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", _("Ja, ich möchte mich vorstellen")), ("decline", _("Nein, danke"))],
        widget=forms.RadioSelect,
        label=_("Ihre Antwort"),
    )
    note = forms.CharField(
        label=_("Notiz oder Formular-Referenz (bei Antwort über die Fachkraft)"),
        max_length=100,
        required=False,
    )


class InterviewForm(forms.Form):
    interview_at = dates.DateTimeField(
        label=_("Termin des Vorstellungsgesprächs"),
        window=dates.APPOINTMENT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )
    interview_place = forms.CharField(
        label=_("Ort des Vorstellungsgesprächs"),
        help_text=_("Adresse, oder „Telefon“ bzw. „Video“ mit dem Link."),
        max_length=200,
    )


class OfferForm(forms.Form):
    note = forms.CharField(label=_("Notiz"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        # Ids of its own: the closing form's note sits on the same page (one label, one field).
        kwargs.setdefault("auto_id", "id_offer_%s")
        super().__init__(*args, **kwargs)


class HireForm(forms.Form):
    """The employer records the hire: start date, contract type, hours, and (preset to the team's)
    the job coach who follows the employment along.

    A date input sends and shows ISO dates only (``YYYY-MM-DD``): the value is rendered in that
    format whatever the page's language, and the window's bounds become min and max.
    """

    start_date = dates.DateField(
        label=_("Beginn der Beschäftigung"),
        help_text=_("Erster Arbeitstag, zum Beispiel 15.01.2027."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        window=dates.APPOINTMENT,
        error_messages={
            "required": _("Bitte den ersten Arbeitstag angeben."),
            "invalid": _("Bitte ein gültiges Datum angeben, zum Beispiel 15.01.2027."),
        },
    )
    contract_type = forms.ChoiceField(
        label=_("Vertragsart"),
        choices=[("", "–"), *ContractType.choices],
        error_messages={
            "required": _("Bitte eine Vertragsart auswählen."),
            "invalid_choice": _("Bitte eine Vertragsart auswählen."),
        },
    )
    hours_per_week = forms.IntegerField(
        label=_("Stunden pro Woche"),
        min_value=1,
        max_value=60,
        error_messages={
            "required": _("Bitte die Wochenstunden angeben."),
            "invalid": _("Bitte eine ganze Zahl von 1 bis 60 angeben."),
            "min_value": _("Bitte eine ganze Zahl von 1 bis 60 angeben."),
            "max_value": _("Bitte eine ganze Zahl von 1 bis 60 angeben."),
        },
    )
    job_coach = forms.TypedChoiceField(
        label=_("Jobcoach, der die Beschäftigung begleitet"),
        help_text=_("Vorausgewählt ist der Jobcoach des Teams der Person."),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, coaches=(), default_coach=None, placement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coaches = {user.pk: user for user in coaches}
        self.fields["job_coach"].choices = [("", _("– Jobcoach des Teams (Standard) –"))] + [
            (user.pk, str(user)) for user in coaches
        ]
        if not self.is_bound:
            today = timezone.localdate()
            start = placement.start_date if placement is not None else None
            earliest, latest = dates.APPOINTMENT.bounds(today)
            self.initial.setdefault(
                "start_date", start if start is not None and earliest <= start <= latest else None
            )
            if placement is not None and placement.hours_per_week:
                self.initial.setdefault("hours_per_week", placement.hours_per_week)
            if placement is not None and placement.kind in _CONTRACT_FOR_KIND:
                self.initial.setdefault("contract_type", _CONTRACT_FOR_KIND[placement.kind])
            if default_coach is not None:
                self.initial.setdefault("job_coach", default_coach.pk)
        earliest, latest = dates.APPOINTMENT.bounds()
        self.fields["start_date"].widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())

    def clean_job_coach(self):
        value = self.cleaned_data.get("job_coach")
        if value is None:
            return None
        if value not in self.coaches:
            raise forms.ValidationError(_("Bitte einen Jobcoach aus der Liste auswählen."))
        return self.coaches[value]


_CONTRACT_FOR_KIND = {
    PlacementKind.AUSBILDUNG: ContractType.APPRENTICESHIP,
    PlacementKind.PRAKTIKUM: ContractType.INTERNSHIP,
    PlacementKind.EQ: ContractType.EQ,
}


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Grund"),
        choices=[
            (r.value, r.label)
            for r in Introduction.CloseReason
            if r not in (Introduction.CloseReason.HIRED_ELSEWHERE, Introduction.CloseReason.PLACEMENT_FILLED)
        ],
    )
    note = forms.CharField(label=_("Notiz"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_close_%s")  # (as OfferForm: both notes on one page)
        super().__init__(*args, **kwargs)


class ShortlistForm(forms.Form):
    candidate = forms.CharField(max_length=11, widget=forms.HiddenInput)  # Candidate.public_ref
    note = forms.CharField(label=_("Notiz"), max_length=500, required=False)


def _radius_field() -> forms.IntegerField:
    """A distance in whole km, as the browse page asks for it (1 to 300)."""
    message = _("Bitte eine ganze Zahl von 1 bis 300 angeben.")
    return forms.IntegerField(
        label=_("Umkreis (km)"),
        required=False,
        min_value=1,
        max_value=300,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class MatchFilterForm(forms.Form):
    """The filter of a placement's matches (issue 16): distance, German, availability. It narrows the
    ranked list; scores and explanations stay as they are. Field names and labels as on the browse
    page, so both read the same."""

    radius = _radius_field()
    german = forms.ChoiceField(
        label=_("Deutsch mündlich mindestens"),
        required=False,
        choices=[("", _("egal")), *CEFR.choices],
        error_messages={"invalid_choice": _("Bitte ein Niveau von A1 bis C2 auswählen.")},
    )
    available_by = dates.DateField(
        label=_("verfügbar bis spätestens"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Bitte ein gültiges Datum angeben, zum Beispiel 15.01.2027.")},
    )

    def __init__(self, *args, placement: Placement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.placement = placement
        if placement.start_date:
            self.fields["available_by"].help_text = _("Beginn der Stelle: %(start)s") % {
                "start": date_format(placement.start_date, "SHORT_DATE_FORMAT")
            }

    def clean_radius(self) -> int | None:
        radius = self.cleaned_data.get("radius")
        if radius is not None and coordinates(self.placement.postcode) is None:
            raise forms.ValidationError(
                _(
                    "Für die Postleitzahl dieser Stelle kennen wir keinen Ort. "
                    "Nach Entfernung lässt sich nicht filtern."
                )
            )
        return radius

    def narrowing(self) -> dict[str, object]:
        """What the valid fields ask for (a field with an error narrows nothing; its error is shown)."""
        if not self.is_bound:
            return {"max_km": None, "min_german": None, "available_by": None}
        self.is_valid()
        data = self.cleaned_data
        return {
            "max_km": data.get("radius"),
            "min_german": data.get("german") or None,
            "available_by": data.get("available_by"),
        }


class JobsFilterForm(forms.Form):
    """The filter of "Stellen für mich" / "Passende Stellen": how far the person would travel."""

    radius = _radius_field()

    def __init__(self, *args, postcode: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.postcode = postcode

    def clean_radius(self) -> int | None:
        radius = self.cleaned_data.get("radius")
        if radius is not None and coordinates(self.postcode) is None:
            raise forms.ValidationError(
                _("Im Profil fehlt eine bekannte Postleitzahl. Nach Entfernung lässt sich nicht filtern.")
            )
        return radius

    def max_km(self) -> int | None:
        """The distance asked for, if it is valid (else the error is shown and nothing narrowed)."""
        return self.cleaned_data.get("radius") if self.is_bound and self.is_valid() else None


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name der Suche"), max_length=100)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)


class EmploymentEndForm(forms.Form):
    end_date = dates.DateField(
        label=_("Letzter Arbeitstag"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Bitte den letzten Arbeitstag angeben."),
            "invalid": _("Bitte ein gültiges Datum angeben, zum Beispiel 31.01.2026."),
        },
    )
    end_reason = forms.ChoiceField(
        label=_("Grund für das Ende"),
        choices=[("", "–"), *EmploymentEndReason.choices],
        error_messages={
            "required": _("Bitte einen Grund für das Ende auswählen."),
            "invalid_choice": _("Bitte einen Grund für das Ende auswählen."),
        },
    )


class ProposeForm(forms.Form):
    """The case manager proposes a person to a placement: only after recording that they agreed."""

    agreed = forms.BooleanField(
        label=_(
            "Die Person ist einverstanden, dass ihr anonymisiertes Profil diesem Betrieb vorgeschlagen "
            "wird und der Betrieb ihre Kontaktdaten erhält, wenn er den Vorschlag annimmt."
        ),
        error_messages={"required": _("Bitte bestätigen Sie, dass die Person einverstanden ist.")},
    )
    paper_form_reference = forms.CharField(
        label=_("Formular-Referenz"),
        max_length=100,
        required=False,
        help_text=_("Ablageort oder Nummer des unterschriebenen Papierformulars."),
    )


class ProposalDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Grund"),
        choices=[(r.value, r.label) for r in Introduction.PROPOSAL_DECLINE_REASONS],
    )
    note = forms.CharField(label=_("Notiz"), max_length=500, required=False)


# --- placements found by staff (issue 14) ---------------------------------------------------------


class AcquisitionBusinessForm(forms.Form):
    """The business a placement was found with. An existing record of that name is reused."""

    name = forms.CharField(
        label=_("Name des Betriebs"),
        max_length=200,
        help_text=_("Gibt es den Betrieb in Lotse schon, wird sein Eintrag verwendet."),
    )
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postleitzahl"), max_length=5)
    city = forms.CharField(label=_("Ort"), max_length=120, required=False)
    sector = forms.ChoiceField(label=_("Branche"), choices=Sector.choices)
    contact_name = forms.CharField(label=_("Ansprechperson"), max_length=150)
    contact_email = forms.EmailField(
        label=_("E-Mail der Ansprechperson"),
        max_length=254,
        help_text=_("An diese Adresse geht der Link, mit dem der Betrieb die Stelle bestätigt."),
    )
    contact_phone = forms.CharField(label=_("Telefon der Ansprechperson"), max_length=40, required=False)
    # Shown only when the duplicate check found similar records (employers/services.business_duplicates).
    confirmed_distinct = forms.BooleanField(
        label=_("Ich habe die ähnlichen Einträge geprüft: es ist ein anderer Betrieb."), required=False
    )

    def clean_postcode(self) -> str:
        return _postcode(self.cleaned_data["postcode"])


class AcquisitionPlacementForm(PlacementForm):
    """The placement form without a status: a placement staff found opens when the business confirms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]

    def placement_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "status"}
        data["occupation"] = self.occupation
        return data


# --- speed dating (issue 15) ----------------------------------------------------------------------


class SpeedDatingForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    event = forms.ModelChoiceField(
        label=_("Veranstaltungsseite"),
        queryset=None,
        required=False,
        empty_label=_("– keine –"),
        help_text=_("Die Seite im CMS, die das Speed-Dating öffentlich zeigt (Art: Azubi-Speed-Dating)."),
    )
    starts_at = dates.DateTimeField(
        label=_("Beginn"),
        window=dates.APPOINTMENT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )
    place = forms.CharField(label=_("Ort"), max_length=200)
    rounds = forms.IntegerField(label=_("Runden"), min_value=1, max_value=20, initial=8)
    minutes_per_round = forms.IntegerField(label=_("Minuten je Runde"), min_value=3, max_value=60, initial=10)
    pause_round = forms.IntegerField(
        label=_("Pause in Runde"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("In dieser Runde finden keine Gespräche statt. Leer lassen: keine Pause."),
    )
    max_meetings = forms.IntegerField(
        label=_("Gespräche je Person höchstens"), min_value=1, max_value=20, initial=6
    )
    proposals_per_placement = forms.IntegerField(
        label=_("Vorschläge je Stelle"), min_value=1, max_value=50, initial=10
    )
    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=Municipality.objects.none())

    def __init__(self, *args, municipalities=(), events=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=municipalities).order_by(
            "name"
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = next(iter(municipalities))
        self.fields["event"].queryset = events

    def clean(self):
        data = super().clean()
        pause, rounds = data.get("pause_round"), data.get("rounds")
        if pause and rounds and pause > rounds:
            self.add_error("pause_round", _("Die Pause muss in einer der Runden liegen."))
        return data


class SpeedDatingBusinessForm(forms.Form):
    placement = forms.ModelChoiceField(label=_("Stelle"), queryset=Placement.objects.none())
    tables = forms.IntegerField(label=_("Tische"), min_value=1, max_value=10, initial=1)

    def __init__(self, *args, placements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = lambda p: f"{p.employer.organisation.name}: {p.title}"


class SpeedDatingOutcomeForm(forms.Form):
    CHOICES = [("", _("noch offen")), ("yes", _("ja")), ("no", _("nein"))]
    candidate_interest = forms.ChoiceField(label=_("Interesse der Person"), choices=CHOICES, required=False)
    business_interest = forms.ChoiceField(label=_("Interesse des Betriebs"), choices=CHOICES, required=False)

    @staticmethod
    def as_bool(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)


# --- the shared company record (issue 15 §1) ------------------------------------------------------

_DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
_DATE_ERRORS = {"invalid": _("Bitte ein gültiges Datum angeben, zum Beispiel 31.01.2026.")}


class BusinessCreateForm(forms.Form):
    name = forms.CharField(label=_("Name des Betriebs"), max_length=200)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postleitzahl"), max_length=5, required=False)
    city = forms.CharField(label=_("Ort"), max_length=120, required=False)
    sector = forms.ChoiceField(label=_("Branche"), choices=[("", "–"), *Sector.choices])
    register_number = forms.CharField(
        label=_("Register-Nummer"),
        max_length=40,
        required=False,
        help_text=_("Handelsregister-Nummer (z. B. HRB 12345) oder Nummer in der Handwerksrolle."),
    )
    confirmed_distinct = forms.BooleanField(
        label=_("Ich habe die ähnlichen Einträge geprüft: es ist ein anderer Betrieb."), required=False
    )

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        return _postcode(value) if value else ""


class BusinessRelationForm(forms.Form):
    partner_level = forms.ChoiceField(label=_("Partnerstufe"), choices=PartnerLevel.choices)
    training_company = forms.BooleanField(label=_("Ausbildungsbetrieb"), required=False)
    eq_ready = forms.BooleanField(label=_("bereit für Einstiegsqualifizierung"), required=False)
    chamber = forms.ModelChoiceField(
        label=_("Kammer"), queryset=None, required=False, empty_label=_("– keine –")
    )
    owner = forms.ModelChoiceField(
        label=_("zuständig"), queryset=None, required=False, empty_label=_("– niemand –")
    )
    next_contact_on = dates.DateField(
        label=_("nächster Kontakt am"),
        required=False,
        window=dates.APPOINTMENT,
        widget=forms.DateInput(**_DATE_WIDGET),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages=_DATE_ERRORS,
    )
    next_contact_note = forms.CharField(
        label=_("Anlass des nächsten Kontakts"), max_length=200, required=False
    )

    def __init__(self, *args, owners=None, chambers=None, **kwargs) -> None:
        # One page holds three forms with fields of the same name: ids of their own.
        kwargs.setdefault("auto_id", "rel_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["chamber"].queryset = chambers


class BusinessContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    function = forms.CharField(label=_("Funktion"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-Mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    preferred_channel = forms.ChoiceField(label=_("bevorzugter Weg"), choices=ContactChannel.choices)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)


class BusinessContactLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art des Kontakts"), choices=[("", "–"), *ContactKind.choices])
    happened_on = dates.DateField(
        label=_("am"),
        window=dates.PAST,
        widget=forms.DateInput(**_DATE_WIDGET),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages=_DATE_ERRORS,
    )
    contact = forms.ModelChoiceField(
        label=_("mit"), queryset=None, required=False, empty_label=_("– keine bestimmte Person –")
    )
    note = forms.CharField(
        label=_("Notiz"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_contact_on = dates.DateField(
        label=_("Erinnerung: nächster Kontakt am"),
        required=False,
        window=dates.APPOINTMENT,
        widget=forms.DateInput(**_DATE_WIDGET),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages=_DATE_ERRORS,
        help_text=_("Die zuständige Person bekommt an diesem Tag eine Nachricht."),
    )
    next_contact_note = forms.CharField(
        label=_("Anlass des nächsten Kontakts"), max_length=200, required=False
    )

    def __init__(self, *args, contacts=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "log_%s")
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        if not self.is_bound:
            self.initial.setdefault("happened_on", timezone.localdate())


class BusinessMergeForm(forms.Form):
    drop = forms.ModelChoiceField(
        label=_("Diesen Eintrag in den aktuellen überführen"), queryset=None, empty_label="–"
    )
    confirm = forms.BooleanField(
        label=_("Ich habe geprüft, dass beide Einträge derselbe Betrieb sind."),
        error_messages={"required": _("Bitte bestätigen Sie, dass es derselbe Betrieb ist.")},
    )

    def __init__(self, *args, others=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drop"].queryset = others
