"""The network level (issue 23): systemic barriers, the alliance's coordination rounds and their
actions, cooperation agreements, and practice shared between municipalities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inputs.dates import stored_range_constraints

from .choices import AgreementStatus, BarrierCategory, PracticeKind, RoundKind

# --- systemic barriers and the rounds that take them up ------------------------------------------


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
