"""Monitoring settings of a municipality: comparison opt-in and the caseload targets.

Figures themselves are never stored as rows: they are computed by SQL aggregates
(monitoring.selectors) and cached (monitoring.cache). Two small helper tables live here.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taxonomy.cefr import CEFR


class MonitoringSettings(models.Model):
    """What the coordinator decides for their municipality's monitoring."""

    municipality = models.OneToOneField(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        related_name="monitoring_settings",
        verbose_name=_("Kommune"),
    )
    comparison_opt_in = models.BooleanField(
        _("am Vergleich mit ähnlichen Kommunen teilnehmen"),
        default=False,
        help_text=_(
            "Nur zusammengefasste Zahlen verlassen die Kommune; Zellen mit weniger als 5 Personen "
            "werden unterdrückt. Nur wer teilnimmt, sieht auch die anderen."
        ),
    )
    target_cases_per_case_manager = models.PositiveSmallIntegerField(
        _("Zielwert: Fälle je Case Manager*in"),
        default=40,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    target_cases_per_coach = models.PositiveSmallIntegerField(
        _("Zielwert: Begleitungen je Jobcoach"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Monitoring-Einstellungen")
        verbose_name_plural = _("Monitoring-Einstellungen")

    def __str__(self) -> str:
        return str(self.municipality)


class FirstLanguageLevel(models.Model):
    """The first German spoken level recorded for a candidate ("at intake").

    Candidates keep only the current level; this row is written once, when a German level is first
    saved (monitoring.signals). Rows created in bulk (demo, imports) bypass signals: for them the
    dashboard falls back to the current level and says so.
    """

    candidate = models.OneToOneField(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        related_name="first_language_level",
        verbose_name=_("Klient*in"),
    )
    spoken = models.CharField(
        _("Deutsch mündlich beim Erstkontakt (GER)"), max_length=2, choices=CEFR.choices
    )
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("erstes Sprachniveau")
        verbose_name_plural = _("erste Sprachniveaus")

    def __str__(self) -> str:
        return f"#{self.candidate_id}: {self.spoken}"
