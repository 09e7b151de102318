from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RerankerModel(models.Model):
    """One trained version of the re-ranker. Only the newest active version is used."""

    version = models.PositiveIntegerField(_("Version"), unique=True)
    created_at = models.DateTimeField(_("trainiert am"), auto_now_add=True)
    features = models.JSONField(_("Merkmale"))
    coefficients = models.JSONField(_("Koeffizienten"))
    intercept = models.FloatField(_("Achsenabschnitt"))
    samples = models.PositiveIntegerField(_("Entscheidungen"))
    positives = models.PositiveIntegerField(_("davon positiv"))
    auc = models.FloatField(_("AUC (Kreuzvalidierung)"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Re-Ranker-Modell")
        verbose_name_plural = _("Re-Ranker-Modelle")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.samples} Entscheidungen, AUC {self.auc or '–'})"
