"""Employers and their placements (DESIGN.md "Organisation", "Placement").

Verification lives on organisations.Organisation.verification_status; the profile here holds
what only an employer has. Writes go through employers.services.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import public_reference
from inputs.dates import stored_range_constraints
from taxonomy.cefr import CEFR
from taxonomy.models import OccupationSkill


class Sector(models.TextChoices):
    HANDWERK = "handwerk", _("Handwerk")
    GASTRONOMIE = "gastronomie", _("Gastronomie und Hotellerie")
    PFLEGE = "pflege", _("Pflege und Gesundheit")
    LOGISTIK = "logistik", _("Logistik und Verkehr")
    HANDEL = "handel", _("Handel")
    INDUSTRIE = "industrie", _("Industrie und Produktion")
    BAU = "bau", _("Bau")
    REINIGUNG = "reinigung", _("Reinigung und Gebäudeservice")
    IT = "it", _("IT und Kommunikation")
    SONSTIGES = "sonstiges", _("Sonstiges")


class CompanySize(models.TextChoices):
    MICRO = "1-9", _("1–9 Beschäftigte")
    SMALL = "10-49", _("10–49 Beschäftigte")
    MEDIUM = "50-249", _("50–249 Beschäftigte")
    LARGE = "250+", _("250 und mehr Beschäftigte")


class EmployerProfile(models.Model):
    """What an employer organisation tells candidates and coaches about itself."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="employer_profile",
        verbose_name=_("Organisation"),
    )
    sector = models.CharField(_("Branche"), max_length=16, choices=Sector.choices)
    size = models.CharField(_("Betriebsgröße"), max_length=8, choices=CompanySize.choices, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)
    register_number = models.CharField(
        _("Register-Nummer"),
        max_length=40,
        blank=True,
        help_text=_("Handelsregister-Nummer (z. B. HRB 12345) oder Nummer in der Handwerksrolle."),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Arbeitgeberprofil")
        verbose_name_plural = _("Arbeitgeberprofile")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_verified(self) -> bool:
        return self.organisation.is_verified


class PlacementKind(models.TextChoices):
    JOB = "job", _("Arbeitsstelle")
    AUSBILDUNG = "ausbildung", _("Ausbildung")
    PRAKTIKUM = "praktikum", _("Praktikum")
    EQ = "eq", _("Einstiegsqualifizierung (EQ)")


class PlacementStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("offen")
    FILLED = "filled", _("besetzt")
    CLOSED = "closed", _("geschlossen")


class Placement(models.Model):
    """A job, apprenticeship, internship or EQ offered by an employer (Stelle)."""

    employer = models.ForeignKey(
        EmployerProfile, on_delete=models.CASCADE, related_name="placements", verbose_name=_("Arbeitgeber")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("Kommune"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=16, choices=PlacementKind.choices, default=PlacementKind.JOB)
    occupation = models.ForeignKey(
        "taxonomy.Occupation",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("Beruf (ESCO)"),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    min_german_spoken = models.CharField(
        _("Deutsch mündlich mindestens (GER)"), max_length=2, choices=CEFR.choices, null=True, blank=True
    )
    offers_language_support = models.BooleanField(_("Sprachförderung im Betrieb"), default=False)
    language_support_details = models.TextField(
        _("Art der Sprachförderung"),
        blank=True,
        help_text=_("Zum Beispiel Deutschkurs in der Arbeitszeit, Sprachpat*in im Team."),
    )
    postcode = models.CharField(
        _("Postleitzahl des Arbeitsorts"),
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", _("Bitte eine fünfstellige Postleitzahl angeben."))],
    )
    city = models.CharField(_("Arbeitsort"), max_length=120, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("Stunden pro Woche"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    # At least one while draft or open; a hire counts it down to zero and fills the placement
    # (employers.services.introduction_hire). Forms ask for at least one.
    openings = models.PositiveSmallIntegerField(_("Anzahl Plätze"), default=1)
    status = models.CharField(
        _("Status"), max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.DRAFT
    )
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
    # The placement form's one-time key: a double submit creates one placement (unique per author).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["employer", "status"]),
        ]
        constraints = [
            *stored_range_constraints("placement", dates=["start_date"]),
            models.CheckConstraint(
                condition=models.Q(openings__gte=1) | models.Q(status__in=["filled", "closed"]),
                name="placement_openings_ge_1",
            ),
            models.UniqueConstraint(fields=["created_by", "submission_key"], name="placement_one_per_form"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == PlacementStatus.OPEN


class PlacementSkill(models.Model):
    """A skill the placement asks for; essential or optional, as in ESCO."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="skills", verbose_name=_("Stelle")
    )
    skill = models.ForeignKey(
        "taxonomy.Skill",
        on_delete=models.PROTECT,
        related_name="placement_entries",
        verbose_name=_("Kompetenz (ESCO)"),
    )
    relation = models.CharField(
        _("Gewicht"),
        max_length=16,
        choices=OccupationSkill.Relation.choices,
        default=OccupationSkill.Relation.ESSENTIAL,
    )

    class Meta:
        verbose_name = _("Kompetenz der Stelle")
        verbose_name_plural = _("Kompetenzen der Stelle")
        constraints = [models.UniqueConstraint(fields=["placement", "skill"], name="placement_skill_unique")]

    def __str__(self) -> str:
        return f"{self.placement} – {self.skill} ({self.get_relation_display()})"


# --- selection pipeline, employments, saved searches, shortlists (issue 4) ------


class Introduction(models.Model):
    """One candidate on one placement: the selection pipeline (DESIGN.md "Introduction").

    Stages move forward through employers.services only; every move writes an IntroductionStage row.
    """

    class Stage(models.TextChoices):
        SUGGESTED = "suggested", _("vorgeschlagen")
        SELECTED = "selected", _("ausgewählt")
        ACCEPTED = "accepted", _("zugestimmt")
        DECLINED = "declined", _("abgelehnt")
        CONTACT_REVEALED = "contact_revealed", _("Kontakt freigegeben")
        INTERVIEW = "interview", _("Vorstellungsgespräch")
        OFFER = "offer", _("Angebot")
        HIRED = "hired", _("eingestellt")
        CLOSED = "closed", _("abgeschlossen")

    class CloseReason(models.TextChoices):
        DECLINED_BY_CANDIDATE = "declined_by_candidate", _("Klient*in hat abgelehnt")
        NOT_SUITABLE = "not_suitable", _("passt nicht zur Stelle")
        NO_RESPONSE = "no_response", _("keine Rückmeldung")
        OFFER_DECLINED = "offer_declined", _("Angebot nicht angenommen")
        HIRED_ELSEWHERE = "hired_elsewhere", _("anderswo eingestellt")
        PLACEMENT_FILLED = "placement_filled", _("Stelle besetzt")
        PLACEMENT_CLOSED = "placement_closed", _("Stelle geschlossen")
        CONSENT_REVOKED = "consent_revoked", _("Einwilligung widerrufen")
        OTHER = "other", _("anderer Grund")

    class Source(models.TextChoices):
        """How the introduction came about (DESIGN.md "One source field")."""

        EMPLOYER_SEARCH = "employer_search", _("Suche des Betriebs")
        STAFF_PROPOSAL = "staff_proposal", _("Vorschlag des Case Managements")
        CANDIDATE_INTEREST = "candidate_interest", _("Interesse der Person")
        EVENT = "event", _("Veranstaltung")
        API = "api", _("Schnittstelle")

    # Stages after which nothing moves any more.
    TERMINAL = frozenset({Stage.DECLINED, Stage.HIRED, Stage.CLOSED})
    # Reasons an employer gives when it declines a proposal.
    PROPOSAL_DECLINE_REASONS = (CloseReason.NOT_SUITABLE, CloseReason.PLACEMENT_FILLED, CloseReason.OTHER)

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="introductions", verbose_name=_("Stelle")
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("Klient*in"),
    )
    # What the employer's pages and URLs name the introduction by: random, never the database id.
    reference = models.CharField(
        _("Referenz"), max_length=11, unique=True, default=public_reference, editable=False
    )
    stage = models.CharField(_("Stand"), max_length=20, choices=Stage.choices, default=Stage.SELECTED)
    source = models.CharField(
        _("Herkunft"), max_length=20, choices=Source.choices, default=Source.EMPLOYER_SEARCH
    )
    close_reason = models.CharField(
        _("Grund für den Abschluss"), max_length=24, choices=CloseReason.choices, blank=True
    )
    interview_at = models.DateTimeField(_("Vorstellungsgespräch am"), null=True, blank=True)
    # Where the interview takes place: an address, or "Telefon" / "Video" (required by the form).
    interview_place = models.CharField(_("Ort des Vorstellungsgesprächs"), max_length=200, blank=True)
    # A selection the person's side has not answered in time goes to the case manager's team lead or
    # the coordinator (services.introductions_escalate), once: set in a conditional UPDATE.
    escalated_at = models.DateTimeField(_("eskaliert am"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eskaliert an"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Vorstellung")
        verbose_name_plural = _("Vorstellungen")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["placement", "stage"]),
            models.Index(fields=["candidate", "stage"]),
        ]
        constraints = [
            *stored_range_constraints("introduction", datetimes=["interview_at"]),
            # One running introduction per candidate and placement; a finished one may be followed by a new one.
            models.UniqueConstraint(
                fields=["placement", "candidate"],
                condition=~models.Q(stage__in=["declined", "hired", "closed"]),
                name="introduction_one_open_per_candidate_placement",
            ),
            models.CheckConstraint(
                condition=models.Q(stage="closed") | models.Q(close_reason=""),
                name="introduction_close_reason_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} – #{self.candidate_id} ({self.get_stage_display()})"

    @property
    def is_open(self) -> bool:
        return self.stage not in self.TERMINAL

    @property
    def answer_due(self) -> date | None:
        """The last day for the person's answer to a selection (LOTSE_INTRODUCTION_ANSWER_DAYS after it)."""
        if self.stage != self.Stage.SELECTED or self.created_at is None:
            return None
        return timezone.localdate(self.created_at) + timedelta(days=settings.LOTSE_INTRODUCTION_ANSWER_DAYS)

    @property
    def answer_overdue(self) -> bool:
        due = self.answer_due
        return due is not None and (self.escalated_at is not None or due < timezone.localdate())

    @property
    def contact_visible(self) -> bool:
        """Contact details may be shown from acceptance on, unless it ended without a hire."""
        return self.stage in {
            self.Stage.ACCEPTED,
            self.Stage.CONTACT_REVEALED,
            self.Stage.INTERVIEW,
            self.Stage.OFFER,
            self.Stage.HIRED,
        }


class IntroductionStage(models.Model):
    """The stage history of an introduction: who moved it where, and when."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="history", verbose_name=_("Vorstellung")
    )
    stage = models.CharField(_("Stand"), max_length=20, choices=Introduction.Stage.choices)
    at = models.DateTimeField(_("am"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("durch"),
    )
    note = models.CharField(_("Notiz"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Stand der Vorstellung")
        verbose_name_plural = _("Verlauf der Vorstellungen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.introduction_id}: {self.get_stage_display()} ({self.at:%Y-%m-%d %H:%M})"


class JobInterest(models.Model):
    """A candidate said "interessiert mich" on an open placement; their case manager may propose them.

    Withdrawing deletes the row. Proposing keeps it: the introduction then carries the source
    "candidate interest".
    """

    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="job_interests",
        verbose_name=_("Klient*in"),
    )
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="interests", verbose_name=_("Stelle")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Interesse an einer Stelle")
        verbose_name_plural = _("Interesse an Stellen")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "placement"], name="job_interest_one_per_candidate")
        ]

    def __str__(self) -> str:
        return f"#{self.candidate_id} → {self.placement_id}"


class EmploymentEndReason(models.TextChoices):
    COMPLETED = "completed", _("regulär beendet (Befristung, Praktikum, Ausbildung abgeschlossen)")
    TAKEN_OVER = "taken_over", _("übernommen in eine andere Stelle")
    CANDIDATE_RESIGNED = "candidate_resigned", _("Kündigung durch die beschäftigte Person")
    EMPLOYER_TERMINATED = "employer_terminated", _("Kündigung durch den Betrieb")
    PROBATION = "probation", _("in der Probezeit beendet")
    MUTUAL = "mutual", _("Aufhebungsvertrag")
    MOVED = "moved", _("Umzug")
    OTHER = "other", _("anderer Grund")


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("unbefristet")
    FIXED_TERM = "fixed_term", _("befristet")
    APPRENTICESHIP = "apprenticeship", _("Ausbildungsvertrag")
    INTERNSHIP = "internship", _("Praktikumsvertrag")
    MINI_JOB = "mini_job", _("Minijob")
    TEMPORARY_AGENCY = "temporary_agency", _("Zeitarbeit")
    # § 54a SGB III: a company-based long internship of 6–12 months funded by the Bundesagentur,
    # a step towards an Ausbildung, not regular employment (monitoring.quality counts it apart).
    EQ = "eq", _("Einstiegsqualifizierung (EQ)")


class Employment(models.Model):
    """What a hire becomes (DESIGN.md "Employment"). Follow-along support hangs off it.

    An employment is running while it has no end reason; ``end_date`` alone may be a planned end
    (fixed-term contract, internship). At most one running employment per candidate.
    """

    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="employments",
        verbose_name=_("Klient*in"),
    )
    employer = models.ForeignKey(
        EmployerProfile, on_delete=models.PROTECT, related_name="employments", verbose_name=_("Arbeitgeber")
    )
    placement = models.ForeignKey(
        Placement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employments",
        verbose_name=_("Stelle"),
    )
    introduction = models.OneToOneField(
        Introduction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employment",
        verbose_name=_("Vorstellung"),
    )
    # What URLs name the employment by (the employer's staff open it): random, never the database id.
    reference = models.CharField(
        _("Referenz"), max_length=11, unique=True, default=public_reference, editable=False
    )
    kind = models.CharField(_("Art"), max_length=16, choices=PlacementKind.choices, default=PlacementKind.JOB)
    start_date = models.DateField(_("Beginn"))
    contract_type = models.CharField(
        _("Vertragsart"), max_length=20, choices=ContractType.choices, blank=True
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("Stunden pro Woche"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    # The responsible job coach: chosen at hire (default: candidates.selectors.default_job_coach),
    # changed by a case manager or coordinator (coaching.services.employment_coach_set). Support
    # requests and follow-up reminders go to this person; coaching.FollowAlong.coach mirrors it.
    job_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_employments",
        verbose_name=_("zuständige*r Jobcoach"),
    )
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    end_reason = models.CharField(
        _("Grund für das Ende"), max_length=24, choices=EmploymentEndReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    class Meta:
        verbose_name = _("Beschäftigung")
        verbose_name_plural = _("Beschäftigungen")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["employer", "start_date"])]
        constraints = [
            *stored_range_constraints("employment", dates=["start_date", "end_date"]),
            # No candidate hired twice: the database refuses a second running employment.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=models.Q(end_reason=""),
                name="employment_one_running_per_candidate",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.candidate_id} bei {self.employer} ab {self.start_date}"

    @property
    def is_running(self) -> bool:
        return not self.end_reason


class SavedSearch(models.Model):
    """A browse query an employer wants to run again: the URL query string and a name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("Person"),
    )
    name = models.CharField(_("Name"), max_length=100)
    query = models.CharField(_("Suchanfrage"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("gespeicherte Suche")
        verbose_name_plural = _("gespeicherte Suchen")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    """A candidate the employer keeps in mind for a placement, with a note."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="shortlist", verbose_name=_("Stelle")
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="shortlist_entries",
        verbose_name=_("Klient*in"),
    )
    note = models.CharField(_("Notiz"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hinzugefügt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Merkliste-Eintrag")
        verbose_name_plural = _("Merkliste")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "candidate"], name="shortlist_unique_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.placement} – #{self.candidate_id}"


# --- job quality (issue 20) ---


class TrainingOffered(models.TextChoices):
    NONE = "none", _("keine")
    INDUCTION = "induction", _("Einarbeitung")
    FURTHER = "further", _("Weiterbildung im Betrieb")
    QUALIFICATION = "qualification", _("Qualifizierung mit Abschluss (Teilqualifizierung, Ausbildung)")


class EmploymentQuality(models.Model):
    """The job-quality fields of an employment, completed by the job coach after the employer
    recorded the hire (DESIGN.md "Hire"). Skill levels are ISCO-08 (1–4); ``below_qualification``
    and ``minimum_wage`` are fixed when saved, so the figures do not move when the law does."""

    employment = models.OneToOneField(
        Employment, on_delete=models.CASCADE, related_name="quality", verbose_name=_("Beschäftigung")
    )
    fixed_term = models.BooleanField(_("befristet"), default=False)
    social_insurance = models.BooleanField(_("sozialversicherungspflichtig"), default=False)
    hourly_wage = models.DecimalField(
        _("Stundenlohn brutto (€)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("500"))],
    )
    minimum_wage = models.DecimalField(_("gesetzlicher Mindestlohn (€)"), max_digits=6, decimal_places=2)
    job_skill_level = models.PositiveSmallIntegerField(
        _("Anforderungsniveau der Stelle (ISCO)"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    person_skill_level = models.PositiveSmallIntegerField(
        _("Qualifikationsniveau der Person (ISCO)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    below_qualification = models.BooleanField(_("unter der Qualifikation"), default=False)
    training_offered = models.CharField(
        _("Qualifizierung im Betrieb"), max_length=16, choices=TrainingOffered.choices, default="none"
    )
    commute_minutes = models.PositiveSmallIntegerField(
        _("Arbeitsweg (Minuten, einfach)"), null=True, blank=True, validators=[MaxValueValidator(240)]
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Beschäftigungsqualität")
        verbose_name_plural = _("Beschäftigungsqualität")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_wage__gt=0), name="employment_quality_wage_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(job_skill_level__gte=1, job_skill_level__lte=4),
                name="employment_quality_job_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id}: {self.hourly_wage} €"

    @property
    def at_or_below_minimum_wage(self) -> bool:
        return self.hourly_wage <= self.minimum_wage


# --- placements found by staff (issue 14, "Vermittlung by staff") ---


class PlacementAcquisition(models.Model):
    """A placement that case staff found with a business (Arbeitsplatzakquisition).

    The placement stays a draft until the business confirms it through the signed link e-mailed to
    ``sent_to`` (employers.services.placement_acquisition_confirm); then it is open. The business
    takes the record over with a login through the membership invitation.
    """

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="acquisition", verbose_name=_("Stelle")
    )
    # The public-side organisation whose staff found the placement (scopes the staff's list).
    found_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="acquisitions",
        verbose_name=_("gefunden von (Organisation)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    sent_to = models.EmailField(_("Bestätigungslink gesendet an"))
    sent_at = models.DateTimeField(_("Bestätigungslink gesendet am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("vom Betrieb bestätigt am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stellenakquise")
        verbose_name_plural = _("Stellenakquise")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.placement)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


# --- speed dating scheduled from matches (issue 15) ---------------------------------------------


class SpeedDating(models.Model):
    """A speed-dating session of a municipality: businesses with their placements, the people the
    matcher proposed and case managers invited, and the schedule (employers/speeddating.py).

    The CMS event page presents it (``event``, a page of kind "Azubi-Speed-Dating"); the session and
    its schedule live here. The page is referred to by name, never imported (only config imports cms).
    """

    class Status(models.TextChoices):
        PLANNING = "planning", _("in Planung")
        SCHEDULED = "scheduled", _("Plan erstellt")

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="speed_datings",
        verbose_name=_("Kommune"),
    )
    event = models.OneToOneField(
        "cms.EventPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speed_dating",
        verbose_name=_("Veranstaltungsseite"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    place = models.CharField(_("Ort"), max_length=200)
    rounds = models.PositiveSmallIntegerField(
        _("Runden"), default=8, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    minutes_per_round = models.PositiveSmallIntegerField(
        _("Minuten je Runde"), default=10, validators=[MinValueValidator(3), MaxValueValidator(60)]
    )
    pause_round = models.PositiveSmallIntegerField(
        _("Pause in Runde"),
        null=True,
        blank=True,
        help_text=_("In dieser Runde finden keine Gespräche statt. Leer lassen: keine Pause."),
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("Gespräche je Person höchstens"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    proposals_per_placement = models.PositiveSmallIntegerField(
        _("Vorschläge je Stelle"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    status = models.CharField(_("Stand"), max_length=12, choices=Status.choices, default=Status.PLANNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Speed-Dating")
        verbose_name_plural = _("Speed-Datings")
        ordering = ["-starts_at"]
        constraints = [
            *stored_range_constraints("speeddating", datetimes=["starts_at"]),
            models.CheckConstraint(
                condition=models.Q(pause_round__isnull=True) | models.Q(pause_round__gte=1),
                name="speeddating_pause_round_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def round_start(self, number: int):
        """When round ``number`` (1-based) begins."""
        return self.starts_at + timedelta(minutes=self.minutes_per_round * (number - 1))


class SpeedDatingBusiness(models.Model):
    """A business at the session's tables, with the placements it brings."""

    session = models.ForeignKey(
        SpeedDating, on_delete=models.CASCADE, related_name="businesses", verbose_name=_("Speed-Dating")
    )
    employer = models.ForeignKey(
        EmployerProfile, on_delete=models.CASCADE, related_name="speed_datings", verbose_name=_("Betrieb")
    )
    placements = models.ManyToManyField(Placement, related_name="speed_datings", verbose_name=_("Stellen"))
    tables = models.PositiveSmallIntegerField(
        _("Tische"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("Betrieb beim Speed-Dating")
        verbose_name_plural = _("Betriebe beim Speed-Dating")
        ordering = ["employer__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "employer"], name="speeddating_business_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.employer}"


class SpeedDatingCandidate(models.Model):
    """A person the matcher proposed for the session; their case manager confirms the invitation."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("vorgeschlagen")
        INVITED = "invited", _("eingeladen")
        NOT_INVITED = "not_invited", _("nicht eingeladen")

    session = models.ForeignKey(
        SpeedDating, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("Speed-Dating")
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="speed_datings",
        verbose_name=_("Klient*in"),
    )
    # The best fit among the session's placements when proposed (0–1), what the scheduler weighs.
    best_score = models.FloatField(_("beste Passung"), default=0.0)
    status = models.CharField(_("Stand"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Person beim Speed-Dating")
        verbose_name_plural = _("Personen beim Speed-Dating")
        ordering = ["-best_score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "candidate"], name="speeddating_candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session} – #{self.candidate_id}"


class SpeedDatingFit(models.Model):
    """How well a proposed person fits one business of the session (its best placement)."""

    participant = models.ForeignKey(SpeedDatingCandidate, on_delete=models.CASCADE, related_name="fits")
    business = models.ForeignKey(SpeedDatingBusiness, on_delete=models.CASCADE, related_name="fits")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("Passung"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "business"], name="speeddating_fit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.business_id}: {self.score:.2f}"


class SpeedDatingMeeting(models.Model):
    """One slot of the schedule: a person at a business's table in a round, and what came of it."""

    session = models.ForeignKey(
        SpeedDating, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Speed-Dating")
    )
    round = models.PositiveSmallIntegerField(_("Runde"))
    table = models.PositiveSmallIntegerField(_("Tisch"))
    business = models.ForeignKey(
        SpeedDatingBusiness, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Betrieb")
    )
    participant = models.ForeignKey(
        SpeedDatingCandidate, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Person")
    )
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="+", verbose_name=_("Stelle")
    )
    score = models.FloatField(_("Passung"))
    # The outcome, recorded on the day: does each side want to go on? (None: not recorded yet)
    candidate_interest = models.BooleanField(_("Interesse der Person"), null=True, blank=True)
    business_interest = models.BooleanField(_("Interesse des Betriebs"), null=True, blank=True)
    introduction = models.OneToOneField(
        Introduction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speed_dating_meeting",
        verbose_name=_("Vorstellung"),
    )

    class Meta:
        verbose_name = _("Gespräch beim Speed-Dating")
        verbose_name_plural = _("Gespräche beim Speed-Dating")
        ordering = ["round", "business__employer__organisation__name", "table"]
        constraints = [
            # Nobody double-booked, no table twice, each pair once: the scheduler's rules, held by the database.
            models.UniqueConstraint(
                fields=["session", "round", "participant"], name="speeddating_one_seat_per_round"
            ),
            models.UniqueConstraint(
                fields=["session", "round", "business", "table"], name="speeddating_table_once"
            ),
            models.UniqueConstraint(fields=["business", "participant"], name="speeddating_pair_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.round}/{self.table}"

    @property
    def mutual(self) -> bool:
        return bool(self.candidate_interest and self.business_interest)


# --- the shared company record (issue 15 §1, employer relationship management) ----------------------
# The employer Organisation is the company record (DESIGN.md "One business record"); what the people
# who work with businesses keep about it lives here, apart from what the business edits itself
# (EmployerProfile). Employers never see any of it.


class PartnerLevel(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("Erstkontakt")
    ACTIVE = "active", _("aktiver Partner")
    STRATEGIC = "strategic", _("strategischer Partner")


class BusinessRelation(models.Model):
    """The relationship of the public side with one business: level, flags, owner, next contact."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="business_relation",
        verbose_name=_("Betrieb"),
    )
    partner_level = models.CharField(
        _("Partnerstufe"), max_length=16, choices=PartnerLevel.choices, default=PartnerLevel.FIRST_CONTACT
    )
    training_company = models.BooleanField(_("Ausbildungsbetrieb"), default=False)
    eq_ready = models.BooleanField(_("bereit für Einstiegsqualifizierung"), default=False)
    # The chamber the business belongs to (IHK or HWK): its editors see the record and its log.
    chamber = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_businesses",
        limit_choices_to={"kind": "chamber"},
        verbose_name=_("Kammer"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_businesses",
        verbose_name=_("zuständig"),
    )
    next_contact_on = models.DateField(_("nächster Kontakt am"), null=True, blank=True)
    next_contact_note = models.CharField(_("Anlass des nächsten Kontakts"), max_length=200, blank=True)
    # The date the owner was last reminded for (beat task): a reminder goes out once per date.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Betriebsbeziehung")
        verbose_name_plural = _("Betriebsbeziehungen")
        indexes = [models.Index(fields=["next_contact_on"])]
        constraints = [
            *stored_range_constraints("businessrelation", dates=["next_contact_on", "reminded_for"])
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-Mail")
    VISIT = "visit", _("Besuch vor Ort")
    LETTER = "letter", _("Brief")


class BusinessContact(models.Model):
    """A contact person at a business with their channels (personal data: GDPR registry)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="business_contacts",
        verbose_name=_("Betrieb"),
    )
    name = models.CharField(_("Name"), max_length=150)
    function = models.CharField(_("Funktion"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    preferred_channel = models.CharField(
        _("bevorzugter Weg"), max_length=8, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ContactKind(models.TextChoices):
    CALL = "call", _("Anruf")
    VISIT = "visit", _("Besuch")
    EMAIL = "email", _("E-Mail")
    BREAKFAST = "breakfast", _("Unternehmerfrühstück besucht")
    EVENT = "event", _("Veranstaltung / Kontaktbörse")
    AWARD = "award", _("Auszeichnung")
    COMPLAINT = "complaint", _("Beschwerde")
    OTHER = "other", _("Sonstiges")


class BusinessContactLog(models.Model):
    """One contact with a business: what, when, who (and for which organisation)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="business_contact_log",
        verbose_name=_("Betrieb"),
    )
    kind = models.CharField(_("Art"), max_length=12, choices=ContactKind.choices)
    happened_on = models.DateField(_("am"))
    contact = models.ForeignKey(
        BusinessContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
        verbose_name=_("mit"),
    )
    note = models.TextField(_("Notiz"), blank=True, max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("von"),
    )
    by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("für"),
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kontakt mit einem Betrieb")
        verbose_name_plural = _("Kontaktverlauf")
        ordering = ["-happened_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "happened_on"])]
        constraints = [*stored_range_constraints("businesscontactlog", dates=["happened_on"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.kind} {self.happened_on}"


class BusinessEventRegistration(models.Model):
    """A registration for a CMS event (stored by cms with the business as free text) linked to the
    business record. The registration is referred to by model name, never imported."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="business_event_registrations",
        verbose_name=_("Betrieb"),
    )
    registration = models.OneToOneField(
        "cms.EventRegistration",
        on_delete=models.CASCADE,
        related_name="business_link",
        verbose_name=_("Anmeldung"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(_("verknüpft am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Veranstaltungsanmeldung eines Betriebs")
        verbose_name_plural = _("Veranstaltungsanmeldungen von Betrieben")

    def __str__(self) -> str:
        return f"{self.organisation_id} – {self.registration_id}"
