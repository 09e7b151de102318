"""Candidates, their skill profile, their case and their consents (DESIGN.md "Candidate", "Case", "Consent").

The models hold data and small read-only properties; every write that carries a rule
(who may do it, what it sets beside) goes through candidates.services.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inputs.dates import stored_range_constraints
from taxonomy.cefr import CEFR

# Crockford's base32: no I, L, O or U, so a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# What a public reference looks like (also the URL converter's pattern in employers.urls).
REFERENCE_PATTERN = "[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}"


def public_reference() -> str:
    """A random reference such as ``7KQ2M-9XD3A`` (50 bits): nothing to count, guess or link to an id."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


class Gender(models.TextChoices):
    FEMALE = "female", _("weiblich")
    MALE = "male", _("männlich")
    DIVERSE = "diverse", _("divers")
    UNSPECIFIED = "unspecified", _("keine Angabe")


class ResidenceStatus(models.TextChoices):
    AUFENTHALTSGESTATTUNG = "aufenthaltsgestattung", _("Aufenthaltsgestattung (Asylverfahren läuft)")
    DULDUNG = "duldung", _("Duldung")
    AUFENTHALTSERLAUBNIS = "aufenthaltserlaubnis", _("Aufenthaltserlaubnis")
    NIEDERLASSUNGSERLAUBNIS = "niederlassungserlaubnis", _("Niederlassungserlaubnis")
    OTHER = "other", _("sonstiger Aufenthaltsstatus")


class WorkPermission(models.TextChoices):
    # The default: nobody has entered the permit yet (an intake asks for it later). Not the same
    # as "none", which a person chose; matching ranks such a person and says the permit is open.
    UNKNOWN = "unknown", _("noch offen (nicht eingetragen)")
    NONE = "none", _("keine Beschäftigung erlaubt")
    NEEDS_APPROVAL = "needs_approval", _("Beschäftigung nur mit Erlaubnis der Ausländerbehörde")
    UNRESTRICTED = "unrestricted", _("Erwerbstätigkeit uneingeschränkt erlaubt")


class PermitCategory(models.TextChoices):
    """What matching and employers need to know, without the legal detail."""

    MAY_WORK = "may_work", _("darf arbeiten")
    NEEDS_APPROVAL = "needs_approval", _("braucht Erlaubnis der Ausländerbehörde")
    NONE = "none", _("darf derzeit nicht arbeiten")
    UNKNOWN = "unknown", _("Arbeitserlaubnis noch offen")


class ChildrenUnder6(models.TextChoices):
    """Whether the person has children under 6 (issue 20): kept only with the consent scope
    ``family_figures`` and only to count "women with children under 6" in the equity figures.
    Blank is "not stated"."""

    YES = "yes", _("ja")
    NO = "no", _("nein")


class ProfileSource(models.TextChoices):
    CANDIDATE = "candidate", _("von der Person selbst angegeben")
    STAFF = "staff", _("von einer Fachkraft erfasst")


class Candidate(models.Model):
    """A person with refugee experience (Klient*in) and their profile."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("Kommune"),
    )
    # Set once the person uses self-service; many candidates never have a login.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate",
        verbose_name=_("Benutzerkonto"),
    )
    first_name = models.CharField(_("Vorname"), max_length=150)
    last_name = models.CharField(_("Nachname"), max_length=150)
    # The only handle employers get on an anonymised profile: random, never the database id
    # (ids are counted, guessed and shared with staff pages and consent references).
    public_ref = models.CharField(
        _("öffentliche Referenz"), max_length=11, unique=True, default=public_reference, editable=False
    )
    birth_date = models.DateField(_("Geburtsdatum"), null=True, blank=True)
    # Recorded for the case file only; never an input to matching.
    nationality = models.CharField(
        _("Staatsangehörigkeit"),
        max_length=100,
        blank=True,
        help_text=_("Nur für die Fallakte; wird nie für das Matching verwendet."),
    )
    gender = models.CharField(_("Geschlecht"), max_length=16, choices=Gender.choices, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(
        _("Postleitzahl"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Bitte eine fünfstellige Postleitzahl angeben."))],
    )
    city = models.CharField(_("Ort"), max_length=120, blank=True)

    max_commute_km = models.PositiveSmallIntegerField(
        _("maximaler Arbeitsweg (km)"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    has_driving_licence = models.BooleanField(_("Führerschein"), default=False)
    has_car = models.BooleanField(_("eigenes Auto"), default=False)
    hours_per_week_min = models.PositiveSmallIntegerField(
        _("Stunden pro Woche (mindestens)"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    hours_per_week_max = models.PositiveSmallIntegerField(
        _("Stunden pro Woche (höchstens)"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    available_from = models.DateField(_("verfügbar ab"), null=True, blank=True)

    residence_status = models.CharField(
        _("Aufenthaltsstatus"), max_length=32, choices=ResidenceStatus.choices, blank=True
    )
    residence_title_kind = models.CharField(
        _("Art des Aufenthaltstitels"),
        max_length=120,
        blank=True,
        help_text=_("Zum Beispiel „§ 25 Abs. 2 AufenthG“ oder „§ 24 AufenthG“."),
    )
    residence_expires = models.DateField(_("Aufenthalt gültig bis"), null=True, blank=True)
    work_permission = models.CharField(
        _("Arbeitserlaubnis"), max_length=16, choices=WorkPermission.choices, default=WorkPermission.UNKNOWN
    )
    work_permission_expires = models.DateField(_("Arbeitserlaubnis gültig bis"), null=True, blank=True)

    # Family facts are special: stored only while the person's consent ``family_figures`` is live
    # (services.children_under_6_set checks it; revoking or erasing clears it), never shown to
    # coordinators, counted only in the suppressed equity figures.
    children_under_6 = models.CharField(
        _("Kinder unter 6 Jahren"), max_length=3, choices=ChildrenUnder6.choices, blank=True
    )

    # The candidate's own words are kept as written; staff add their notes beside them.
    preferences_own_words = models.TextField(
        _("Wünsche in eigenen Worten"),
        blank=True,
        help_text=_("So, wie die Person es selbst sagt oder schreibt."),
    )
    preferences_staff_notes = models.TextField(
        _("Ergänzungen der Fachkraft"),
        blank=True,
        help_text=_("Ergänzt die Wünsche der Person, ersetzt sie aber nicht."),
    )
    # The language each text was typed in (the interface language then): shown with lang= as written.
    preferences_own_words_lang = models.CharField(_("Sprache der Wünsche"), max_length=8, default="de")
    preferences_staff_notes_lang = models.CharField(_("Sprache der Ergänzungen"), max_length=8, default="de")

    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    # Set by a GDPR erasure: the row stays only as an anonymous count; every selector skips it.
    erased_at = models.DateTimeField(_("gelöscht am (DSGVO)"), null=True, blank=True)
    # The intake form's one-time key: the same form posted twice (double click, resend) finds
    # this person again instead of making a second one. Unique per case manager (see Meta).
    intake_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Klient*in")
        verbose_name_plural = _("Klient*innen")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["municipality", "last_name"]),
            # The employer's browse page, newest first (issue 21): walked in order, each row's live
            # listing consent probed in its partial unique index, so a page stops after its rows
            # instead of sorting every listed person of the municipality.
            models.Index(
                fields=["municipality", "-updated_at", "id"],
                condition=Q(erased_at__isnull=True),
                name="candidate_listed_recent",
            ),
        ]
        constraints = [
            *stored_range_constraints(
                "candidate",
                dates=["birth_date", "available_from", "residence_expires", "work_permission_expires"],
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week_min__isnull=True)
                | Q(hours_per_week_max__isnull=True)
                | Q(hours_per_week_min__lte=models.F("hours_per_week_max")),
                name="candidate_hours_min_le_max",
            ),
            models.UniqueConstraint(
                fields=["created_by", "intake_key"], name="candidate_one_per_intake_form"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the listing count depends on, as loaded: a save that changes it tells
        # candidates.listing (both municipalities of a move) without asking the database.
        loaded = dict(zip(field_names, values, strict=False))
        if "municipality_id" in loaded and "erased_at" in loaded:  # not when read with .only()
            instance._listing_loaded = (loaded["municipality_id"], loaded["erased_at"])
        return instance

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def permit_category(self) -> str:
        """``may_work``, ``needs_approval``, ``none`` or ``unknown`` (not entered yet): the work
        permission in one word.

        Expiry dates are shown beside it as a note; an expiring permit does not change the
        category, because a pending renewal (Fiktionsbescheinigung) usually keeps it alive.
        """
        if self.work_permission == WorkPermission.UNRESTRICTED:
            return PermitCategory.MAY_WORK.value
        if self.work_permission == WorkPermission.NEEDS_APPROVAL:
            return PermitCategory.NEEDS_APPROVAL.value
        if self.work_permission == WorkPermission.UNKNOWN:
            return PermitCategory.UNKNOWN.value
        return PermitCategory.NONE.value


class CandidateOccupation(models.Model):
    """An occupation the candidate has worked in or trained for (ESCO)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="occupations", verbose_name=_("Klient*in")
    )
    occupation = models.ForeignKey(
        "taxonomy.Occupation",
        on_delete=models.PROTECT,
        related_name="candidate_entries",
        verbose_name=_("Beruf (ESCO)"),
    )
    years_experience = models.DecimalField(
        _("Berufserfahrung (Jahre)"),
        max_digits=3,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        _("Quelle"), max_length=16, choices=ProfileSource.choices, default=ProfileSource.STAFF
    )

    class Meta:
        verbose_name = _("Beruf der Klient*in")
        verbose_name_plural = _("Berufe der Klient*innen")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "occupation"], name="candidate_occupation_unique"),
            models.CheckConstraint(
                condition=Q(years_experience__gte=0), name="candidate_occupation_years_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.occupation}"


class CandidateSkill(models.Model):
    """A skill or piece of knowledge the candidate has (ESCO)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="skills", verbose_name=_("Klient*in")
    )
    skill = models.ForeignKey(
        "taxonomy.Skill",
        on_delete=models.PROTECT,
        related_name="candidate_entries",
        verbose_name=_("Kompetenz (ESCO)"),
    )
    source = models.CharField(
        _("Quelle"), max_length=16, choices=ProfileSource.choices, default=ProfileSource.STAFF
    )

    class Meta:
        verbose_name = _("Kompetenz der Klient*in")
        verbose_name_plural = _("Kompetenzen der Klient*innen")
        constraints = [models.UniqueConstraint(fields=["candidate", "skill"], name="candidate_skill_unique")]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.skill}"


class Language(models.TextChoices):
    """ISO 639-1 codes of the languages people here most often speak (German names)."""

    DE = "de", _("Deutsch")
    AR = "ar", _("Arabisch")
    FA = "fa", _("Persisch (Farsi/Dari)")
    PS = "ps", _("Paschtu")
    UK = "uk", _("Ukrainisch")
    RU = "ru", _("Russisch")
    TI = "ti", _("Tigrinya")
    AM = "am", _("Amharisch")
    SO = "so", _("Somali")
    KU = "ku", _("Kurdisch")
    TR = "tr", _("Türkisch")
    EN = "en", _("Englisch")
    FR = "fr", _("Französisch")
    ES = "es", _("Spanisch")
    IT = "it", _("Italienisch")
    PL = "pl", _("Polnisch")
    RO = "ro", _("Rumänisch")
    SQ = "sq", _("Albanisch")
    SR = "sr", _("Serbisch")
    KA = "ka", _("Georgisch")
    HY = "hy", _("Armenisch")
    UR = "ur", _("Urdu")
    BN = "bn", _("Bengalisch")
    HI = "hi", _("Hindi")
    VI = "vi", _("Vietnamesisch")
    ZH = "zh", _("Chinesisch")


class LanguageExam(models.TextChoices):
    NONE = "none", _("keine Prüfung")
    TELC = "telc", _("telc")
    GOETHE = "goethe", _("Goethe-Zertifikat")
    DTZ = "dtz", _("Deutsch-Test für Zuwanderer (DTZ)")
    TESTDAF = "testdaf", _("TestDaF")
    OSD = "osd", _("ÖSD")
    OTHER = "other", _("andere Prüfung")


class LanguageSkill(models.Model):
    """One language with separate spoken and written CEFR levels and, if any, an exam."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="languages", verbose_name=_("Klient*in")
    )
    language = models.CharField(_("Sprache"), max_length=3, choices=Language.choices)
    spoken = models.CharField(_("mündlich (GER)"), max_length=2, choices=CEFR.choices, null=True, blank=True)
    written = models.CharField(
        _("schriftlich (GER)"), max_length=2, choices=CEFR.choices, null=True, blank=True
    )
    is_native = models.BooleanField(_("Erstsprache"), default=False)
    exam = models.CharField(
        _("Prüfung"), max_length=16, choices=LanguageExam.choices, default=LanguageExam.NONE
    )
    exam_level = models.CharField(
        _("Prüfungsniveau (GER)"), max_length=2, choices=CEFR.choices, null=True, blank=True
    )
    exam_date = models.DateField(_("Prüfungsdatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("Sprachkenntnis")
        verbose_name_plural = _("Sprachkenntnisse")
        ordering = ["-is_native", "language"]
        constraints = [
            *stored_range_constraints("languageskill", dates=["exam_date"]),
            models.UniqueConstraint(fields=["candidate", "language"], name="candidate_language_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()} ({self.spoken or '–'}/{self.written or '–'})"


class QualificationKind(models.TextChoices):
    SCHOOL = "school", _("Schulabschluss")
    VOCATIONAL = "vocational", _("Berufsausbildung")
    UNIVERSITY = "university", _("Studium")
    OTHER = "other", _("Sonstiges (Kurs, Zertifikat)")


class RecognitionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Anerkennung nicht begonnen")
    IN_PROGRESS = "in_progress", _("Anerkennung läuft")
    PARTIAL = "partial", _("teilweise anerkannt")
    FULL = "full", _("voll anerkannt")
    NOT_NEEDED = "not_needed", _("keine Anerkennung nötig")
    # issue 14 §3: the decisions of a recognition procedure beyond full and partial
    COMPENSATION = "compensation", _("Ausgleichsmaßnahme nötig")
    REFUSED = "refused", _("Anerkennung abgelehnt")


# The decisions that close a recognition procedure (they carry a date), and those that count as
# recognised on the anonymised card and in matching.
RECOGNITION_DECISIONS = ("full", "partial", "compensation", "refused")
RECOGNISED = ("full", "partial")


class AdaptationFunding(models.TextChoices):
    """Who pays the adaptation training (Anpassungsqualifizierung)."""

    ANERKENNUNGSZUSCHUSS = "zuschuss", _("Anerkennungszuschuss")
    BILDUNGSGUTSCHEIN = "gutschein", _("Bildungsgutschein")
    EMPLOYER = "employer", _("Arbeitgeber")
    OTHER = "other", _("andere Förderung")


class Qualification(models.Model):
    """A school, vocational or university qualification and its recognition (Anerkennung)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("Klient*in")
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    kind = models.CharField(_("Art"), max_length=16, choices=QualificationKind.choices)
    country = models.CharField(_("Land"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(
        _("Jahr"), null=True, blank=True, validators=[MinValueValidator(1940), MaxValueValidator(2100)]
    )
    recognition_status = models.CharField(
        _("Anerkennung"),
        max_length=16,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.NOT_STARTED,
    )
    recognition_authority = models.CharField(
        _("anerkennende Stelle"),
        max_length=200,
        blank=True,
        help_text=_("Zum Beispiel IHK FOSA, Handwerkskammer, Regierungspräsidium."),
    )
    # issue 14 §3: the recognition procedure (Anerkennung) of this qualification
    recognition_occupation = models.ForeignKey(
        "taxonomy.Occupation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Referenzberuf"),
        help_text=_("Der deutsche Beruf, für den die Anerkennung beantragt ist."),
    )
    recognition_applied_on = models.DateField(_("Anerkennung beantragt am"), null=True, blank=True)
    recognition_decided_on = models.DateField(_("Anerkennung entschieden am"), null=True, blank=True)
    adaptation_training = models.CharField(
        _("Anpassungsqualifizierung"), max_length=200, blank=True, help_text=_("Was wird nachgeholt?")
    )
    adaptation_provider = models.CharField(
        _("Träger der Anpassungsqualifizierung"), max_length=200, blank=True
    )
    adaptation_from = models.DateField(_("Anpassungsqualifizierung von"), null=True, blank=True)
    adaptation_until = models.DateField(_("Anpassungsqualifizierung bis"), null=True, blank=True)
    adaptation_funding = models.CharField(
        _("Förderung der Anpassungsqualifizierung"),
        max_length=16,
        choices=AdaptationFunding.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("Qualifikation")
        verbose_name_plural = _("Qualifikationen")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recognition_applied_on__isnull=True)
                | Q(recognition_decided_on__isnull=True)
                | Q(recognition_decided_on__gte=F("recognition_applied_on")),
                name="qualification_recognition_decided_after_applied",
            ),
            models.CheckConstraint(
                condition=Q(adaptation_from__isnull=True)
                | Q(adaptation_until__isnull=True)
                | Q(adaptation_until__gte=F("adaptation_from")),
                name="qualification_adaptation_until_after_from",
            ),
            *stored_range_constraints(
                "qualification",
                dates=[
                    "recognition_applied_on",
                    "recognition_decided_on",
                    "adaptation_from",
                    "adaptation_until",
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recognised(self) -> bool:
        return self.recognition_status in RECOGNISED


class CasePhase(models.TextChoices):
    INTAKE = "intake", _("Erstgespräch")
    ASSESSMENT = "assessment", _("Kompetenzfeststellung")
    PLANNING = "planning", _("Integrationsplanung")
    LINKING = "linking", _("Vermittlung")
    MONITORING = "monitoring", _("Begleitung")
    CLOSED = "closed", _("abgeschlossen")


class LegalCircle(models.TextChoices):
    ASYLBLG = "asylblg", _("AsylbLG")
    SGB2 = "sgb2", _("SGB II (Jobcenter)")
    SGB3 = "sgb3", _("SGB III (Agentur für Arbeit)")
    NONE = "none", _("kein Leistungsbezug")


class Case(models.Model):
    """The case-management cycle of one candidate with one responsible organisation."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="cases", verbose_name=_("Klient*in")
    )
    # Denormalised tenant boundary so every case query can filter on it directly;
    # it must equal the candidate's municipality (checked in clean(), set by the services).
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("Kommune"),
    )
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("zuständige Organisation"),
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_cases",
        verbose_name=_("Case Manager*in"),
    )
    phase = models.CharField(_("Phase"), max_length=16, choices=CasePhase.choices, default=CasePhase.INTAKE)
    legal_circle = models.CharField(
        _("Rechtskreis"), max_length=16, choices=LegalCircle.choices, default=LegalCircle.NONE
    )
    opened_at = models.DateTimeField(_("eröffnet am"), default=timezone.now)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Fall")
        verbose_name_plural = _("Fälle")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["municipality", "phase"]),
            models.Index(fields=["case_manager", "phase"]),
        ]
        constraints = [
            # A closed case has a closing date and an open one has none.
            models.CheckConstraint(
                condition=(Q(phase="closed") & Q(closed_at__isnull=False))
                | (~Q(phase="closed") & Q(closed_at__isnull=True)),
                name="case_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} ({self.get_phase_display()})"

    def clean(self) -> None:
        if (
            self.candidate_id
            and self.municipality_id
            and self.candidate.municipality_id != self.municipality_id
        ):
            raise ValidationError({"municipality": _("Der Fall muss zur Kommune der Klient*in gehören.")})
        if (
            self.responsible_organisation_id
            and self.municipality_id
            and self.responsible_organisation.municipality_id != self.municipality_id
        ):
            raise ValidationError(
                {
                    "responsible_organisation": _(
                        "Die zuständige Organisation gehört zu einer anderen Kommune."
                    )
                }
            )

    @property
    def is_open(self) -> bool:
        return self.phase != CasePhase.CLOSED


class ConsentScope(models.TextChoices):
    LISTING = "listing", _("anonymisiertes Profil für geprüfte Arbeitgeber der Region")
    CONTACT = "contact", _("Kontaktdaten für einen Arbeitgeber")
    CASE_DATA = "case_data", _("Falldaten für eine Organisation")
    VOLUNTEER = "volunteer", _("Zugang für eine*n zugeordnete*n Ehrenamtliche*n")
    # Issue 20: the one fact "children under 6", kept for the municipality's anonymous equity
    # figures; no recipient sees it as a person's data.
    FAMILY_FIGURES = "family_figures", _("Angabe zu Kindern unter 6 Jahren für die anonyme Statistik")


class ConsentSource(models.TextChoices):
    SELF_SERVICE = "self_service", _("von der Person selbst online erteilt")
    STAFF_PAPER_FORM = "staff_paper_form", _("von einer Fachkraft nach unterschriebenem Formular erfasst")


# What makes two grants "the same" while both are live: the recipient of the scope, and for
# contact details the introduction they were given for (the reference).
LIVE_CONSENT_KEY: dict[str, tuple[str, ...]] = {
    "listing": (),
    "contact": ("recipient_organisation", "reference"),
    "case_data": ("recipient_organisation",),
    "volunteer": ("recipient_user",),
    "family_figures": (),
}
# Scopes with no recipient: the listing (every verified employer of the region) and the family
# fact for the figures (nobody receives it).
NO_RECIPIENT_SCOPES = ("listing", "family_figures")


class ListingVersion(models.Model):
    """A token per municipality that changes, in the changing transaction, whenever who is listed
    there may change (a listing consent given or revoked, an erasure, a move, a deletion).

    The employer's browse page caches its count under the tokens it reads: a request that sees
    the new token (the change committed) never gets a count computed before the change.
    """

    municipality = models.OneToOneField(
        "organisations.Municipality", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.UUIDField()

    class Meta:
        verbose_name = _("Stand der Liste")
        verbose_name_plural = _("Stände der Liste")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.token}"


class ConsentQuerySet(models.QuerySet):
    def live(self) -> ConsentQuerySet:
        """Grants that have not been revoked: the only ones any access check may rely on."""
        return self.filter(revoked_at__isnull=True)


class Consent(models.Model):
    """A dated, revocable grant by the candidate: one scope for one recipient (or the listing)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="consents", verbose_name=_("Klient*in")
    )
    scope = models.CharField(_("Umfang"), max_length=16, choices=ConsentScope.choices)
    recipient_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="received_consents",
        verbose_name=_("empfangende Organisation"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="received_consents",
        verbose_name=_("empfangende Person"),
    )
    reference = models.CharField(
        _("Bezug"), max_length=100, blank=True, help_text=_("Zum Beispiel die Nummer einer Vorstellung.")
    )
    granted_at = models.DateTimeField(_("erteilt am"), default=timezone.now)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    source = models.CharField(
        _("Herkunft"), max_length=20, choices=ConsentSource.choices, default=ConsentSource.SELF_SERVICE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    paper_form_reference = models.CharField(
        _("Formular-Referenz"),
        max_length=100,
        blank=True,
        help_text=_("Ablageort oder Nummer des unterschriebenen Papierformulars."),
    )
    # When staff typed a paper grant in (granted_at is the date on the signed form).
    recorded_at = models.DateTimeField(_("erfasst am"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("widerrufen durch"),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["candidate", "scope", "revoked_at"], name="consent_cand_scope_live")]
        constraints = [
            *stored_range_constraints("consent", datetimes=["granted_at"]),
            # Every scope but the listing names its recipient.
            models.CheckConstraint(
                condition=Q(scope__in=NO_RECIPIENT_SCOPES)
                | (Q(scope__in=["contact", "case_data"]) & Q(recipient_organisation__isnull=False))
                | (Q(scope="volunteer") & Q(recipient_user__isnull=False)),
                name="consent_scope_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("granted_at")),
                name="consent_revoked_after_granted",
            ),
            # One live grant per person, scope and recipient (contact: per introduction), so that
            # one revoke always ends the access. The database holds this, not a check before insert.
            *(
                models.UniqueConstraint(
                    fields=["candidate", *key],
                    condition=Q(scope=scope, revoked_at__isnull=True),
                    name=f"consent_one_live_{scope}",
                )
                for scope, key in LIVE_CONSENT_KEY.items()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.get_scope_display()}"

    def clean(self) -> None:
        if self.source == ConsentSource.STAFF_PAPER_FORM and not self.recorded_by_id:
            raise ValidationError(
                {"recorded_by": _("Bitte angeben, wer das unterschriebene Formular erfasst hat.")}
            )

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


# --- integration plan, notes, self-service invitations, expiry warnings (issue 3) ------------


class GoalStatus(models.TextChoices):
    OPEN = "open", _("offen")
    ACHIEVED = "achieved", _("erreicht")
    DROPPED = "dropped", _("nicht weiter verfolgt")


class StepStatus(models.TextChoices):
    OPEN = "open", _("offen")
    DONE = "done", _("erledigt")
    CANCELLED = "cancelled", _("entfallen")


# --- the plan in self-service (issue 22) ---
STEP_TEXT_MAX = 1000


class StepAssignee(models.TextChoices):
    CANDIDATE = "candidate", _("die Person selbst")
    STAFF = "staff", _("Fachkraft")


class TaskAnswer(models.TextChoices):
    DONE = "done", _("erledigt")
    ANSWERED = "answered", _("beantwortet")
    HELP = "help", _("braucht Hilfe")


# --- end issue 22 ---


class Goal(models.Model):
    """A goal of the integration plan of one case (e.g. "B1 certificate", "job as a welder")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals", verbose_name=_("Fall"))
    title = models.CharField(_("Ziel"), max_length=200)
    # The language the title was typed in (free text is shown as written, marked with lang=).
    title_lang = models.CharField(_("Sprache des Titels"), max_length=8, default="de")
    status = models.CharField(_("Status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    # The goal form's one-time key: a double submit adds one goal (unique per case).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "submission_key"], name="goal_one_per_form")]

    def __str__(self) -> str:
        return self.title


class Step(models.Model):
    """One step towards a goal, with a due date and who is responsible for it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps", verbose_name=_("Ziel"))
    title = models.CharField(_("Schritt"), max_length=200)
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=StepStatus.choices, default=StepStatus.OPEN)
    responsible = models.CharField(
        _("verantwortlich"),
        max_length=150,
        blank=True,
        help_text=_("Zum Beispiel „Klient*in“, „Case Manager*in“ oder „Sprachkursträger“."),
    )
    # --- the plan in self-service (issue 22) ---
    # Who does the step: the person ticks off only her own steps (and the ones she added).
    assignee = models.CharField(
        _("erledigt von"), max_length=16, choices=StepAssignee.choices, default=StepAssignee.STAFF
    )
    source = models.CharField(
        _("Quelle"), max_length=16, choices=ProfileSource.choices, default=ProfileSource.STAFF
    )
    title_lang = models.CharField(_("Sprache des Titels"), max_length=8, default="de")
    # A task (a step of the person's with a due date) is answered in self-service.
    answer = models.CharField(_("Antwort"), max_length=16, choices=TaskAnswer.choices, blank=True)
    answer_text = models.TextField(_("Antworttext"), max_length=STEP_TEXT_MAX, blank=True)
    answer_lang = models.CharField(_("Sprache der Antwort"), max_length=8, blank=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    # --- end issue 22 ---
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    # The step form's one-time key: a double submit adds one step (unique per goal).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Schritt")
        verbose_name_plural = _("Schritte")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            *stored_range_constraints("step", dates=["due_date"]),
            models.UniqueConstraint(fields=["goal", "submission_key"], name="step_one_per_form"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == StepStatus.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def is_task(self) -> bool:
        """A task for the person: her step with a due date (shown on her start page)."""
        return self.assignee == StepAssignee.CANDIDATE and self.due_date is not None

    @property
    def candidate_may_tick(self) -> bool:
        return self.assignee == StepAssignee.CANDIDATE


class CaseNote(models.Model):
    """A dated note in the case file, written by staff."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("Fall"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verfasst von"),
    )
    text = models.TextField(_("Notiz"), max_length=5000)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    # The note form's one-time key: a double submit saves one note (unique per author).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Fallnotiz")
        verbose_name_plural = _("Fallnotizen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "submission_key"], name="case_note_one_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"


class Invitation(models.Model):
    """A self-service invitation: the link carries a signed token naming this row; used once."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("Klient*in")
    )
    email = models.EmailField(_("E-Mail"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )
    created_at = models.DateTimeField(_("versendet am"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    # Set when a newer invitation for the same person went out: only the newest link is valid.
    voided_at = models.DateTimeField(_("ungültig seit"), null=True, blank=True)
    # The language the e-mail is written in (German below it); the account starts in it.
    language = models.CharField(_("Sprache der E-Mail"), max_length=8, default="de")

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.created_at:%Y-%m-%d}"


class PermitKind(models.TextChoices):
    RESIDENCE = "residence", _("Aufenthaltstitel")
    WORK = "work", _("Arbeitserlaubnis")


class PermitExpiryWarning(models.Model):
    """A sent expiry warning: one per candidate, permit and expiry date, so nobody is warned twice."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="expiry_warnings", verbose_name=_("Klient*in")
    )
    kind = models.CharField(_("Art"), max_length=16, choices=PermitKind.choices)
    expires_on = models.DateField(_("läuft ab am"))
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gewarnt wurde"),
    )
    sent_at = models.DateTimeField(_("gewarnt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Ablaufwarnung")
        verbose_name_plural = _("Ablaufwarnungen")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind", "expires_on"], name="permit_warning_once")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.kind} {self.expires_on}"


# --- the plan in self-service: change history and comments of a step (issue 22) --------------


class StepEventKind(models.TextChoices):
    CREATED = "created", _("Schritt angelegt")
    DONE = "done", _("als erledigt markiert")
    REOPENED = "reopened", _("wieder geöffnet")
    CANCELLED = "cancelled", _("als entfallen markiert")
    COMMENT = "comment", _("Kommentar")
    ANSWERED = "answered", _("Aufgabe beantwortet")
    HELP = "help", _("braucht Hilfe")


class StepEvent(models.Model):
    """One change of a step or one comment on it: who (the person herself or a staff member), what,
    when. Staff read them as the step's history on the case page; the person reads them on her plan.
    Erasure deletes them with the plan (the goals go, the case and its dates stay)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="events", verbose_name=_("Schritt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("von"),
    )
    # Said apart from the actor: the person's account may be gone, "die Person" stays true.
    by_candidate = models.BooleanField(_("von der Person selbst"), default=False)
    kind = models.CharField(_("Art"), max_length=16, choices=StepEventKind.choices)
    text = models.TextField(_("Text"), max_length=STEP_TEXT_MAX, blank=True)
    text_lang = models.CharField(_("Sprache des Texts"), max_length=8, blank=True)
    at = models.DateTimeField(_("am"), default=timezone.now)
    # The comment form's one-time key: a double submit saves one comment (unique per step).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Änderung am Schritt")
        verbose_name_plural = _("Änderungen an Schritten")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["step", "submission_key"], name="step_event_one_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.step_id} {self.kind} {self.at:%Y-%m-%d}"


# --- life-domain assessment (issue 14) ---------------------------------------------------------


class LifeDomain(models.TextChoices):
    GERMAN = "german", _("Deutsch und Kurszugang")
    RECOGNITION = "recognition", _("Anerkennung von Abschlüssen")
    RESIDENCE = "residence", _("Aufenthaltsstatus")
    HOUSING = "housing", _("Wohnen")
    HEALTH = "health", _("Gesundheit und Trauma")
    FAMILY = "family", _("Familie und Kinderbetreuung")
    FINANCES = "finances", _("Finanzen und Schulden")
    MOBILITY = "mobility", _("Mobilität")
    DIGITAL = "digital", _("Digitaler Zugang")
    NETWORK = "network", _("Unterstützungsnetz")
    INTERPRETER = "interpreter", _("Sprachmittlung")


# GDPR Art. 9: only the responsible organisation's case staff read these domains.
SPECIAL_CATEGORY_DOMAINS = frozenset({LifeDomain.HEALTH, LifeDomain.FAMILY})


class NeedLevel(models.TextChoices):
    NONE = "none", _("kein Bedarf")
    SOME = "some", _("Bedarf")
    URGENT = "urgent", _("dringend")


ASSESSMENT_TEXT_MAX = 1000


class Assessment(models.Model):
    """One dated version of a case's life-domain assessment. Never changed once saved: a revision
    is a new row, so the earlier versions stay readable as the history."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("Fall")
    )
    assessed_on = models.DateField(_("eingeschätzt am"), default=timezone.localdate)
    created_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("von"),
    )
    # The form's one-time key: a double submit saves one version (unique per case).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Einschätzung")
        verbose_name_plural = _("Einschätzungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *stored_range_constraints("assessment", dates=["assessed_on"]),
            models.UniqueConstraint(fields=["case", "submission_key"], name="assessment_one_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.assessed_on}"


class AssessmentEntry(models.Model):
    """One life domain of one assessment version."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="entries", verbose_name=_("Einschätzung")
    )
    domain = models.CharField(_("Lebensbereich"), max_length=16, choices=LifeDomain.choices)
    need = models.CharField(_("Bedarf"), max_length=8, choices=NeedLevel.choices, default=NeedLevel.NONE)
    strengths = models.TextField(_("Stärken"), max_length=ASSESSMENT_TEXT_MAX, blank=True)
    own_words = models.TextField(_("in eigenen Worten"), max_length=ASSESSMENT_TEXT_MAX, blank=True)
    # The language each text was typed in (the interface language then), for lang= where it shows.
    strengths_lang = models.CharField(_("Sprache der Stärken"), max_length=8, default="de")
    own_words_lang = models.CharField(_("Sprache der eigenen Worte"), max_length=8, default="de")
    reassess_on = models.DateField(_("erneut einschätzen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lebensbereich der Einschätzung")
        verbose_name_plural = _("Lebensbereiche der Einschätzung")
        ordering = ["pk"]
        constraints = [
            *stored_range_constraints("assessmententry", dates=["reassess_on"]),
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessment_entry_one_per_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.need}"

    @property
    def is_special_category(self) -> bool:
        return self.domain in SPECIAL_CATEGORY_DOMAINS

    @property
    def is_open(self) -> bool:
        return self.need != NeedLevel.NONE


# --- appointments (issue 22) -------------------------------------------------------------------


class AppointmentKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Folgetermin")
    INTERVIEW = "interview", _("Vorstellungsgespräch")
    HANDOVER = "handover", _("Übergabegespräch")
    COURSE = "course", _("Kurstermin")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    CHANGED = "changed", _("geändert")
    CANCELLED = "cancelled", _("abgesagt")


class Appointment(models.Model):
    """One dated meeting on a case (follow-up, interview, handover meeting, course date) with its
    place or video link, the staff who attend beside the person, and whether an interpreter is
    needed. ``uid`` and ``sequence`` are the calendar invitation's identity (RFC 5545): one UID for
    the appointment's life, the sequence counts the changes. ``reminder_sent_at`` marks the
    24-hour reminder sent — it is claimed by one conditional UPDATE, so it goes out once.
    Erasure blanks place, link and notes and keeps the row and its dates for the figures."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("Fall")
    )
    # Denormalised scoping like the case's (filtered on directly, set by the service from the case).
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("Kommune")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Organisation"),
    )
    kind = models.CharField(_("Art des Termins"), max_length=16, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    video_link = models.URLField(_("Video-Link"), max_length=500, blank=True)
    notes = models.TextField(_("Hinweise"), max_length=1000, blank=True)
    # The language the notes were typed in (the interface language then), for lang= where they show.
    notes_lang = models.CharField(_("Sprache der Hinweise"), max_length=8, default="de")
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="appointments",
        blank=True,
        verbose_name=_("Teilnehmende Fachkräfte"),
    )
    interpreter_needed = models.BooleanField(_("Dolmetschung nötig"), default=False)
    interpreter_language = models.CharField(
        _("Sprache der Dolmetschung"), max_length=8, choices=Language.choices, blank=True
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )
    uid = models.UUIDField(unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The form's one-time key: a double submit plans one appointment (unique per case).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "reminder_sent_at", "starts_at"])]
        constraints = [
            *stored_range_constraints("appointment", datetimes=["starts_at", "ends_at"]),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(interpreter_needed=False) | ~Q(interpreter_language=""),
                name="appointment_interpreter_has_language",
            ),
            models.UniqueConstraint(fields=["case", "submission_key"], name="appointment_one_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED


# --- closing a case with an evaluation; phase history (issue 14 §4) ----------------------------

FOLLOW_UP_AFTER_DAYS = 182  # "is the employment still running?" six months after closing


class ClosingReason(models.TextChoices):
    EMPLOYMENT = "employment", _("Beschäftigung aufgenommen")
    TRAINING = "training", _("Ausbildung oder Qualifizierung begonnen")
    MOVED_AWAY = "moved_away", _("verzogen")
    HANDED_OVER = "handed_over", _("an eine andere Stelle übergeben")
    NO_LONGER_WANTED = "no_longer_wanted", _("Unterstützung nicht mehr gewünscht")
    NO_CONTACT = "no_contact", _("kein Kontakt mehr")
    OTHER = "other", _("anderer Grund")


class FollowUpAnswer(models.TextChoices):
    RUNNING = "running", _("Ja, die Beschäftigung läuft noch")
    ENDED = "ended", _("Nein, die Beschäftigung ist beendet")
    UNKNOWN = "unknown", _("nicht bekannt")


class CasePhaseChange(models.Model):
    """One stay of a case in a phase: entered (with who and when) and, once the case moved on,
    left. Written only by candidates.services (every phase change goes through one function)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="phase_changes", verbose_name=_("Fall")
    )
    from_phase = models.CharField(_("vorherige Phase"), max_length=16, choices=CasePhase.choices, blank=True)
    to_phase = models.CharField(_("Phase"), max_length=16, choices=CasePhase.choices)
    changed_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    left_at = models.DateTimeField(_("verlassen am"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Phasenwechsel")
        verbose_name_plural = _("Phasenwechsel")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["to_phase", "left_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("changed_at")),
                name="case_phase_change_left_after_entered",
            ),
            # At most one stay of a case is the current one.
            models.UniqueConstraint(
                fields=["case"], condition=Q(left_at__isnull=True), name="case_phase_change_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_phase or '-'} → {self.to_phase} {self.changed_at:%Y-%m-%d}"


class CaseEvaluation(models.Model):
    """The evaluation a case is closed with: why, which goals of the plan were reached, and for an
    employment whether it still runs six months later (a dated follow-up question to the case staff).
    A reopened case keeps its earlier evaluations (reopened_at set)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("Fall")
    )
    reason = models.CharField(_("Grund des Abschlusses"), max_length=20, choices=ClosingReason.choices)
    note = models.TextField(_("Bemerkung zum Abschluss"), max_length=2000, blank=True)
    goals_reached = models.ManyToManyField(
        Goal, blank=True, related_name="+", verbose_name=_("erreichte Ziele")
    )
    closed_at = models.DateTimeField(_("abgeschlossen am"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("abgeschlossen von"),
    )
    follow_up_due = models.DateField(_("Nachfrage fällig am"), null=True, blank=True)
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_answer = models.CharField(
        _("Beschäftigung nach sechs Monaten"), max_length=16, choices=FollowUpAnswer.choices, blank=True
    )
    follow_up_answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    follow_up_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("wieder eröffnet am"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(_("Grund der Wiedereröffnung"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Abschlussbewertung")
        verbose_name_plural = _("Abschlussbewertungen")
        ordering = ["-closed_at", "-pk"]
        indexes = [models.Index(fields=["follow_up_due", "follow_up_reminded_at"])]
        constraints = [
            # An employment is asked after six months; nothing else is.
            models.CheckConstraint(
                condition=(Q(reason="employment") & Q(follow_up_due__isnull=False))
                | (~Q(reason="employment") & Q(follow_up_due__isnull=True)),
                name="case_evaluation_follow_up_iff_employment",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_answer="") | Q(follow_up_answered_at__isnull=False),
                name="case_evaluation_answer_dated",
            ),
            # One current (not reopened) evaluation per case.
            models.UniqueConstraint(
                fields=["case"], condition=Q(reopened_at__isnull=True), name="case_evaluation_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_reason_display()} {self.closed_at:%Y-%m-%d}"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and not self.follow_up_answer and self.reopened_at is None

    @property
    def follow_up_is_due(self) -> bool:
        return self.follow_up_open and self.follow_up_due <= timezone.localdate()


# --- the Clearingstelle: questions to the Ausländerbehörde (issue 14 §3) ---------------------------


class ImmigrationQuestionTopic(models.TextChoices):
    WORK_PERMISSION = "work_permission", _("Beschäftigungserlaubnis")
    DULDUNG = "duldung", _("Duldung")
    RESIDENCE = "residence", _("Aufenthalt")
    OTHER = "other", _("Sonstiges")


class ImmigrationQuestion(models.Model):
    """A question of the case staff to their municipality's Ausländerbehörde about one person.

    The office sees only this row: what the member of staff wrote and the minimum needed to find
    the person in its own files (name and date of birth, copied when the question is sent, as on a
    letter). Its selectors never join the case or the candidate, so nothing of the case file can
    reach it. Overdue questions are reminded once (beat: candidates.tasks.remind_immigration_questions).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ANSWERED = "answered", _("beantwortet")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="immigration_questions", verbose_name=_("Fall")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("Kommune")
    )
    office = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="immigration_questions",
        verbose_name=_("Ausländerbehörde"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gefragt von"),
    )
    topic = models.CharField(_("Thema"), max_length=16, choices=ImmigrationQuestionTopic.choices)
    person_name = models.CharField(_("Name der Person"), max_length=301)
    person_birth_date = models.DateField(_("Geburtsdatum der Person"), null=True, blank=True)
    message = models.TextField(_("Frage"), max_length=3000)
    due_date = models.DateField(_("Antwort erbeten bis"))
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("Antwort"), max_length=3000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("beantwortet von"),
    )
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    created_at = models.DateTimeField(_("gestellt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Frage an die Ausländerbehörde")
        verbose_name_plural = _("Fragen an die Ausländerbehörde")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "status", "due_date"]),
            models.Index(fields=["status", "reminded_at", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="immigration_question_answered_has_answer",
            ),
            *stored_range_constraints(
                "immigrationquestion",
                dates=["person_birth_date", "due_date"],
                datetimes=["answered_at", "reminded_at", "created_at"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


# --- the work permission procedure (issue 14 §3) ----------------------------------------------------


class BaApproval(models.TextChoices):
    """Whether the Bundesagentur für Arbeit has to approve the employment, and how it is asked."""

    NOT_NEEDED = "not_needed", _("keine Zustimmung der BA nötig")
    ZUSTIMMUNG = "zustimmung", _("Zustimmung der BA (über die Ausländerbehörde)")
    VORABZUSTIMMUNG = "vorabzustimmung", _("Vorabzustimmung der BA (vom Betrieb beantragt)")


class PermitDecision(models.TextChoices):
    PENDING = "pending", _("offen")
    GRANTED = "granted", _("erteilt")
    REFUSED = "refused", _("abgelehnt")


class WorkPermitProcedure(models.Model):
    """The application for a work permission (Beschäftigungserlaubnis) of a person whose permit needs
    the Ausländerbehörde's approval: when it was applied for, the BA's approval and the decision.

    While a person needs approval, an employment cannot start before a granted decision; the
    employer only learns that the start depends on an outstanding decision (never why)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="work_permit_procedures", verbose_name=_("Fall")
    )
    applied_on = models.DateField(_("beantragt bei der Ausländerbehörde am"), null=True, blank=True)
    ba_approval = models.CharField(
        _("Zustimmung der BA"), max_length=16, choices=BaApproval.choices, default=BaApproval.ZUSTIMMUNG
    )
    ba_requested_on = models.DateField(_("BA angefragt am"), null=True, blank=True)
    ba_decision = models.CharField(
        _("Entscheidung der BA"),
        max_length=16,
        choices=PermitDecision.choices,
        default=PermitDecision.PENDING,
    )
    ba_decided_on = models.DateField(_("BA entschieden am"), null=True, blank=True)
    decision = models.CharField(
        _("Entscheidung der Ausländerbehörde"),
        max_length=16,
        choices=PermitDecision.choices,
        default=PermitDecision.PENDING,
    )
    decided_on = models.DateField(_("entschieden am"), null=True, blank=True)
    valid_until = models.DateField(_("Erlaubnis gültig bis"), null=True, blank=True)
    note = models.TextField(_("Anmerkung"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Verfahren zur Beschäftigungserlaubnis")
        verbose_name_plural = _("Verfahren zur Beschäftigungserlaubnis")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision="pending") & Q(decided_on__isnull=True))
                | (~Q(decision="pending") & Q(decided_on__isnull=False)),
                name="work_permit_decided_on_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(ba_decision="pending") | Q(ba_decided_on__isnull=False),
                name="work_permit_ba_decided_on_dated",
            ),
            *stored_range_constraints(
                "workpermitprocedure",
                dates=["applied_on", "ba_requested_on", "ba_decided_on", "decided_on", "valid_until"],
                datetimes=["created_at"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_decision_display()}"
