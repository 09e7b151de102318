"""Forms of the coaching app: KERN-styled, clear errors, input kept; none raises."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from candidates.forms import SubmissionKeyField
from candidates.models import Language, ResidenceStatus
from employers.models import ContractType, TrainingOffered
from inputs import dates
from organisations.forms import KernFormMixin
from organisations.models import Municipality, Organisation
from taxonomy.cefr import CEFR_ORDER, cefr_rank
from taxonomy.models import LABEL_FIELDS, Skill
from taxonomy.postcodes import is_valid_postcode

from .models import (
    Cost,
    Funding,
    HandoverKind,
    LanguageArea,
    LanguageMeasure,
    Mode,
    NeedStatus,
    NextStep,
    Referral,
    RequestTopic,
    RiskKind,
    Service,
    ServiceCategory,
    Severity,
    Topic,
    VolunteerFocus,
    Weekday,
    WithWhom,
)
from .services import new_token

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Base(KernFormMixin, forms.Form):
    """Every create form carries a one-time token; a replayed post is refused by the service."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", new_token())
        super().__init__(*args, **kwargs)
        self.style_widgets()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "kern-form-check__input"


class FollowUpForm(_Base):
    date = dates.DateField(label=_("Datum des Kontakts"), widget=DATE, window=dates.APPOINTMENT)
    mode = forms.ChoiceField(label=_("Art des Kontakts"), choices=Mode.choices, widget=forms.RadioSelect)
    with_whom = forms.ChoiceField(label=_("Mit wem"), choices=WithWhom.choices, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label=_("Themen"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("Ort"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notizen"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_date = dates.DateField(
        label=_("Nächster Termin"), required=False, widget=DATE, window=dates.APPOINTMENT
    )

    next_step = forms.ChoiceField(
        label=_("Nächster beruflicher Schritt"),
        help_text=_(
            "Helfertätigkeit: Der Kontakt nach 6 und 12 Monaten fragt, ob die Person weiterkommen "
            "möchte, etwa mit einer Teilqualifizierung oder einer Ausbildung (siehe „Weg zum Zielberuf“)."
        ),
        choices=NextStep.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, ask_next_step: bool = False, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        if not ask_next_step:
            del self.fields["next_step"]
        for name in ("mode", "with_whom", "next_step"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "kern-form-check__input"


class LanguageNeedForm(_Base):
    area = forms.ChoiceField(label=_("Bereich"), choices=LanguageArea.choices)
    current_level = forms.ChoiceField(
        label=_("Jetziges Niveau (GER)"),
        choices=[("", "---------"), *[(c, c) for c in CEFR_ORDER]],
    )
    target_level = forms.ChoiceField(
        label=_("Zielniveau (GER)"),
        choices=[("", "---------"), *[(c, c) for c in CEFR_ORDER]],
    )
    measure = forms.ChoiceField(label=_("Maßnahme"), choices=LanguageMeasure.choices)
    provider = forms.ModelChoiceField(
        label=_("Anbieter aus dem Verzeichnis"), queryset=Service.objects.none(), required=False
    )
    funding = forms.ChoiceField(label=_("Finanzierung"), choices=Funding.choices)
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices, initial=NeedStatus.OPEN)
    note = forms.CharField(label=_("Notiz"), max_length=500, required=False)

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["provider"].queryset = providers

    def clean(self):
        data = super().clean()
        current, target = data.get("current_level"), data.get("target_level")
        if current and target and cefr_rank(target) <= cefr_rank(current):
            self.add_error("target_level", _("Das Zielniveau muss über dem jetzigen Niveau liegen."))
        return data


class NeedStatusForm(KernFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)


class RiskForm(_Base):
    kind = forms.ChoiceField(label=_("Art des Risikos"), choices=RiskKind.choices)
    severity = forms.ChoiceField(label=_("Schwere"), choices=Severity.choices, initial=Severity.MEDIUM)
    note = forms.CharField(
        label=_("Beschreibung"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    escalate = forms.BooleanField(label=_("Sofort an Case Management / Koordination melden"), required=False)


class RiskResolveForm(KernFormMixin, forms.Form):
    resolution_note = forms.CharField(
        label=_("Wie wurde das Risiko gelöst?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class SupportRequestForm(_Base):
    organisation = forms.ModelChoiceField(label=_("Betrieb"), queryset=Organisation.objects.none())
    employment = forms.ModelChoiceField(
        label=_("Um wen geht es?"), queryset=None, required=False, empty_label=_("allgemeine Frage")
    )
    topic = forms.ChoiceField(label=_("Thema"), choices=RequestTopic.choices)
    message = forms.CharField(
        label=_("Ihre Frage"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, organisations, employments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["employment"].queryset = employments
        # The employer knows the hire by its reference, job and start date; a name would outlive the
        # person's contact consent (issue 11: disclosure only through live consent).
        self.fields["employment"].label_from_instance = lambda e: _("{ref} – {job}, seit {start}").format(
            ref=e.reference,
            job=e.placement.title if e.placement_id else e.get_kind_display(),
            start=date_format(e.start_date, "SHORT_DATE_FORMAT"),
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()


class CoachForm(KernFormMixin, forms.Form):
    """Choose the employment's responsible job coach among the municipality's job coaches."""

    coach = forms.TypedChoiceField(
        label=_("Zuständiger Jobcoach"),
        coerce=int,
        help_text=_("Zuerst die Jobcoaches der Organisation, die für den Fall zuständig ist."),
        error_messages={
            "required": _("Bitte einen Jobcoach auswählen."),
            "invalid_choice": _("Bitte einen Jobcoach aus der Liste auswählen."),
        },
    )

    def __init__(self, *args, coaches=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coaches = {user.pk: user for user in coaches}
        self.fields["coach"].choices = [("", "–")] + [(user.pk, str(user)) for user in coaches]
        if current is not None and not self.is_bound:
            self.initial.setdefault("coach", current.pk)
        self.style_widgets()

    def clean_coach(self):
        return self.coaches[self.cleaned_data["coach"]]


class AnswerForm(KernFormMixin, forms.Form):
    answer = forms.CharField(label=_("Antwort"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class VolunteerAssignForm(KernFormMixin, forms.Form):
    volunteer_email = forms.EmailField(
        label=_("E-Mail-Adresse der*des Ehrenamtlichen"),
        max_length=254,
        help_text=_(
            "Ist die Person schon Ehrenamtliche*r Ihrer Kommune und hat die Klient*in ihr die Einwilligung "
            "gegeben, wird sie zugeordnet. Sonst bekommt sie eine Einladung per E-Mail."
        ),
    )
    focus = forms.ChoiceField(label=_("Schwerpunkt"), choices=VolunteerFocus.choices)
    organisation = forms.ModelChoiceField(
        label=_("Ehrenamtliche Initiative (für eine Einladung)"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, initiatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if initiatives is not None:
            self.fields["organisation"].queryset = initiatives
            only = list(initiatives[:2])
            if len(only) == 1:
                self.fields["organisation"].initial = only[0]
        self.style_widgets()


class TutoringForm(_Base):
    date = dates.DateField(label=_("Datum"), widget=DATE, window=dates.APPOINTMENT)
    minutes = forms.IntegerField(label=_("Dauer (Minuten)"), min_value=1, max_value=600, initial=60)
    topic = forms.CharField(label=_("Thema"), max_length=200)
    notes = forms.CharField(
        label=_("Notizen"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class ServiceForm(KernFormMixin, forms.Form):
    organisation_name = forms.CharField(label=_("Träger"), max_length=200)
    name = forms.CharField(label=_("Name des Angebots"), max_length=200)
    category = forms.ChoiceField(label=_("Art"), choices=ServiceCategory.choices)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    languages = forms.MultipleChoiceField(
        label=_("Sprachen des Angebots"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_residence_statuses = forms.MultipleChoiceField(
        label=_("Zugänglich bei Aufenthaltsstatus"),
        choices=ResidenceStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nichts angekreuzt: für alle zugänglich."),
    )
    cost = forms.ChoiceField(label=_("Kosten"), choices=Cost.choices)
    cost_details = forms.CharField(label=_("Kosten (Einzelheiten)"), max_length=300, required=False)
    location_name = forms.CharField(label=_("Standort"), max_length=200, required=False)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postcode = forms.RegexField(
        label=_("Postleitzahl"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Bitte eine fünfstellige Postleitzahl angeben.")},
    )
    city = forms.CharField(label=_("Ort"), max_length=120, required=False)
    contact_name = forms.CharField(label=_("Ansprechperson"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-Mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    url = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    wait_time = forms.CharField(
        label=_("Wartezeit"),
        max_length=200,
        required=False,
        help_text=_("Zum Beispiel „etwa 4 Wochen bis zum Erstgespräch“."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
        for name in ("languages", "eligible_residence_statuses"):
            self.fields[name].widget.attrs["class"] = "kern-form-check__input"


MAX_SERVICE_SKILLS = 60


class ServiceSkillsMixin(forms.Form):
    """The ESCO skills an offer teaches (issue 20): chosen in the skill combobox (one hidden field
    ``skills`` per URI, chosen ones shown as check boxes to take off again). Without JavaScript the
    search box is plain text: text left in it was never chosen and is named as an error."""

    skills = forms.ModelMultipleChoiceField(
        label=_("Vermittelte Kompetenzen (ESCO)"),
        queryset=Skill.objects.only(*LABEL_FIELDS, "uri", "label_de_source"),
        to_field_name="uri",
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": _("Diese Kompetenz gibt es in ESCO nicht: %(value)s")},
    )
    skill_q = forms.CharField(label=_("Kompetenz suchen"), max_length=200, required=False)

    def clean_skills(self):
        skills = self.cleaned_data["skills"]
        if len(skills) > MAX_SERVICE_SKILLS:
            raise forms.ValidationError(
                _("Höchstens %(limit)s Kompetenzen je Angebot."), params={"limit": MAX_SERVICE_SKILLS}
            )
        return skills

    def clean_skill_q(self) -> str:
        text = self.cleaned_data["skill_q"].strip()
        if text:
            raise forms.ValidationError(
                _(
                    "„%(text)s“ wurde nicht aus der Vorschlagsliste gewählt. Bitte eine Kompetenz aus der Liste wählen oder das Feld leeren."
                ),
                params={"text": text},
            )
        return text

    def chosen_skills(self) -> list[Skill]:
        """The skills to show as chosen: the submitted ones that exist, else the initial ones."""
        if self.is_bound:
            uris = [u[:255] for u in self.data.getlist(self.add_prefix("skills"))][:MAX_SERVICE_SKILLS]
        else:
            uris = [getattr(s, "uri", s) for s in self.initial.get("skills", [])]
        found = {
            s.uri: s for s in Skill.objects.filter(uri__in=uris).only(*LABEL_FIELDS, "uri", "label_de_source")
        }
        return [found[u] for u in dict.fromkeys(uris) if u in found]


class ServiceCreateForm(ServiceSkillsMixin, ServiceForm):
    """The coordinator's (and case manager's) service form with the skills it teaches. Whoever
    works for several municipalities says whose directory the offer joins; with one, it joins that
    one (``cleaned_data["municipality"]`` is set either way)."""

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = list(municipalities)
        if len(self.municipalities) > 1:
            self.fields = {
                "municipality": forms.ModelChoiceField(
                    label=_("Kommune"),
                    queryset=Municipality.objects.filter(pk__in=[m.pk for m in self.municipalities]),
                ),
                **self.fields,
            }
            self.style_widgets()

    def clean(self):
        data = super().clean()
        if len(self.municipalities) == 1:
            data["municipality"] = self.municipalities[0]
        return data


class ServiceSkillsForm(KernFormMixin, ServiceSkillsMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


# Bounds of a service area by postcode and of the documents list: a district has ~50 postcodes.
MAX_AREA_POSTCODES = 200
MAX_REQUIRED_DOCUMENTS = 20


class ServiceEditForm(ServiceForm):
    """A coordinator edits an offer of their municipality (issue 17): the offer's own fields and the
    further municipalities it serves. Provider and locations stay as they are (shared with other
    offers of the provider)."""

    organisation_name = None
    location_name = None
    street = None
    postcode = None
    city = None
    served_municipalities = forms.ModelMultipleChoiceField(
        label=_("Auch zuständig für (über die Kreisgrenze)"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Case Manager*innen dieser Kommunen finden das Angebot und können an es verweisen. "
            "Bearbeiten kann es nur Ihre Kommune."
        ),
        error_messages={"invalid_choice": _("Diese Kommune gibt es nicht: %(value)s")},
    )

    area_postcodes = forms.CharField(
        label=_("Einzugsgebiet: einzelne Postleitzahlen"),
        required=False,
        max_length=MAX_AREA_POSTCODES * 7,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Fünfstellige Postleitzahlen, durch Komma oder Leerzeichen getrennt, auch aus anderen "
            "Kommunen: Wer dort wohnt, kann an das Angebot verwiesen werden."
        ),
    )
    required_documents = forms.CharField(
        label=_("Benötigte Unterlagen"),
        required=False,
        max_length=MAX_REQUIRED_DOCUMENTS * 201,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eine Unterlage je Zeile, zum Beispiel „Aufenthaltstitel“."),
    )

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_municipalities"].queryset = Municipality.objects.exclude(
            pk=service.municipality_id
        ).order_by("name")
        self.fields["served_municipalities"].widget.attrs["class"] = "kern-form-check__input"

    def clean_area_postcodes(self) -> list[str]:
        text = self.cleaned_data["area_postcodes"]
        postcodes = list(dict.fromkeys(p for p in re.split(r"[\s,;]+", text) if p))
        wrong = [p for p in postcodes if not (len(p) == 5 and p.isdigit() and is_valid_postcode(p))]
        if wrong:
            raise forms.ValidationError(
                _("Diese Postleitzahlen gibt es nicht: %(wrong)s"),
                params={"wrong": ", ".join(w[:20] for w in wrong[:10])},
            )
        if len(postcodes) > MAX_AREA_POSTCODES:
            raise forms.ValidationError(
                _("Höchstens %(limit)s Postleitzahlen; für ganze Kommunen bitte die Kommune ankreuzen."),
                params={"limit": MAX_AREA_POSTCODES},
            )
        return postcodes

    def clean_required_documents(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["required_documents"].splitlines()]
        documents = list(dict.fromkeys(line for line in lines if line))
        if len(documents) > MAX_REQUIRED_DOCUMENTS:
            raise forms.ValidationError(
                _("Höchstens %(limit)s Unterlagen."), params={"limit": MAX_REQUIRED_DOCUMENTS}
            )
        if any(len(d) > 200 for d in documents):
            raise forms.ValidationError(_("Jede Unterlage in höchstens 200 Zeichen, bitte."))
        return documents

    @staticmethod
    def initial_for(service: Service) -> dict:
        fields = [
            "name", "category", "description", "languages", "eligible_residence_statuses", "cost",
            "cost_details", "contact_name", "email", "phone", "url", "wait_time",
        ]  # fmt: skip
        return {
            **{f: getattr(service, f) for f in fields},
            "served_municipalities": list(service.served_municipalities.all()),
            "area_postcodes": ", ".join(service.area_postcode_list()),
            "required_documents": "\n".join(service.required_document_list()),
        }


class ServiceHoursRowForm(KernFormMixin, forms.Form):
    """One row of the weekly opening hours; an empty row is skipped."""

    weekday = forms.TypedChoiceField(
        label=_("Wochentag"), choices=[("", "–"), *Weekday.choices], coerce=int, required=False
    )
    opens = forms.TimeField(
        label=_("öffnet um"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes = forms.TimeField(
        label=_("schließt um"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean(self):
        data = super().clean()
        weekday, opens, closes = data.get("weekday"), data.get("opens"), data.get("closes")
        if weekday in (None, "") and opens is None and closes is None:
            return data
        if weekday in (None, ""):
            self.add_error("weekday", _("Bitte einen Wochentag wählen."))
        if opens is None and "opens" not in self.errors:
            self.add_error("opens", _("Bitte angeben, wann das Angebot öffnet."))
        if closes is None and "closes" not in self.errors:
            self.add_error("closes", _("Bitte angeben, wann das Angebot schließt."))
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes", _("Die Schließzeit muss nach der Öffnungszeit liegen."))
        return data


class BaseServiceHoursFormSet(forms.BaseFormSet):
    def hours(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return [
            (f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"])
            for f in self.forms
            if f.cleaned_data.get("weekday") not in (None, "")
        ]

    def clean(self):
        if any(self.errors):
            return
        from .directory_services import hours_overlap

        clash = hours_overlap(self.hours())
        if clash:
            raise forms.ValidationError(clash)


# Rows beyond the stored ones: a week with a split day fits, more come after saving.
ServiceHoursFormSet = forms.formset_factory(
    ServiceHoursRowForm, formset=BaseServiceHoursFormSet, extra=3, max_num=28, validate_max=True
)


class ServiceFilterForm(KernFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Art"), choices=[("", _("alle")), *ServiceCategory.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Sprache"), choices=[("", _("alle")), *Language.choices], required=False
    )
    residence_status = forms.ChoiceField(
        label=_("Aufenthaltsstatus"), choices=[("", _("alle")), *ResidenceStatus.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class _ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # An offer from across a district line (issue 17) says where it is.
        if getattr(obj, "foreign", False):
            return f"{obj.name} ({obj.municipality.name})"
        return obj.name


class ReferralForm(KernFormMixin, forms.Form):
    service = _ServiceChoice(
        label=_("Angebot"),
        queryset=Service.objects.none(),
        help_text=_(
            "Aufgeführt sind die aktiven Angebote, deren Einzugsgebiet die Kommune oder die "
            "Postleitzahl der Person umfasst – auch aus Nachbarkommunen."
        ),
        error_messages={
            "invalid_choice": _(
                "An dieses Angebot kann die Person nicht verwiesen werden: Es ist nicht aktiv, oder sein "
                "Einzugsgebiet umfasst weder ihre Kommune noch ihre Postleitzahl."
            )
        },
    )
    note = forms.CharField(
        label=_("Anlass"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.style_widgets()


class ReferralStatusForm(KernFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Neuer Status"), choices=[c for c in Referral.Status.choices if c[0] != Referral.Status.SENT]
    )
    outcome = forms.CharField(label=_("Ergebnis"), max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class _ByMunicipality(forms.models.ModelChoiceIterator):
    """Options grouped by municipality (<optgroup>), in the queryset's order (the case's own first)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for organisation in self.queryset:
            groups.setdefault(organisation.municipality.name, []).append(self.choice(organisation))
        yield from groups.items()


class _OrganisationByMunicipality(forms.ModelChoiceField):
    iterator = _ByMunicipality
    default_error_messages = {
        "invalid_choice": _(
            "Diese Organisation kann den Fall nicht übernehmen (oder die Person hat der Weitergabe "
            "nicht zugestimmt). Bitte wählen Sie eine aus der Liste."
        ),
    }

    def label_from_instance(self, obj) -> str:
        return obj.name


class HandoverForm(KernFormMixin, forms.Form):
    kind = forms.ModelChoiceField(label=_("Art der Übergabe"), queryset=HandoverKind.objects.all())
    # Never a person of another organisation: the receiving side decides who takes the case over.
    to_organisation = _OrganisationByMunicipality(
        label=_("Aufnehmende Organisation"), queryset=Organisation.objects.none()
    )
    note = forms.CharField(
        label=_("Hinweise für die Übernahme"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations
        self.style_widgets()


class HandoverDecisionForm(KernFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Entscheidung"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Übernehmen")), ("no", _("Ablehnen"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begründung (bei Ablehnung Pflicht)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
        self.fields["accept"].widget.attrs["class"] = "kern-form-check__input"


class AppointmentForm(KernFormMixin, forms.Form):
    joint_appointment_at = dates.DateTimeField(
        label=_("Gemeinsamer Termin fand statt am"),
        window=dates.APPOINTMENT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


# --- assessment proposals (issue 14) -----------------------------------------------------------


class ProposalGoalForm(forms.Form):
    """A draft goal from the assessment, accepted as proposed or edited first."""

    title = forms.CharField(label=_("Ziel"), max_length=200)
    submission_key = SubmissionKeyField()


class ProposalReferralForm(forms.Form):
    service = forms.IntegerField(min_value=1)


# --- job quality (issue 20) ---


SKILL_LEVEL_CHOICES = [
    (1, _("1 – Helfertätigkeit (einfache Routinetätigkeiten)")),
    (2, _("2 – Fachkraft (Berufsausbildung)")),
    (3, _("3 – Spezialist*in (Meister*in, Techniker*in)")),
    (4, _("4 – Expert*in (Hochschulabschluss)")),
]


class JobQualityForm(KernFormMixin, forms.Form):
    """The job coach completes the job-quality fields; employers.services checks the contradictions."""

    contract_type = forms.ChoiceField(
        label=_("Vertragsart"), choices=[("", "---------"), *ContractType.choices]
    )
    hours_per_week = forms.IntegerField(label=_("Stunden pro Woche"), min_value=1, max_value=60)
    fixed_term = forms.BooleanField(label=_("befristet"), required=False)
    social_insurance = forms.BooleanField(label=_("sozialversicherungspflichtig"), required=False)
    hourly_wage = forms.DecimalField(
        label=_("Stundenlohn brutto (€)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("500"),
        max_digits=6,
        decimal_places=2,
        localize=True,
    )
    job_skill_level = forms.TypedChoiceField(
        label=_("Anforderungsniveau der Stelle (ISCO)"), choices=SKILL_LEVEL_CHOICES, coerce=int
    )
    person_skill_level = forms.TypedChoiceField(
        label=_("Qualifikationsniveau der Person (ISCO)"),
        choices=[("", _("unbekannt")), *SKILL_LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Anerkannte oder angegebene Qualifikation; vorbelegt aus dem Profil."),
    )
    training_offered = forms.ChoiceField(
        label=_("Qualifizierung im Betrieb"), choices=TrainingOffered.choices
    )
    commute_minutes = forms.IntegerField(
        label=_("Arbeitsweg (Minuten, einfach)"), min_value=0, max_value=240, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class HsdsImportForm(KernFormMixin, forms.Form):
    """Upload of an HSDS 3.0 document (issue 17). The file is checked by coaching.hsds; the size
    limit is checked here too so that a huge upload is refused before it is read."""

    municipality = forms.TypedChoiceField(label=_("Kommune"), coerce=int)
    document = forms.FileField(
        label=_("HSDS-Datei (JSON)"),
        help_text=_("Träger, Standorte und Angebote werden anhand ihrer ID angelegt oder aktualisiert."),
    )

    def __init__(self, *args, municipalities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(m.pk, m.name) for m in municipalities]

    def clean_document(self):
        from .hsds import MAX_BYTES

        upload = self.cleaned_data["document"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(limit)s MB)."),
                params={"limit": MAX_BYTES // (1024 * 1024)},
            )
        return upload
