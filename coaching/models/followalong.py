"""Follow-along support of one employment: the plan, its schedule and log, language support,
risks and the employer's questions ("heißer Draht"). Created at hire (coaching.signals)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inputs.dates import stored_range_constraints
from taxonomy.cefr import CEFR

from .choices import (
    Funding,
    LanguageArea,
    LanguageMeasure,
    Mode,
    NeedStatus,
    NextStep,
    RequestTopic,
    RiskKind,
    Severity,
    Topic,
    WithWhom,
)

# --- follow-along plan, schedule and log ---------------------------------------------------------


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
        indexes = [
            models.Index(fields=["done_at", "due_date"]),
            # The open ones only (a few per employment, the rest are done): an employment's next
            # date is the first entry of the first, the week's due ones of a coach a walk along
            # the second (the caseload and the coach's home page, issue 18).
            models.Index(
                fields=["employment", "due_date"],
                condition=models.Q(done_at__isnull=True),
                name="followup_due_open_employment",
            ),
            models.Index(
                fields=["due_date"], condition=models.Q(done_at__isnull=True), name="followup_due_open_date"
            ),
        ]
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


# --- language support ----------------------------------------------------------------------------


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


# --- risks ---------------------------------------------------------------------------------------


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


# --- employer support requests ("heißer Draht") --------------------------------------------------


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
