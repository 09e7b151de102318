"""Coaching after placement: "place, then train" (DESIGN.md "Coaching", "Services directory", "Handover").

Follow-along support hangs off employers.Employment and goes on with no fixed end. Writes go through
coaching.services; reads through coaching.selectors (always scoped to the requesting user).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from candidates.models import ResidenceStatus
from inputs.dates import stored_range_constraints
from taxonomy.cefr import CEFR

# --- follow-along plan, schedule and log -------------------------------------------------------


class FollowAlong(models.Model):
    """The follow-along support of one employment: who coaches it. Created at hire (signals.py)."""

    employment = models.OneToOneField(
        "employers.Employment",
        on_delete=models.CASCADE,
        related_name="follow_along",
        verbose_name=_("Beschäftigung"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_alongs",
        verbose_name=_("Jobcoach"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_alongs",
        verbose_name=_("begleitende Organisation"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="follow_alongs",
        verbose_name=_("Kommune"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Nachbetreuung")
        verbose_name_plural = _("Nachbetreuungen")
        indexes = [models.Index(fields=["coach"]), models.Index(fields=["municipality"])]

    def __str__(self) -> str:
        return f"{self.employment} – {self.coach or '–'}"


class FollowUpDue(models.Model):
    """One planned follow-up (after 1 week, 4 weeks, 3/6/12 months, then every 3 months).

    Materialised a few at a time (services.SCHEDULE_AHEAD); the next ones are added when one is done.
    """

    employment = models.ForeignKey(
        "employers.Employment",
        on_delete=models.CASCADE,
        related_name="follow_up_dues",
        verbose_name=_("Beschäftigung"),
    )
    sequence = models.PositiveSmallIntegerField(_("Nummer im Plan"))
    due_date = models.DateField(_("fällig am"))
    label = models.CharField(_("Anlass"), max_length=80)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        "FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfils",
        verbose_name=_("erledigt durch"),
    )

    class Meta:
        verbose_name = _("geplante Nachbetreuung")
        verbose_name_plural = _("geplante Nachbetreuungen")
        ordering = ["due_date", "sequence"]
        indexes = [models.Index(fields=["done_at", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["employment", "sequence"], name="followup_due_unique_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id}: {self.label} ({self.due_date})"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, today=None) -> bool:
        return self.done_at is None and self.due_date < (today or timezone.localdate())


class FollowUpReminder(models.Model):
    """The claim on one due follow-up's reminder: the unique row is taken BEFORE anything is sent,
    so two runs (or a rerun) never both send. ``sending`` → ``sent``; see services.reminders_send."""

    class State(models.TextChoices):
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        NO_RECIPIENT = "no_recipient", _("niemand zuständig")

    due = models.OneToOneField(
        FollowUpDue,
        on_delete=models.CASCADE,
        related_name="reminder",
        verbose_name=_("fällige Nachbetreuung"),
    )
    state = models.CharField(_("Stand"), max_length=16, choices=State.choices, default=State.SENDING)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erinnert wurde"),
    )
    claimed_at = models.DateTimeField(_("übernommen am"), default=timezone.now)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=1)

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        indexes = [models.Index(fields=["state", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.due_id}: {self.state}"


class Mode(models.TextChoices):
    WORKPLACE = "workplace", _("am Arbeitsplatz")
    PHONE = "phone", _("Telefon")
    VIDEO = "video", _("Video")
    MESSAGE = "message", _("Nachricht")
    OFFICE = "office", _("im Büro")


class WithWhom(models.TextChoices):
    CANDIDATE = "candidate", _("Klient*in")
    EMPLOYER = "employer", _("Betrieb")
    BOTH = "both", _("beide")
    SCHOOL = "school", _("Berufsschule")


class Topic(models.TextChoices):
    TASKS = "tasks", _("Aufgaben und Fertigkeiten im Betrieb")
    WORKPLACE_LANGUAGE = "workplace_language", _("Sprache am Arbeitsplatz")
    TECHNICAL_LANGUAGE = "technical_language", _("Fachsprache")
    EXAM = "exam", _("Prüfungsvorbereitung")
    CONFLICT = "conflict", _("Konflikt")
    PERMITS = "permits", _("Aufenthalt und Papiere")
    HOUSING = "housing", _("Wohnen")
    HEALTH = "health", _("Gesundheit")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    MONEY = "money", _("Geld")


class NextStep(models.TextChoices):
    """What the 6- and 12-month follow-ups of a helper job ask (issue 20: careers, not just jobs)."""

    NOT_DISCUSSED = "not_discussed", _("nicht besprochen")
    NOT_NOW = "not_now", _("besprochen: im Moment kein nächster Schritt")
    INTERESTED = "interested", _("möchte weiterkommen: Weg zum Zielberuf planen")
    STARTED = (
        "started",
        _("Schritt begonnen (Kurs, Teilqualifizierung, Anpassungsqualifizierung, Ausbildung)"),
    )


class FollowUp(models.Model):
    """One logged follow-up contact. ``token`` is the form's one-time token: a replayed post is refused."""

    employment = models.ForeignKey(
        "employers.Employment",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("Beschäftigung"),
    )
    date = models.DateField(_("Datum"))
    mode = models.CharField(_("Art des Kontakts"), max_length=16, choices=Mode.choices)
    with_whom = models.CharField(_("mit wem"), max_length=16, choices=WithWhom.choices)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    topics = models.JSONField(_("Themen"), default=list, blank=True)
    notes = models.TextField(_("Notizen"), max_length=5000, blank=True)
    next_date = models.DateField(_("nächster Termin"), null=True, blank=True)
    # Asked only at the 6- and 12-month follow-up of a helper job; blank when not asked.
    next_step = models.CharField(
        _("nächster beruflicher Schritt"), max_length=16, choices=NextStep.choices, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    token = models.UUIDField(_("Formular-Token"), unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Nachbetreuungskontakt")
        verbose_name_plural = _("Nachbetreuungskontakte")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["employment", "date"])]
        constraints = [
            *stored_range_constraints("followup", dates=["date", "next_date"]),
            models.CheckConstraint(
                condition=Q(next_date__isnull=True) | Q(next_date__gte=F("date")),
                name="followup_next_after_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} {self.date}"

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topics]


# --- language support ---------------------------------------------------------------------------


class LanguageArea(models.TextChoices):
    WORKPLACE = "workplace", _("Sprache am Arbeitsplatz")
    TECHNICAL = "technical", _("Fachsprache")
    EXAM = "exam", _("Prüfungsvorbereitung")


class LanguageMeasure(models.TextChoices):
    BERUFSSPRACHKURS = "berufssprachkurs", _("Berufssprachkurs (DeuFöV)")
    EMPLOYER_COURSE = "employer_course", _("Kurs des Betriebs")
    VOCATIONAL_SCHOOL = "vocational_school", _("Förderung an der Berufsschule")
    VOLUNTEER_TUTORING = "volunteer_tutoring", _("ehrenamtliche Sprachpatenschaft")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("offen")
    PLANNED = "planned", _("geplant")
    IN_PROGRESS = "in_progress", _("läuft")
    DONE = "done", _("abgeschlossen")
    CANCELLED = "cancelled", _("entfallen")


OPEN_NEED_STATUSES = (NeedStatus.OPEN, NeedStatus.PLANNED)


class Funding(models.TextChoices):
    UNCLEAR = "unclear", _("noch offen")
    BAMF = "bamf", _("BAMF")
    JOBCENTER = "jobcenter", _("Jobcenter / Agentur für Arbeit")
    EMPLOYER = "employer", _("Betrieb")
    FREE = "free", _("kostenfrei")
    OTHER = "other", _("andere")


class LanguageSupportNeed(models.Model):
    employment = models.ForeignKey(
        "employers.Employment",
        on_delete=models.CASCADE,
        related_name="language_needs",
        verbose_name=_("Beschäftigung"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("Kommune")
    )
    area = models.CharField(_("Bereich"), max_length=16, choices=LanguageArea.choices)
    current_level = models.CharField(_("jetziges Niveau (GER)"), max_length=2, choices=CEFR.choices)
    target_level = models.CharField(_("Zielniveau (GER)"), max_length=2, choices=CEFR.choices)
    measure = models.CharField(_("Maßnahme"), max_length=24, choices=LanguageMeasure.choices)
    provider = models.ForeignKey(
        "Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="language_needs",
        verbose_name=_("Anbieter (Angebot)"),
    )
    # Where the course is needed (work place or home), for planning courses by place.
    place = models.CharField(_("Ort"), max_length=120, blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    funding = models.CharField(
        _("Finanzierung"), max_length=16, choices=Funding.choices, default=Funding.UNCLEAR
    )
    note = models.CharField(_("Notiz"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Sprachförderbedarf")
        verbose_name_plural = _("Sprachförderbedarfe")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["municipality", "status", "measure"])]
        constraints = [
            # CEFR codes sort as strings in level order (A1 < A2 < B1 < ... < C2).
            models.CheckConstraint(
                condition=Q(target_level__gt=F("current_level")), name="language_need_target_above"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} {self.current_level}→{self.target_level}"


# --- risks ----------------------------------------------------------------------------------------


class RiskKind(models.TextChoices):
    DROPOUT = "dropout", _("Abbruchgefahr")
    EXAM = "exam", _("Prüfung gefährdet")
    CONFLICT = "conflict", _("Konflikt")
    PERMIT = "permit", _("Aufenthaltserlaubnis läuft ab")
    HEALTH = "health", _("Gesundheit")


class Severity(models.TextChoices):
    LOW = "low", _("gering")
    MEDIUM = "medium", _("mittel")
    HIGH = "high", _("hoch")


class RiskFlag(models.Model):
    employment = models.ForeignKey(
        "employers.Employment",
        on_delete=models.CASCADE,
        related_name="risk_flags",
        verbose_name=_("Beschäftigung"),
    )
    kind = models.CharField(_("Art"), max_length=16, choices=RiskKind.choices)
    severity = models.CharField(_("Schwere"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    note = models.CharField(_("Beschreibung"), max_length=1000, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gemeldet von"),
    )
    raised_at = models.DateTimeField(_("gemeldet am"), auto_now_add=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eskaliert an"),
    )
    escalated_at = models.DateTimeField(_("eskaliert am"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("gelöst am"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gelöst von"),
    )
    resolution_note = models.CharField(_("Lösung"), max_length=1000, blank=True)
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("Risiko")
        verbose_name_plural = _("Risiken")
        ordering = ["resolved_at", "-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
                name="risk_resolution_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- employer support requests ("heißer Draht") -----------------------------------------------


class RequestTopic(models.TextChoices):
    LANGUAGE = "language", _("Sprache und Verständigung")
    TASKS = "tasks", _("Aufgaben und Einarbeitung")
    CONFLICT = "conflict", _("Konflikt im Team")
    PERMITS = "permits", _("Aufenthalt, Arbeitserlaubnis, Papiere")
    SCHOOL = "school", _("Berufsschule und Prüfung")
    FUNDING = "funding", _("Förderung und Zuschüsse")
    OTHER = "other", _("Sonstiges")


class SupportRequest(models.Model):
    """An employer's question to the coach. Routed at creation; due in two working days."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ESCALATED = "escalated", _("eskaliert")
        ANSWERED = "answered", _("beantwortet")

    employer_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="support_requests",
        verbose_name=_("Betrieb"),
    )
    employment = models.ForeignKey(
        "employers.Employment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
        verbose_name=_("Beschäftigung"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("Kommune")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gefragt von"),
    )
    topic = models.CharField(_("Thema"), max_length=16, choices=RequestTopic.choices)
    message = models.TextField(_("Nachricht"), max_length=3000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
        verbose_name=_("zuständig"),
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(_("Antwort fällig am"))
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
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eskaliert an"),
    )
    escalated_at = models.DateTimeField(_("eskaliert am"), null=True, blank=True)
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anfrage eines Betriebs")
        verbose_name_plural = _("Anfragen von Betrieben")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["assigned_to", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="support_request_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ANSWERED

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


# --- volunteers ------------------------------------------------------------------------------------


class VolunteerFocus(models.TextChoices):
    LANGUAGE = "language", _("Sprachpatenschaft")
    MENTORING = "mentoring", _("Mentoring")
    BUDDY = "buddy", _("Alltagsbegleitung")


class VolunteerAssignment(models.Model):
    """A volunteer assigned to a candidate. Only valid while the candidate's live volunteer consent names them."""

    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="volunteer_assignments",
        verbose_name=_("Klient*in"),
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_assignments",
        verbose_name=_("Ehrenamtliche*r"),
    )
    focus = models.CharField(
        _("Schwerpunkt"), max_length=16, choices=VolunteerFocus.choices, default=VolunteerFocus.LANGUAGE
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("zugeordnet von"),
    )
    started_at = models.DateTimeField(_("seit"), default=timezone.now)
    ended_at = models.DateTimeField(_("beendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ehrenamtliche Begleitung")
        verbose_name_plural = _("Ehrenamtliche Begleitungen")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "volunteer"],
                condition=Q(ended_at__isnull=True),
                name="volunteer_assignment_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} – {self.volunteer_id}"


class TutoringSession(models.Model):
    assignment = models.ForeignKey(
        VolunteerAssignment, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("Begleitung")
    )
    date = models.DateField(_("Datum"))
    minutes = models.PositiveSmallIntegerField(_("Dauer (Minuten)"))
    topic = models.CharField(_("Thema"), max_length=200)
    notes = models.TextField(_("Notizen"), max_length=3000, blank=True)
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Lerntreffen")
        verbose_name_plural = _("Lerntreffen")
        ordering = ["-date", "-pk"]
        constraints = [
            *stored_range_constraints("tutoringsession", dates=["date"]),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=600), name="tutoring_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.date}"


# --- services directory (after Open Referral HSDS) --------------------------------------------


class ServiceOrganisation(models.Model):
    """HSDS ``organization``: who offers services. May be a platform organisation, or not."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="service_organisations",
        verbose_name=_("Kommune"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Organisation auf Lotse"),
    )
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Website"), blank=True)
    # HSDS ``id``: stable across exports; an import keeps the document's ids (issue 17).
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)
    # The API's ETag (issue 17): each write moves it, so a client's If-Match names one version.
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Träger")
        verbose_name_plural = _("Träger")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="service_org_unique_name"),
            models.UniqueConstraint(fields=["municipality", "hsds_id"], name="service_org_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceLocation(models.Model):
    """HSDS ``location`` (with its physical address)."""

    organisation = models.ForeignKey(
        ServiceOrganisation, on_delete=models.CASCADE, related_name="locations", verbose_name=_("Träger")
    )
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=120, blank=True)
    accessible = models.BooleanField(_("barrierefrei"), default=False)
    # HSDS ``id``: stable across exports; an import keeps the document's ids (issue 17).
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "hsds_id"], name="service_location_unique_hsds_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class ServiceCategory(models.TextChoices):
    LANGUAGE_COURSE = "language_course", _("Sprachkurs")
    RECOGNITION = "recognition", _("Anerkennungsberatung")
    PSYCHOSOCIAL = "psychosocial", _("psychosoziale Beratung")
    HOUSING = "housing", _("Wohnungshilfe")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    MIGRATION_COUNSELLING = "migration_counselling", _("Migrationsberatung (MBE/JMD)")
    TRAINING = "training", _("Qualifizierung")
    # issue 15 §3: where a report of discrimination can be referred to.
    ANTI_DISCRIMINATION = "anti_discrimination", _("Antidiskriminierungsberatung")
    OTHER = "other", _("Sonstiges")


class Cost(models.TextChoices):
    FREE = "free", _("kostenlos")
    REDUCED = "reduced", _("ermäßigt / gefördert möglich")
    PAID = "paid", _("kostenpflichtig")


class ServiceQuerySet(models.QuerySet):
    def serving(self, municipality_ids) -> ServiceQuerySet:
        """Offers of these municipalities and offers that serve them across a district line (issue
        17): a subquery rather than a join, so no row comes twice and no ``distinct`` is needed."""
        ids = list(municipality_ids)
        served = Service.served_municipalities.through.objects.filter(municipality_id__in=ids)
        return self.filter(Q(municipality_id__in=ids) | Q(pk__in=served.values("service_id")))

    def covering(self, *, municipality_id: int, postcode: str) -> ServiceQuerySet:
        """Offers whose service area takes a person of this municipality living at this postcode:
        the municipality's own, those serving it as a whole, and those whose area names the postcode
        (issue 17: a rural district uses its neighbour's offers)."""
        by_postcode = ServiceAreaPostcode.objects.filter(postcode=postcode) if postcode else None
        wanted = self.serving([municipality_id]).values("pk")
        if by_postcode is None:
            return self.filter(pk__in=wanted)
        return self.filter(Q(pk__in=wanted) | Q(pk__in=by_postcode.values("service_id")))


class Service(models.Model):
    """HSDS ``service`` with languages, eligibility (by residence status), cost option and contact."""

    organisation = models.ForeignKey(
        ServiceOrganisation, on_delete=models.CASCADE, related_name="services", verbose_name=_("Träger")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("Kommune"),
    )
    name = models.CharField(_("Name"), max_length=200)
    category = models.CharField(_("Art"), max_length=24, choices=ServiceCategory.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    locations = models.ManyToManyField(
        ServiceLocation, blank=True, related_name="services", verbose_name=_("Standorte")
    )
    # ISO 639-1 codes (candidates.models.Language).
    languages = models.JSONField(_("Sprachen des Angebots"), default=list, blank=True)
    # Residence statuses that may use the service; empty = everybody (HSDS ``eligibility``).
    eligible_residence_statuses = models.JSONField(
        _("zugänglich bei Aufenthaltsstatus"), default=list, blank=True
    )
    cost = models.CharField(_("Kosten"), max_length=16, choices=Cost.choices, default=Cost.FREE)
    cost_details = models.CharField(_("Kosten (Einzelheiten)"), max_length=300, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    url = models.URLField(_("Website"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # HSDS ``id``: stable across exports; an import keeps the document's ids (issue 17).
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)
    # The ESCO skills the offer teaches (issue 20): a pathway's missing skill finds its courses here.
    skills = models.ManyToManyField(
        "taxonomy.Skill",
        blank=True,
        related_name="services",
        verbose_name=_("vermittelte Kompetenzen (ESCO)"),
    )
    # HSDS ``service_area`` across district lines (issue 17): further municipalities whose people the
    # offer takes; their case staff find it and refer to it. Only the owning municipality edits it.
    served_municipalities = models.ManyToManyField(
        "organisations.Municipality",
        blank=True,
        related_name="served_services",
        verbose_name=_("auch zuständig für"),
    )
    deactivated_at = models.DateTimeField(_("deaktiviert am"), null=True, blank=True)
    # HSDS ``wait_time`` (free text, as HSDS has it): what a person referred today should expect.
    wait_time = models.CharField(
        _("Wartezeit"),
        max_length=200,
        blank=True,
        help_text=_("Zum Beispiel „etwa 4 Wochen bis zum Erstgespräch“."),
    )
    # The API's ETag (issue 17): the directory services move it on every change, also of the
    # offer's hours, areas and documents (rows of their own).
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "category"])]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "hsds_id"], name="service_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_eligible(self, residence_status: str) -> bool:
        return not self.eligible_residence_statuses or residence_status in self.eligible_residence_statuses

    def eligibility_labels(self) -> list[str]:
        labels = dict(ResidenceStatus.choices)
        return [str(labels.get(s, s)) for s in self.eligible_residence_statuses]

    def serves(self, municipality_id: int) -> bool:
        """Whether people of the municipality may use the offer (its own, or one it serves); reads
        a prefetched ``served_municipalities`` where there is one."""
        return municipality_id == self.municipality_id or any(
            m.pk == municipality_id for m in self.served_municipalities.all()
        )

    def covers(self, *, municipality_id: int, postcode: str) -> bool:
        """Whether the service area takes a person of this municipality at this postcode: the whole
        municipality is served, or the area names the postcode. An offer with no area beyond its own
        municipality keeps the rule before postcodes (its municipality's people only). Reads
        prefetched ``served_municipalities`` and ``area_postcodes`` where there are."""
        if self.serves(municipality_id):
            return True
        return bool(postcode) and any(a.postcode == postcode for a in self.area_postcodes.all())

    def area_postcode_list(self) -> list[str]:
        return sorted(a.postcode for a in self.area_postcodes.all())

    def required_document_list(self) -> list[str]:
        return [d.document for d in self.required_documents.all()]


class Weekday(models.IntegerChoices):
    # ISO 8601 numbering (Monday 1), as HSDS 3.0 ``byday`` and ``wkst`` start the week on Monday.
    # The names are Django's own, translated in every language Lotse speaks.
    MONDAY = 1, WEEKDAYS[0]
    TUESDAY = 2, WEEKDAYS[1]
    WEDNESDAY = 3, WEEKDAYS[2]
    THURSDAY = 4, WEEKDAYS[3]
    FRIDAY = 5, WEEKDAYS[4]
    SATURDAY = 6, WEEKDAYS[5]
    SUNDAY = 7, WEEKDAYS[6]


# RFC 5545 day codes for HSDS ``byday``, by ISO weekday.
BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


class ServiceSchedule(models.Model):
    """One weekly opening time of an offer (HSDS 3.0 ``schedule`` with ``freq`` WEEKLY)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("Angebot")
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    opens = models.TimeField(_("öffnet um"))
    closes = models.TimeField(_("schließt um"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="schedule_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="schedule_weekday_iso"),
            models.UniqueConstraint(fields=["service", "weekday", "opens"], name="schedule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ServiceAreaPostcode(models.Model):
    """One postcode of an offer's service area (HSDS 3.0 ``service_area``), which may lie in
    another municipality than the offer's: its people may be referred to the offer (issue 17)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="area_postcodes", verbose_name=_("Angebot")
    )
    postcode = models.CharField(_("Postleitzahl"), max_length=5)

    class Meta:
        verbose_name = _("Postleitzahl im Einzugsgebiet")
        verbose_name_plural = _("Postleitzahlen im Einzugsgebiet")
        ordering = ["postcode"]
        constraints = [
            # Two coordinators saving at once cannot list a postcode twice.
            models.UniqueConstraint(fields=["service", "postcode"], name="service_area_unique_postcode"),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"), name="service_area_postcode_5_digits"
            ),
        ]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return self.postcode


class ServiceRequiredDocument(models.Model):
    """A document a person brings to use the offer (HSDS 3.0 ``required_document``)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents", verbose_name=_("Angebot")
    )
    document = models.CharField(_("Unterlage"), max_length=200)
    uri = models.URLField(_("Link zur Unterlage"), blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # HSDS ``id``: stable across exports; an import keeps the document's ids.
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("benötigte Unterlage")
        verbose_name_plural = _("benötigte Unterlagen")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "document"], name="service_document_unique_name"),
        ]

    def __str__(self) -> str:
        return self.document


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("gesendet")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        COMPLETED = "completed", _("abgeschlossen")

    # Which status may follow which.
    NEXT = {
        "sent": ("accepted", "declined"),
        "accepted": ("completed", "declined"),
        "declined": (),
        "completed": (),
    }

    case = models.ForeignKey(
        "candidates.Case", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("Fall")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("Angebot")
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.SENT)
    note = models.CharField(_("Anlass"), max_length=1000, blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verwiesen von"),
    )
    created_at = models.DateTimeField(_("verwiesen am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Verweisung")
        verbose_name_plural = _("Verweisungen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "service"],
                condition=Q(status__in=["sent", "accepted"]),
                name="referral_one_open_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.service} ({self.get_status_display()})"


# --- warm handover ---------------------------------------------------------------------------------


class HandoverKind(models.Model):
    """A kind of handover with its checklist (configurable in the admin)."""

    slug = models.SlugField(_("Kurzname"), max_length=60, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Art der Übergabe")
        verbose_name_plural = _("Arten der Übergabe")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HandoverChecklistTemplate(models.Model):
    kind = models.ForeignKey(
        HandoverKind, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("Art der Übergabe")
    )
    label = models.CharField(_("Punkt"), max_length=300)
    required = models.BooleanField(_("Pflicht"), default=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Checklisten-Punkt (Vorlage)")
        verbose_name_plural = _("Checklisten-Punkte (Vorlage)")
        ordering = ["kind", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class Handover(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("angefragt")
        ACCEPTED = "accepted", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")
        CANCELLED = "cancelled", _("zurückgezogen")

    case = models.ForeignKey(
        "candidates.Case", on_delete=models.CASCADE, related_name="handovers", verbose_name=_("Fall")
    )
    kind = models.ForeignKey(
        HandoverKind, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("Art")
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="handovers_out",
        verbose_name=_("abgebende Organisation"),
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="handovers_in",
        verbose_name=_("aufnehmende Organisation"),
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    note = models.TextField(_("Hinweise für die Übernahme"), max_length=3000, blank=True)
    reason = models.CharField(_("Begründung"), max_length=1000, blank=True)
    joint_appointment_at = models.DateTimeField(_("gemeinsamer Termin am"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angefragt von"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Übergabe")
        verbose_name_plural = _("Übergaben")
        ordering = ["-created_at"]
        constraints = [
            *stored_range_constraints("handover", datetimes=["joint_appointment_at"]),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="proposed"), name="handover_one_open_per_case"
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation")), name="handover_other_org"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="handover_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_organisation} → {self.to_organisation}"

    @property
    def is_warm(self) -> bool:
        return self.joint_appointment_at is not None


class HandoverChecklistItem(models.Model):
    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("Übergabe")
    )
    label = models.CharField(_("Punkt"), max_length=300)
    required = models.BooleanField(_("Pflicht"), default=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erledigt von"),
    )

    class Meta:
        verbose_name = _("Checklisten-Punkt")
        verbose_name_plural = _("Checkliste")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


# --- messages (issue 22) ---


def _message_storage():
    """Attachments live outside MEDIA_ROOT and every static or executable path: no URL maps to
    this folder; they are served only through coaching:message_file, which checks access."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.MESSAGE_ATTACHMENT_ROOT, base_url=None)


def _attachment_path(instance: Message, filename: str) -> str:
    # A generated name: nothing the uploader typed reaches the disk or the download header.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.attachment_type, "bin"
    )
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class MessageThread(models.Model):
    """The conversation of one candidate on their case: with case staff (case manager, job coach;
    ``assignment`` empty) or with one assigned volunteer (``assignment`` set). Lives in coaching
    because volunteer assignments do, and candidates must not import coaching."""

    case = models.ForeignKey(
        "candidates.Case", on_delete=models.CASCADE, related_name="message_threads", verbose_name=_("Fall")
    )
    assignment = models.ForeignKey(
        VolunteerAssignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="message_threads",
        verbose_name=_("Ehrenamtliche Begleitung"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Nachrichtenverlauf")
        verbose_name_plural = _("Nachrichtenverläufe")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(assignment__isnull=True), name="message_thread_one_per_case"
            ),
            models.UniqueConstraint(
                fields=["case", "assignment"],
                condition=Q(assignment__isnull=False),
                name="message_thread_one_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.assignment_id or '-'}"


class Message(models.Model):
    """One message. ``read_at`` is the receiving side's read state (the candidate's for a staff or
    volunteer message, the other side's for the candidate's). Erasure blanks body and attachment and
    keeps the row and its dates."""

    thread = models.ForeignKey(
        MessageThread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("Verlauf")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("von"),
    )
    from_candidate = models.BooleanField(_("von der Klient*in"), default=False)
    body = models.TextField(_("Nachricht"), max_length=5000, blank=True)
    # The writer's page language, so a Farsi answer on a German page carries lang="fa".
    body_lang = models.CharField(_("Sprache der Nachricht"), max_length=10, blank=True)
    attachment = models.FileField(
        _("Anhang"), storage=_message_storage, upload_to=_attachment_path, blank=True, max_length=200
    )
    attachment_type = models.CharField(_("Dateityp"), max_length=40, blank=True)
    attachment_size = models.PositiveIntegerField(_("Dateigröße"), null=True, blank=True)
    created_at = models.DateTimeField(_("gesendet am"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    erased_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.created_at:%Y-%m-%d}"


# --- the network level: systemic barriers (issue 23) -----------------------------------------------


class BarrierCategory(models.TextChoices):
    INTEGRATION_COURSE_WAIT = "integration_course_wait", _("Wartezeit Integrationskurs")
    LANGUAGE_COURSE_WAIT = "language_course_wait", _("Wartezeit Berufssprachkurs")
    RECOGNITION_SLOW = "recognition_slow", _("Anerkennung dauert")
    NO_CHILDCARE = "no_childcare", _("kein Kita-Platz")
    IMMIGRATION_OFFICE_SILENT = "immigration_office_silent", _("ABH antwortet nicht")
    WORK_PERMIT_SLOW = "work_permit_slow", _("Beschäftigungserlaubnis dauert")
    HOUSING = "housing", _("Wohnung")
    MOBILITY = "mobility", _("Mobilität und Nahverkehr")
    OTHER = "other", _("Sonstiges")


class Barrier(models.Model):
    """A systemic barrier that case staff met on a case ("Hürde"), for the network level. On purpose
    without a link to the case, the person or the member of staff who flagged it, and with the day
    only (no time): the row carries the municipality, the organisation that met it, the category and
    an optional note that was checked for the person's name and references. Not personal data, so
    neither audited nor exported; counted (small cells suppressed) for the coordinator."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="barriers",
        verbose_name=_("Kommune"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barriers",
        verbose_name=_("Organisation"),
    )
    category = models.CharField(_("Art der Hürde"), max_length=32, choices=BarrierCategory.choices)
    note = models.TextField(_("Anmerkung (anonym)"), max_length=500, blank=True)
    flagged_on = models.DateField(_("gemeldet am"), default=timezone.localdate, db_index=True)

    class Meta:
        verbose_name = _("Systemische Hürde")
        verbose_name_plural = _("Systemische Hürden")
        indexes = [models.Index(fields=["municipality", "flagged_on"])]
        constraints = [*stored_range_constraints("barrier", dates=["flagged_on"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.flagged_on:%Y-%m-%d})"


class RoundKind(models.TextChoices):
    CORE_GROUP = "core_group", _("Bündniskerngruppe (mit Kammern und Jobcenter)")
    IMMIGRATION_OFFICE = "immigration_office", _("Runde mit der Ausländerbehörde")
    EMPLOYERS = "employers", _("Arbeitgeberrunde")


class CoordinationRound(models.Model):
    """A recurring round of the local alliance (issue 23). Its agenda lists the barriers flagged
    since it last met (counts only); decisions become actions with an owner and a deadline."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="coordination_rounds",
        verbose_name=_("Kommune"),
    )
    name = models.CharField(_("Name der Runde"), max_length=200)
    kind = models.CharField(_("Art der Runde"), max_length=32, choices=RoundKind.choices)
    members = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="coordination_rounds",
        verbose_name=_("Mitglieder (Partnerorganisationen)"),
    )
    next_date = models.DateField(_("nächster Termin"), null=True, blank=True)
    last_held_on = models.DateField(_("zuletzt getagt am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Koordinationsrunde")
        verbose_name_plural = _("Koordinationsrunden")
        ordering = ["name", "pk"]
        constraints = [
            *stored_range_constraints(
                "coordinationround", dates=["next_date", "last_held_on"], datetimes=["created_at"]
            )
        ]

    def __str__(self) -> str:
        return self.name


class RoundAction(models.Model):
    """A decision of a round and the action that follows, with its owner and deadline. Overdue
    actions are reminded once (beat: coaching.tasks.remind_overdue_round_actions)."""

    round = models.ForeignKey(
        CoordinationRound, on_delete=models.CASCADE, related_name="actions", verbose_name=_("Runde")
    )
    text = models.TextField(_("Beschluss und Maßnahme"), max_length=1000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="round_actions",
        verbose_name=_("verantwortlich"),
    )
    deadline = models.DateField(_("Frist"))
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Maßnahme einer Runde")
        verbose_name_plural = _("Maßnahmen der Runden")
        ordering = ["done_at", "deadline", "pk"]
        constraints = [
            *stored_range_constraints(
                "roundaction", dates=["deadline"], datetimes=["done_at", "reminded_at", "created_at"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.deadline:%Y-%m-%d}"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SIGNED = "signed", _("unterzeichnet")
    ENDED = "ended", _("beendet")


class CooperationAgreement(models.Model):
    """A cooperation agreement (Kooperationsvereinbarung) between the municipality and partner
    organisations of it (issue 23): its purpose, the clause on exchanging data, when it was signed
    and when it is to be reviewed. The status follows from the dates: a draft until it is signed,
    ended once ``ended_on`` is set. Coordinators are reminded once of a review due within 30 days
    (beat: coaching.tasks.remind_agreement_reviews); the consent pages name the signed agreements
    with the organisation a person lets see their case data."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="cooperation_agreements",
        verbose_name=_("Kommune"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="cooperation_agreements",
        verbose_name=_("Partnerorganisationen"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    purpose = models.TextField(_("Zweck"), max_length=3000)
    data_exchange = models.TextField(_("Regelung zum Datenaustausch"), max_length=5000, blank=True)
    signed_on = models.DateField(_("unterzeichnet am"), null=True, blank=True)
    review_on = models.DateField(_("zu überprüfen am"), null=True, blank=True, db_index=True)
    ended_on = models.DateField(_("beendet am"), null=True, blank=True)
    # The review date a reminder went out for: a later review date is reminded again, the same never twice.
    review_reminded_for = models.DateField(_("Erinnerung zur Überprüfung am"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Kooperationsvereinbarung")
        verbose_name_plural = _("Kooperationsvereinbarungen")
        ordering = ["review_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(review_on__gte=F("signed_on")),
                name="cooperationagreement_review_not_before_signed",
                violation_error_message=_("Die Überprüfung kann nicht vor der Unterzeichnung liegen."),
            ),
            *stored_range_constraints(
                "cooperationagreement",
                dates=["signed_on", "review_on", "ended_on", "review_reminded_for"],
                datetimes=["created_at"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        if self.ended_on:
            return AgreementStatus.ENDED
        return AgreementStatus.SIGNED if self.signed_on else AgreementStatus.DRAFT

    def get_status_display(self) -> str:
        return str(AgreementStatus(self.status).label)


# --- practice shared between municipalities (issue 23 §4) ----------------------------------------


class PracticeKind(models.TextChoices):
    HANDOVER_CHECKLIST = "handover_checklist", _("Übergabe-Checkliste")
    ASSESSMENT_GUIDE = "assessment_guide", _("Leitfaden zur Einschätzung")
    EVENT_FORMAT = "event_format", _("Veranstaltungsformat")
    PRACTICE_NOTE = "practice_note", _("Praxisnotiz")


class PracticeTemplate(models.Model):
    """A piece of practice a municipality keeps (issue 23 §4): a handover checklist, an assessment
    guide, an event format or an anonymised practice note, as a title, a short description and an
    ordered list of items. A municipality may opt in to share it with every other municipality; a
    coordinator there imports it with one click (a copy of their own, ``source`` pointing back and
    the source municipality's name kept even when the original goes). Holds nothing of a person:
    coaching.practice_services refuses names of the municipality's candidates, e-mail addresses,
    telephone numbers and case references in every text."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="practice_templates",
        verbose_name=_("Kommune"),
    )
    kind = models.CharField(_("Art"), max_length=32, choices=PracticeKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Kurzbeschreibung"), max_length=2000, blank=True)
    # The lines of the checklist, guide or format in their order (a list of strings).
    items = models.JSONField(_("Punkte"), default=list, blank=True)
    shared = models.BooleanField(_("mit anderen Kommunen geteilt"), default=False)
    shared_at = models.DateTimeField(_("geteilt seit"), null=True, blank=True)
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name=_("übernommen aus"),
    )
    # A snapshot: the copy still says where it came from after the original is deleted.
    source_municipality_name = models.CharField(_("übernommen von"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Praxisvorlage")
        verbose_name_plural = _("Praxisvorlagen")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("title"),
                "municipality",
                name="practicetemplate_unique_title_per_municipality",
                violation_error_message=_("Die Kommune hat schon eine Vorlage mit diesem Titel."),
            ),
            models.CheckConstraint(
                condition=Q(shared=True, shared_at__isnull=False) | Q(shared=False, shared_at__isnull=True),
                name="practicetemplate_shared_at_iff_shared",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PracticeKind.values), name="practicetemplate_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=True) | ~Q(source_municipality_name=""),
                name="practicetemplate_source_named",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="practicetemplate_title_not_empty"),
            *stored_range_constraints("practicetemplate", datetimes=["created_at", "shared_at"]),
        ]
        indexes = [models.Index(fields=["shared", "municipality"])]

    def __str__(self) -> str:
        return self.title


# --- reporting discrimination (issue 15 §3) ---------------------------------------------------------


class DiscriminationSetting(models.TextChoices):
    BUSINESS = "business", _("bei einem Betrieb / Arbeitgeber")
    OFFICE = "office", _("bei einem Amt / einer Behörde")
    HOUSING = "housing", _("bei der Wohnungssuche / beim Wohnen")
    EDUCATION = "education", _("in einem Kurs / einer Schule")
    PUBLIC = "public", _("im öffentlichen Raum")
    OTHER = "other", _("anderswo")


class DiscriminationGround(models.TextChoices):
    ETHNIC = "ethnic", _("Herkunft / Rassismus")
    RELIGION = "religion", _("Religion")
    GENDER = "gender", _("Geschlecht")
    DISABILITY = "disability", _("Behinderung")
    AGE = "age", _("Alter")
    SEXUAL_IDENTITY = "sexual_identity", _("sexuelle Identität")
    LANGUAGE = "language", _("Sprache")
    RESIDENCE_STATUS = "residence_status", _("Aufenthaltsstatus")
    OTHER = "other", _("anderer Grund")


class ReporterKind(models.TextChoices):
    CANDIDATE = "candidate", _("betroffene Person selbst")
    STAFF = "staff", _("Fachkraft")
    VOLUNTEER = "volunteer", _("Ehrenamtliche*r")


class DiscriminationReport(models.Model):
    """A reported incident of discrimination (issue 15 §3).

    Anonymous reports carry no link to anybody: no reporter, no candidate (a check constraint says
    so), the month only (``occurred_on`` and ``reported_on`` are the first of their month) and no
    time of day, and writing one leaves no audit entry that names the writer. Only the municipality,
    the setting, the ground, the business concerned and the text remain; they are counted for the
    coordinator and their text is read by nobody on the platform (only, with the person's consent,
    by the counselling service it was referred to).

    A named report is the reporter's personal data (export, erasure: the text is blanked, the row is
    kept for the counts). Its text is read by the reporter, and for a candidate's own report by the
    case staff responsible for that person's case; never by a coordinator as such, never by any
    employer — not even the business concerned."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="discrimination_reports",
        verbose_name=_("Kommune"),
    )
    reporter_kind = models.CharField(_("gemeldet von"), max_length=16, choices=ReporterKind.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gemeldet von (Person)"),
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("betroffene Person"),
    )
    anonymous = models.BooleanField(_("anonym"), default=False)
    setting = models.CharField(_("Wo ist es passiert?"), max_length=16, choices=DiscriminationSetting.choices)
    ground = models.CharField(
        _("Grund (wenn Sie ihn nennen möchten)"),
        max_length=24,
        choices=DiscriminationGround.choices,
        blank=True,
    )
    occurred_on = models.DateField(_("ungefähr wann (Monat)"))
    description = models.TextField(_("Was ist passiert?"), max_length=3000, blank=True)
    # The language the description was typed in (the interface language then), for lang= on it.
    description_lang = models.CharField(_("Sprache der Beschreibung"), max_length=8, default="de")
    business = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("betroffener Betrieb"),
    )
    reported_on = models.DateField(_("gemeldet im"), db_index=True)
    erased_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meldung von Diskriminierung")
        verbose_name_plural = _("Meldungen von Diskriminierung")
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["municipality", "reported_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(reporter__isnull=True, candidate__isnull=True),
                name="discrimination_anonymous_unlinked",
            ),
            *stored_range_constraints(
                "discriminationreport", dates=["occurred_on", "reported_on"], datetimes=["erased_at"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_setting_display()} ({self.reported_on:%m/%Y})"


class DiscriminationReferral(models.Model):
    """A report passed on, with the person's explicit consent, to an anti-discrimination counselling
    service of the directory. The service answers through a signed link (no login) and sees only
    this referral: the report's setting, ground, month and text, the business concerned, and the
    contact the person chose to give (nothing else of them)."""

    Status = Referral.Status
    NEXT = Referral.NEXT

    report = models.ForeignKey(
        DiscriminationReport, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("Meldung")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="discrimination_referrals", verbose_name=_("Angebot")
    )
    status = models.CharField(_("Status"), max_length=16, choices=Referral.Status.choices, default="sent")
    contact = models.CharField(_("So erreicht Sie die Beratung"), max_length=300, blank=True)
    consented_at = models.DateField(_("Einwilligung am"))
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Weitergabe an eine Beratungsstelle")
        verbose_name_plural = _("Weitergaben an Beratungsstellen")
        constraints = [
            models.UniqueConstraint(fields=["report", "service"], name="discrimination_referral_once"),
            *stored_range_constraints(
                "discriminationreferral", dates=["consented_at"], datetimes=["sent_at", "answered_at"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.service_id} ({self.get_status_display()})"
