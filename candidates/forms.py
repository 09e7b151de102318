"""Forms of the candidates app. Every form gives a clear error and keeps the input; none raises."""

from __future__ import annotations

import datetime
import functools
import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_STAFF
from inputs import dates
from inputs.forms import model_choices
from organisations import kept
from organisations.models import Membership, Organisation
from taxonomy.postcodes import is_valid_postcode
from taxonomy.selectors import occupation_by_uri, skills_by_uris

from .models import (
    ASSESSMENT_TEXT_MAX,
    SPECIAL_CATEGORY_DOMAINS,
    STEP_TEXT_MAX,
    AppointmentKind,
    Candidate,
    CasePhase,
    ChildrenUnder6,
    ClosingReason,
    ConsentScope,
    FollowUpAnswer,
    Goal,
    GoalStatus,
    ImmigrationQuestionTopic,
    Language,
    LanguageExam,
    LanguageSkill,
    LegalCircle,
    LifeDomain,
    NeedLevel,
    Qualification,
    QualificationKind,
    RecognitionStatus,
    StepAssignee,
    StepStatus,
    TaskAnswer,
    WorkPermitProcedure,
)
from .selectors import consent_recipients, consent_volunteers
from .services import RECOGNITION_FIELDS, SELF_SERVICE_FIELDS, STAFF_PROFILE_FIELDS, WORK_PERMIT_FIELDS

TEXT_MAX = 5000
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Dates that lie behind us by nature; every other date keeps the default window (inputs.dates.ANY).
PAST_DATES = ("birth_date", "exam_date")


class SubmissionKeyField(forms.CharField):
    """A hidden one-time key rendered into a create form. The service stores it with a unique
    constraint per author, so the same form posted twice (double click, resend) saves once and the
    repeat answers like the first. A missing or tampered key is no error: that post is simply its
    own submission."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)
        super().__init__(**kwargs)

    def to_python(self, value) -> uuid.UUID | None:
        try:
            return uuid.UUID(str(value or "").strip()[:64])
        except ValueError:
            return None


class OneSubmissionMixin:
    """Adds ``submission_key`` (see :class:`SubmissionKeyField`) to a create form."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Several of these forms share a page (case notes, goals, steps): one id each, under the
        # form's own ``auto_id`` where it has one (the case page gives each goal's step form its own).
        pattern = self.auto_id if isinstance(self.auto_id, str) and "%s" in self.auto_id else "id_%s"
        widget = forms.HiddenInput(attrs={"id": pattern % f"submission_key_{type(self).__name__.lower()}"})
        self.fields["submission_key"] = SubmissionKeyField(widget=widget)


class _DateFieldsMixin:
    """HTML date inputs for every date field, and no field longer than it may be."""

    def _setup_widgets(self) -> None:
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DATE_WIDGET
                if name in PAST_DATES:
                    dates.narrow(field, dates.PAST)
            if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea):
                field.max_length = field.max_length or TEXT_MAX
                field.validators.append(_max_length(field.max_length))


def _max_length(n: int):
    from django.core.validators import MaxLengthValidator

    return MaxLengthValidator(n)


class _ProfileChecks(forms.ModelForm):
    """Checks shared by the staff and the self-service profile forms."""

    class Meta:
        formfield_callback = dates.formfield_callback  # every model date keeps a window

    def clean_postcode(self) -> str:
        postcode = (self.cleaned_data.get("postcode") or "").strip()
        if postcode and not is_valid_postcode(postcode):
            raise forms.ValidationError(_("Diese Postleitzahl gibt es in Deutschland nicht."))
        return postcode

    def _new_expiry_in_past(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        # Only a NEW or changed date must lie ahead; an old permit already on file may have expired.
        if value and value != getattr(self.instance, name) and value < timezone.localdate():
            self.add_error(
                name,
                _(
                    "Das Ablaufdatum liegt in der Vergangenheit. Bitte das Datum des gültigen Dokuments angeben."
                ),
            )

    def clean(self):
        data = super().clean()
        low, high = data.get("hours_per_week_min"), data.get("hours_per_week_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "hours_per_week_max",
                _("Die Höchststundenzahl muss mindestens so groß sein wie die Mindeststundenzahl."),
            )
        for name in ("residence_expires", "work_permission_expires"):
            if name in self.fields:
                self._new_expiry_in_past(name)
        return data


CHILDREN_CHOICES = [("", _("keine Angabe")), *ChildrenUnder6.choices]


def _children_field(*, label, help_text, initial: str) -> forms.ChoiceField:
    """ "Children under 6" (issue 20): not a model field of these forms, so that nothing stores it
    but services.children_under_6_set, which checks the consent."""
    return forms.ChoiceField(
        label=label, help_text=help_text, choices=CHILDREN_CHOICES, required=False, initial=initial
    )


class ProfileForm(_DateFieldsMixin, _ProfileChecks):
    """Staff edit the profile. The candidate's own words are shown beside, never edited here.

    "Children under 6" is on it only while the person's consent ``family_figures`` is live
    (``children_consent``): staff record that consent from a signed form, never give it here."""

    class Meta(_ProfileChecks.Meta):
        model = Candidate
        fields = list(STAFF_PROFILE_FIELDS)

    def __init__(self, *args, children_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_widgets()
        if children_consent:
            self.fields["children_under_6"] = _children_field(
                label=_("Kinder unter 6 Jahren"),
                help_text=_(
                    "Mit Einwilligung der Person erfasst. Zählt nur anonym in der Statistik "
                    "„Frauen mit Kindern unter 6 Jahren“."
                ),
                initial=self.instance.children_under_6,
            )


class OwnProfileForm(_DateFieldsMixin, _ProfileChecks):
    """The candidate's self-service form (simple language in the labels)."""

    class Meta(_ProfileChecks.Meta):
        model = Candidate
        fields = list(SELF_SERVICE_FIELDS)
        labels = {
            "email": _("Ihre E-Mail-Adresse"),
            "phone": _("Ihre Telefonnummer"),
            "postcode": _("Ihre Postleitzahl"),
            "city": _("Ihr Wohnort"),
            "max_commute_km": _("So weit darf der Weg zur Arbeit sein (km)"),
            "has_driving_licence": _("Ich habe einen Führerschein"),
            "has_car": _("Ich habe ein Auto"),
            "hours_per_week_min": _("So viele Stunden pro Woche möchte ich mindestens arbeiten"),
            "hours_per_week_max": _("So viele Stunden pro Woche kann ich höchstens arbeiten"),
            "available_from": _("Ich kann anfangen ab"),
            "preferences_own_words": _("Was ich mir wünsche (in meinen Worten)"),
        }
        help_texts = {"preferences_own_words": _("Schreiben Sie in Ihrer Sprache oder auf Deutsch.")}

    def __init__(self, *args, children_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_widgets()
        # Issue 20: a voluntary answer, kept only with the person's own consent, asked right here.
        self.children_consent = children_consent
        self.fields["children_under_6"] = _children_field(
            label=_("Haben Sie Kinder unter 6 Jahren?"),
            help_text=_(
                "Freiwillig. Die Kommune zählt damit ohne Namen, ob Frauen mit kleinen Kindern genauso "
                "gut Arbeit finden. Ihr*e Case Manager*in sieht die Angabe in Ihrem Profil."
            ),
            initial=self.instance.children_under_6,
        )
        if not children_consent:
            self.fields["children_consent"] = forms.BooleanField(
                label=_("Ich bin einverstanden, dass Lotse diese Angabe speichert."),
                help_text=_(
                    "Sie können das jederzeit unter „Wer darf meine Daten sehen?“ widerrufen. Dann wird "
                    "die Angabe gelöscht."
                ),
                required=False,
            )

    def clean(self):
        data = super().clean()
        if data.get("children_under_6") and not self.children_consent and not data.get("children_consent"):
            self.add_error(
                "children_consent",
                _(
                    "Bitte stimmen Sie zu, damit wir die Angabe speichern dürfen – oder wählen Sie „keine Angabe“."
                ),
            )
        return data


class IntakeForm(OneSubmissionMixin, _DateFieldsMixin, _ProfileChecks):
    responsible_organisation = forms.ModelChoiceField(
        label=_("zuständige Organisation"), queryset=Organisation.objects.none()
    )
    legal_circle = forms.ChoiceField(
        label=_("Rechtskreis"), choices=LegalCircle.choices, initial=LegalCircle.NONE
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Trotzdem anlegen: Es ist eine andere Person."), required=False
    )

    class Meta(_ProfileChecks.Meta):
        model = Candidate
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "nationality",
            "email",
            "phone",
            "street",
            "postcode",
            "city",
            "preferences_own_words",
        ]
        help_texts = {
            "preferences_own_words": _("So, wie die Person es selbst sagt; später ergänzen Sie nur daneben."),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_widgets()
        self.fields["responsible_organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["responsible_organisation"].initial = organisations.first()

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and (value > timezone.localdate() or value.year < 1900):
            raise forms.ValidationError(_("Bitte ein gültiges Geburtsdatum angeben."))
        return value


class OccupationAddForm(forms.Form):
    """A text input with HTMX suggestions; choosing one fills the hidden ESCO URI."""

    occupation_label = forms.CharField(label=_("Beruf"), max_length=200, required=False)
    occupation_uri = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)
    years_experience = forms.DecimalField(
        label=_("Berufserfahrung (Jahre)"),
        min_value=Decimal(0),
        max_value=Decimal(60),
        max_digits=3,
        decimal_places=1,
        initial=0,
    )

    def clean(self):
        data = super().clean()
        uri = data.get("occupation_uri") or ""
        occupation = occupation_by_uri(uri=uri) if uri else None
        if occupation is None:
            self.add_error("occupation_label", _("Bitte einen Beruf aus den Vorschlägen auswählen."))
        data["occupation"] = occupation
        return data


class SkillAddForm(forms.Form):
    skill_label = forms.CharField(label=_("Kompetenz"), max_length=200, required=False)
    skill_uri = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)

    def clean(self):
        data = super().clean()
        uri = data.get("skill_uri") or ""
        skill = skills_by_uris(uris=[uri]).get(uri) if uri else None
        if skill is None:
            self.add_error("skill_label", _("Bitte eine Kompetenz aus den Vorschlägen auswählen."))
        data["skill"] = skill
        return data


class LanguageForm(_DateFieldsMixin, forms.ModelForm):
    class Meta:
        model = LanguageSkill
        formfield_callback = dates.formfield_callback
        fields = ["language", "spoken", "written", "is_native", "exam", "exam_level", "exam_date"]
        labels = {
            "language": _("Sprache"),
            "spoken": _("Sprechen (Niveau)"),
            "written": _("Schreiben (Niveau)"),
            "is_native": _("Das ist meine Erstsprache"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_widgets()

    def validate_unique(self) -> None:
        # One row per language: the service replaces an existing entry instead of failing.
        pass

    def clean(self):
        data = super().clean()
        exam, level = data.get("exam"), data.get("exam_level")
        if exam and exam != LanguageExam.NONE and not level:
            self.add_error("exam_level", _("Bitte das Niveau der Prüfung angeben."))
        exam_date = data.get("exam_date")
        if exam_date and exam_date > timezone.localdate():
            self.add_error("exam_date", _("Das Prüfungsdatum liegt in der Zukunft."))
        return data


class QualificationForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["title", "kind", "country", "year", "recognition_status", "recognition_authority"]

    def clean(self):
        data = super().clean()
        if data.get("recognition_status") == "in_progress" and not data.get("recognition_authority"):
            self.add_error(
                "recognition_authority", _("Bitte angeben, bei welcher Stelle die Anerkennung läuft.")
            )
        return data


# --- self-service: the candidate's own occupations, skills and qualifications (simple language) ---

_MARKUP = re.compile(r"[<>]")
_YEARS_ERROR = _("Bitte eine Zahl von 0 bis 60 eingeben, zum Beispiel 3 oder 1,5.")


def _no_markup(value: str) -> str:
    # Angle brackets have no place in these fields; say so plainly instead of storing markup.
    if _MARKUP.search(value or ""):
        raise forms.ValidationError(_("Bitte ohne die Zeichen < und > schreiben."))
    return (value or "").strip()


class OwnOccupationForm(OccupationAddForm):
    """The candidate adds a job they know (ESCO) and how long they did it."""

    occupation_label = forms.CharField(
        label=_("Mein Beruf"),
        max_length=200,
        help_text=_("Schreiben Sie ein paar Buchstaben und wählen Sie dann aus der Liste."),
    )
    # No max_digits: a too big number gets one clear message, not two.
    years_experience = forms.DecimalField(
        label=_("So viele Jahre habe ich in diesem Beruf gearbeitet"),
        min_value=Decimal(0),
        max_value=Decimal(60),
        decimal_places=1,
        initial=0,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value", "max_decimal_places"), _YEARS_ERROR
        ),
    )

    def clean(self):
        data = super().clean()
        if "occupation_label" in self.errors:
            self.errors["occupation_label"] = self.error_class(
                [_("Diesen Beruf kennen wir nicht. Bitte wählen Sie einen Beruf aus der Liste.")]
            )
        return data


class OwnSkillForm(SkillAddForm):
    """The candidate adds something they can do (ESCO skill)."""

    skill_label = forms.CharField(
        label=_("Das kann ich"),
        max_length=200,
        help_text=_("Schreiben Sie ein paar Buchstaben und wählen Sie dann aus der Liste."),
    )

    def clean(self):
        data = super().clean()
        if "skill_label" in self.errors:
            self.errors["skill_label"] = self.error_class(
                [_("Das kennen wir nicht. Bitte wählen Sie aus der Liste.")]
            )
        return data


# Simple words for the candidate; the stored values are those of the model.
OWN_QUALIFICATION_KINDS = [
    (QualificationKind.SCHOOL, _("Schule")),
    (QualificationKind.VOCATIONAL, _("Ausbildung für einen Beruf")),
    (QualificationKind.UNIVERSITY, _("Studium (Universität, Hochschule)")),
    (QualificationKind.OTHER, _("Anderes (Kurs, Zertifikat)")),
]
OWN_RECOGNITION_STATUSES = [
    (RecognitionStatus.NOT_STARTED, _("Noch nicht beantragt")),
    (RecognitionStatus.IN_PROGRESS, _("Beantragt, ich warte auf die Antwort")),
    (RecognitionStatus.PARTIAL, _("Zum Teil anerkannt")),
    (RecognitionStatus.FULL, _("Ganz anerkannt")),
    (RecognitionStatus.NOT_NEEDED, _("Nicht nötig")),
    # The decisions staff record in a recognition procedure (issue 14 §3): without them here, the
    # person's next save of the form would lose the decision.
    (RecognitionStatus.COMPENSATION, _("Ich muss noch etwas nachholen (Ausgleichsmaßnahme)")),
    (RecognitionStatus.REFUSED, _("Abgelehnt")),
]


class OwnQualificationForm(QualificationForm):
    """The candidate corrects one of their qualifications."""

    class Meta(QualificationForm.Meta):
        labels = {
            "title": _("Name des Abschlusses"),
            "kind": _("Art des Abschlusses"),
            "country": _("Land"),
            "year": _("Jahr des Abschlusses"),
            "recognition_status": _("Anerkennung in Deutschland"),
            "recognition_authority": _("Bei welcher Stelle? (zum Beispiel IHK FOSA)"),
        }
        help_texts = {"recognition_authority": ""}
        error_messages = {
            "title": {"required": _("Bitte schreiben Sie den Namen des Abschlusses.")},
            "year": {
                "invalid": _("Bitte ein Jahr wie 2015 eingeben."),
                "min_value": _("Bitte ein Jahr wie 2015 eingeben."),
                "max_value": _("Bitte ein Jahr wie 2015 eingeben."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OWN_QUALIFICATION_KINDS
        self.fields["recognition_status"].choices = OWN_RECOGNITION_STATUSES

    def clean_title(self) -> str:
        return _no_markup(self.cleaned_data.get("title"))

    def clean_country(self) -> str:
        return _no_markup(self.cleaned_data.get("country"))

    def clean_recognition_authority(self) -> str:
        return _no_markup(self.cleaned_data.get("recognition_authority"))

    def clean(self):
        data = super().clean()
        if "recognition_authority" in self.errors and data.get("recognition_status") == "in_progress":
            # The shared check speaks to staff; tell the candidate in simple words.
            self.errors["recognition_authority"] = self.error_class(
                [_("Bitte schreiben Sie, bei welcher Stelle Sie die Anerkennung beantragt haben.")]
            )
        return data


class CaseForm(forms.Form):
    # Closing needs its evaluation (CaseCloseForm) and reopening a reason: neither is a phase here.
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[(v, label) for v, label in CasePhase.choices if v != CasePhase.CLOSED]
    )
    legal_circle = forms.ChoiceField(label=_("Rechtskreis"), choices=LegalCircle.choices)
    # Every case has a responsible case manager: the form never takes one away.
    case_manager = forms.ModelChoiceField(
        label=_("Case Manager*in"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Bitte die zuständige Case Manager*in auswählen.")},
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault(
            "initial",
            {"phase": case.phase, "legal_circle": case.legal_circle, "case_manager": case.case_manager_id},
        )
        super().__init__(*args, **kwargs)
        if not case.is_open:
            del self.fields["phase"]
        field = self.fields["case_manager"]
        if self.is_bound:  # what is sent is checked against the organisation's case staff now
            field.queryset = _case_staff(case.responsible_organisation_id)
        else:
            # The choices a page shows, read through a kept statement (issue 18) when the form is
            # drawn (a reader who may not change the case never draws it). Building the queryset
            # a drawn form never asks cost a millisecond of every case page.
            organisation_id = case.responsible_organisation_id

            @functools.cache  # (Select asks for the first choice before it draws them all)
            def choices() -> list:
                staff = kept.kept_rows(
                    name="candidates.case_manager_choices", build=_case_staff, values=(organisation_id,)
                )
                return model_choices(field, staff)

            field.widget.choices = choices


def _case_staff(organisation_id: int):
    """The active case staff of an organisation, by e-mail: whom a case may be given to."""
    member_ids = Membership.objects.filter(
        organisation_id=organisation_id, role__in=CASE_STAFF, is_active=True
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=member_ids).order_by("email")


class GoalForm(OneSubmissionMixin, forms.Form):
    title = forms.CharField(label=_("Neues Ziel"), max_length=200)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=GoalStatus.choices)


class StepForm(OneSubmissionMixin, forms.Form):
    title = forms.CharField(label=_("Schritt"), max_length=200)
    due_date = dates.DateField(label=_("fällig am"), required=False, widget=DATE_WIDGET)
    responsible = forms.CharField(label=_("verantwortlich"), max_length=150, required=False)
    # Issue 22: a step of the person's with a due date is a task she answers in self-service.
    assignee = forms.ChoiceField(
        label=_("Wer erledigt den Schritt?"),
        choices=StepAssignee.choices,
        initial=StepAssignee.STAFF,
        required=False,  # left out (older forms, scripts): a staff step, as before
        help_text=_(
            "Schritte der Person selbst hakt sie in ihrem Plan ab; mit Fälligkeitsdatum sind sie "
            "eine Aufgabe auf ihrer Startseite."
        ),
    )

    def clean_assignee(self) -> str:
        return self.cleaned_data.get("assignee") or StepAssignee.STAFF


# --- the plan in self-service (issue 22) ---


class OwnStepForm(OneSubmissionMixin, forms.Form):
    """A step the person adds to a goal of her plan."""

    title = forms.CharField(label=_("Was möchten Sie tun?"), max_length=200)
    due_date = dates.DateField(label=_("bis wann (freiwillig)"), required=False, widget=DATE_WIDGET)


class StepCommentForm(OneSubmissionMixin, forms.Form):
    text = forms.CharField(
        label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), max_length=STEP_TEXT_MAX
    )


class TaskAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Ihre Antwort"), choices=TaskAnswer.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Ihre Nachricht (freiwillig)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=STEP_TEXT_MAX,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The person's words for the three answers, not the staff's ("braucht Hilfe").
        self.fields["answer"].choices = [
            (TaskAnswer.DONE, _("Erledigt")),
            (TaskAnswer.ANSWERED, _("Ich antworte mit einer Nachricht")),
            (TaskAnswer.HELP, _("Ich brauche Hilfe")),
        ]

    def clean(self):
        data = super().clean()
        if data.get("answer") == TaskAnswer.ANSWERED and not (data.get("text") or "").strip():
            self.add_error("text", _("Bitte schreiben Sie Ihre Antwort."))
        return data


# --- end issue 22 ---


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(choices=StepStatus.choices)


class NoteForm(OneSubmissionMixin, forms.Form):
    text = forms.CharField(label=_("Notiz"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)


class PaperConsentForm(forms.Form):
    """Staff record a grant the person signed on paper."""

    scope = forms.ChoiceField(label=_("Umfang"), choices=ConsentScope.choices)
    recipient_organisation = forms.ModelChoiceField(
        label=_("empfangende Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Für Kontaktdaten (ein Arbeitgeber) und Falldaten (Übergabe an eine Organisation)."),
    )
    recipient_user = forms.ModelChoiceField(
        label=_("Ehrenamtliche*r"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Nur für den Zugang einer*eines Ehrenamtlichen."),
    )
    granted_on = dates.DateField(label=_("unterschrieben am"), widget=DATE_WIDGET, window=dates.PAST)
    paper_form_reference = forms.CharField(
        label=_("Formular-Referenz"),
        max_length=100,
        help_text=_("Ablageort oder Nummer des unterschriebenen Formulars."),
    )
    reference = forms.CharField(label=_("Bezug"), max_length=100, required=False)

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what this person's consent may name: their municipality, organisations of a fitting kind.
        self.fields["recipient_organisation"].queryset = consent_recipients(candidate=candidate)
        # Another municipality's office is named with its municipality (a move).
        self.fields["recipient_organisation"].label_from_instance = lambda o: (
            f"{o.name} ({o.municipality.name})" if getattr(o, "elsewhere", False) else o.name
        )
        self.fields["recipient_user"].queryset = consent_volunteers(candidate=candidate)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        organisation = data.get("recipient_organisation")
        if organisation is not None and scope == ConsentScope.CONTACT and organisation.kind != "employer":
            self.add_error("recipient_organisation", _("Kontaktdaten gehen nur an einen geprüften Betrieb."))
        if organisation is not None and scope == ConsentScope.CASE_DATA and organisation.kind == "employer":
            self.add_error("recipient_organisation", _("Falldaten gehen nie an einen Betrieb."))
        if scope in (ConsentScope.CONTACT, ConsentScope.CASE_DATA) and not data.get("recipient_organisation"):
            self.add_error("recipient_organisation", _("Bitte die empfangende Organisation auswählen."))
        if scope == ConsentScope.VOLUNTEER and not data.get("recipient_user"):
            self.add_error("recipient_user", _("Bitte die*den Ehrenamtliche*n auswählen."))
        granted_on = data.get("granted_on")
        if granted_on and granted_on > timezone.localdate():
            self.add_error("granted_on", _("Das Datum der Unterschrift liegt in der Zukunft."))
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"), max_length=254)
    language = forms.ChoiceField(
        label=_("Sprache der E-Mail"),
        help_text=_("Die E-Mail ist in dieser Sprache geschrieben, mit dem deutschen Text darunter."),
        choices=settings.LANGUAGES,
        initial="de",
        required=False,  # no choice: German
    )

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or settings.LANGUAGE_CODE


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(label=_("Passwort"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(label=_("Passwort noch einmal"), widget=forms.PasswordInput, max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Die beiden Passwörter sind nicht gleich."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, alle personenbezogenen Daten dieser Person endgültig löschen."), required=True
    )


# --- life-domain assessment (issue 14) ---------------------------------------------------------


class AssessmentForm(OneSubmissionMixin, forms.Form):
    """The whole assessment on one page: per life domain a need level, strengths, the person's own
    words and a re-assessment date. Prefilled from the latest version, so a revision changes only
    what changed."""

    assessed_on = dates.DateField(label=_("eingeschätzt am"), widget=DATE_WIDGET)

    def __init__(self, *args, latest=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        before = {e.domain: e for e in latest.entries.all()} if latest is not None else {}
        self.domains = []
        for domain, label in LifeDomain.choices:
            old = before.get(domain)
            self.fields[f"{domain}-need"] = forms.ChoiceField(
                label=_("Bedarf"),
                choices=NeedLevel.choices,
                initial=old.need if old else NeedLevel.NONE,
                widget=forms.RadioSelect,
            )
            self.fields[f"{domain}-strengths"] = forms.CharField(
                label=_("Stärken"),
                max_length=ASSESSMENT_TEXT_MAX,
                required=False,
                initial=old.strengths if old else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{domain}-own_words"] = forms.CharField(
                label=_("in eigenen Worten"),
                max_length=ASSESSMENT_TEXT_MAX,
                required=False,
                initial=old.own_words if old else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{domain}-reassess_on"] = dates.DateField(
                label=_("erneut einschätzen am"),
                required=False,
                initial=old.reassess_on if old else None,
                widget=DATE_WIDGET,
            )
            self.domains.append(
                {
                    "key": domain,
                    "label": label,
                    "special": domain in SPECIAL_CATEGORY_DOMAINS,
                    "need": self[f"{domain}-need"],
                    "strengths": self[f"{domain}-strengths"],
                    "own_words": self[f"{domain}-own_words"],
                    "reassess_on": self[f"{domain}-reassess_on"],
                }
            )

    def entries(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "domain": domain,
                "need": data[f"{domain}-need"],
                "strengths": data[f"{domain}-strengths"],
                "own_words": data[f"{domain}-own_words"],
                "reassess_on": data[f"{domain}-reassess_on"],
            }
            for domain in LifeDomain.values
        ]


# --- appointments (issue 22) -----------------------------------------------------------------------

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AppointmentForm(OneSubmissionMixin, forms.Form):
    """Plan or change an appointment: day, from–to, place or video link, who attends from staff,
    interpreter. Times are the municipality's local time."""

    kind = forms.ChoiceField(label=_("Art des Termins"), choices=AppointmentKind.choices)
    day = dates.DateField(label=_("Datum"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("von"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("bis"), widget=TIME_WIDGET)
    place = forms.CharField(label=_("Ort"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video-Link"), max_length=500, required=False, assume_scheme="https")
    notes = forms.CharField(
        label=_("Hinweise"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    staff_attendees = forms.ModelMultipleChoiceField(
        label=_("Teilnehmende Fachkräfte"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpreter_needed = forms.BooleanField(label=_("Dolmetschung nötig"), required=False)
    interpreter_language = forms.ChoiceField(
        label=_("Sprache der Dolmetschung"), choices=[("", "—"), *Language.choices], required=False
    )

    def __init__(self, *args, staff_choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_attendees"].queryset = get_user_model().objects.filter(
            pk__in=[u.pk for u in staff_choices]
        )
        self.fields["staff_attendees"].label_from_instance = lambda u: u.get_full_name() or u.email

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start), tz)
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end), tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("Das Ende muss nach dem Beginn liegen."))
        if not data.get("place") and not data.get("video_link"):
            self.add_error("place", _("Bitte geben Sie einen Ort oder einen Video-Link an."))
        if data.get("interpreter_needed") and not data.get("interpreter_language"):
            self.add_error("interpreter_language", _("Bitte geben Sie die Sprache der Dolmetschung an."))
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "starts_at": d["starts_at"],
            "ends_at": d["ends_at"],
            "place": d["place"],
            "video_link": d["video_link"],
            "notes": d["notes"],
            "staff_attendees": list(d["staff_attendees"]),
            "interpreter_needed": d["interpreter_needed"],
            "interpreter_language": d["interpreter_language"] if d["interpreter_needed"] else "",
        }

    @classmethod
    def initial_for(cls, appointment) -> dict:
        start = timezone.localtime(appointment.starts_at)
        end = timezone.localtime(appointment.ends_at)
        return {
            "kind": appointment.kind,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "place": appointment.place,
            "video_link": appointment.video_link,
            "notes": appointment.notes,
            "staff_attendees": list(appointment.staff_attendees.all()),
            "interpreter_needed": appointment.interpreter_needed,
            "interpreter_language": appointment.interpreter_language,
        }


# --- closing a case with an evaluation; reassigning (issue 14 §4) --------------------------------


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Grund des Abschlusses"),
        choices=ClosingReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie den Grund des Abschlusses.")},
    )
    goals_reached = forms.ModelMultipleChoiceField(
        label=_("Welche Ziele des Integrationsplans wurden erreicht?"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Bemerkung zum Abschluss"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel, was geholfen hat oder was gefehlt hat."),
    )

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals_reached"].queryset = Goal.objects.filter(case=case)
        self.fields["goals_reached"].initial = [
            g.pk for g in self.fields["goals_reached"].queryset if g.status == GoalStatus.ACHIEVED
        ]


class FollowUpAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Läuft die Beschäftigung noch?"),
        choices=FollowUpAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie eine Antwort.")},
    )


class CaseReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Wiedereröffnung"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Bitte begründen Sie, warum der Fall wieder eröffnet wird.")},
    )


class ReassignForm(forms.Form):
    cases = forms.MultipleChoiceField(
        label=_("Fälle"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens einen Fall.")},
    )
    to_user = forms.ChoiceField(
        label=_("neue zuständige Fachkraft"),
        error_messages={"required": _("Bitte wählen Sie eine aktive Fachkraft.")},
    )

    def __init__(self, *args, cases, targets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case_rows = {str(c.pk): c for c in cases}
        self.target_rows = {str(u.pk): u for u in targets}
        self.fields["cases"].choices = [
            (str(c.pk), f"{c.candidate.full_name} – {c.case_manager or _('ohne Case Manager*in')}")
            for c in cases
        ]
        self.fields["to_user"].choices = [("", "—")] + [
            (str(u.pk), u.get_full_name() or u.email) for u in targets
        ]

    def selected_cases(self) -> list:
        return [self.case_rows[pk] for pk in self.cleaned_data["cases"]]

    def selected_user(self):
        return self.target_rows[self.cleaned_data["to_user"]]


# --- the Clearingstelle: questions to the Ausländerbehörde (issue 14 §3) ---------------------------

IMMIGRATION_TEXT_MAX = 3000


class ImmigrationQuestionForm(forms.Form):
    """What a member of staff sends to the Ausländerbehörde: only what they write here, plus the
    person's name and date of birth (the page says so)."""

    office = forms.ModelChoiceField(label=_("Ausländerbehörde"), queryset=Organisation.objects.none())
    topic = forms.ChoiceField(label=_("Thema"), choices=ImmigrationQuestionTopic.choices)
    message = forms.CharField(
        label=_("Ihre Frage"),
        max_length=IMMIGRATION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Schreiben Sie nur, was die Behörde für die Antwort braucht. Die Fallakte sieht sie nicht."
        ),
    )
    due_date = dates.DateField(
        label=_("Antwort erbeten bis"),
        widget=DATE_WIDGET,
        window=dates.DateWindow(years_back=0, years_ahead=1),
    )
    agreed = forms.BooleanField(
        label=_(
            "Die Person ist einverstanden, dass diese Frage mit ihrem Namen und Geburtsdatum an die Ausländerbehörde geht."
        ),
        required=True,
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in offices])
        if len(offices) == 1 and not self.is_bound:
            self.initial.setdefault("office", offices[0].pk)
        if not self.is_bound:
            self.initial.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=14))

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("agreed", None)
        return data


class ImmigrationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Antwort der Ausländerbehörde"),
        max_length=IMMIGRATION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class WorkPermitProcedureForm(forms.ModelForm):
    """The work permission procedure of a case (issue 14 §3)."""

    class Meta:
        model = WorkPermitProcedure
        fields = list(WORK_PERMIT_FIELDS)  # what the service writes
        widgets = {
            "applied_on": DATE_WIDGET,
            "ba_requested_on": DATE_WIDGET,
            "ba_decided_on": DATE_WIDGET,
            "decided_on": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = dict.fromkeys(
            ("applied_on", "ba_requested_on", "ba_decided_on", "decided_on", "valid_until"), dates.DateField
        )

    def clean(self):
        from .services import work_permit_problems

        cleaned = super().clean()
        for field, messages in work_permit_problems(cleaned).items():
            if field not in self.errors:
                self.add_error(field, messages)
        return cleaned


class RecognitionProcedureForm(forms.ModelForm):
    """The recognition procedure (Anerkennung) of a qualification, from the case page (issue 14 §3)."""

    occupation_label = forms.CharField(label=_("Referenzberuf"), max_length=200, required=False)
    occupation_uri = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)

    class Meta:
        model = Qualification
        # What the service writes, but the occupation: the form takes it by its URI above.
        fields = [name for name in RECOGNITION_FIELDS if name != "recognition_occupation"]
        labels = {"recognition_status": _("Stand und Entscheidung")}
        widgets = {
            "recognition_applied_on": DATE_WIDGET,
            "recognition_decided_on": DATE_WIDGET,
            "adaptation_from": DATE_WIDGET,
            "adaptation_until": DATE_WIDGET,
        }
        field_classes = dict.fromkeys(
            ("recognition_applied_on", "recognition_decided_on", "adaptation_from", "adaptation_until"),
            dates.DateField,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        occupation = self.instance.recognition_occupation if self.instance.pk else None
        if occupation is not None and not self.is_bound:
            self.fields["occupation_label"].initial = occupation.label
            self.fields["occupation_uri"].initial = occupation.uri

    def clean(self):
        data = super().clean()
        uri = data.get("occupation_uri") or ""
        occupation = occupation_by_uri(uri=uri) if uri else None
        if uri and occupation is None:
            self.add_error("occupation_label", _("Bitte einen Beruf aus den Vorschlägen auswählen."))
        data["recognition_occupation"] = occupation
        return data
