"""Warm handover of a case between organisations, with a checklist per kind of handover."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inputs.dates import stored_range_constraints


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
