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


class IndexChange(models.Model):
    """A candidate whose matching data changed; processes apply these to their indexes."""

    municipality_id = models.BigIntegerField(db_index=True)
    candidate_id = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Index-Änderung")
        verbose_name_plural = _("Index-Änderungen")
        indexes = [models.Index(fields=["municipality_id", "id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} candidate {self.candidate_id}"
