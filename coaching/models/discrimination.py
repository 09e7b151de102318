"""Reporting discrimination (issue 15 §3): reports, named or anonymous, and their referral to a
counselling service of the directory."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inputs.dates import stored_range_constraints

from .choices import DiscriminationGround, DiscriminationSetting, ReporterKind
from .directory import Referral, Service


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
