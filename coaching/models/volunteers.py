"""Volunteers assigned to a candidate (language tutors, mentors, buddies) and their tutoring log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inputs.dates import stored_range_constraints

from .choices import VolunteerFocus


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
