from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class IscoGroup(models.Model):
    """ISCO-08 group, levels 1 to 4 (the code's length is its level)."""

    code = models.CharField(_("ISCO-Code"), max_length=4, unique=True)
    uri = models.CharField(max_length=255, unique=True)
    label_de = models.CharField(max_length=255)
    label_en = models.CharField(max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        verbose_name = _("ISCO-Gruppe")
        verbose_name_plural = _("ISCO-Gruppen")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label_de}"


class LabelledConcept(models.Model):
    uri = models.CharField(max_length=255, unique=True)
    label_de = models.CharField(_("Bezeichnung (de)"), max_length=512)
    label_en = models.CharField(_("Bezeichnung (en)"), max_length=512, blank=True)
    alt_labels_de = models.TextField(blank=True, help_text="' | '-separated")
    alt_labels_en = models.TextField(blank=True, help_text="' | '-separated")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """German first; English for English-speaking users when there is one."""
        if (get_language() or "de").startswith("en") and self.label_en:
            return self.label_en
        return self.label_de or self.label_en


class Occupation(LabelledConcept):
    isco_group = models.ForeignKey(
        IscoGroup, null=True, on_delete=models.SET_NULL, related_name="occupations"
    )
    isco_code = models.CharField(_("ISCO-Code"), max_length=4, db_index=True)
    esco_code = models.CharField(_("ESCO-Code"), max_length=64, blank=True)
    description_de = models.TextField(blank=True)
    skills = models.ManyToManyField("Skill", through="OccupationSkill", related_name="occupations")

    class Meta:
        verbose_name = _("Beruf (ESCO)")
        verbose_name_plural = _("Berufe (ESCO)")
        ordering = ["label_de"]


# Skill.label_de_source when ESCO has no German label and the English one stands in for it.
EN_FALLBACK = "en_fallback"


class Skill(LabelledConcept):
    class Type(models.TextChoices):
        SKILL = "skill/competence", _("Fertigkeit/Kompetenz")
        KNOWLEDGE = "knowledge", _("Wissen")

    skill_type = models.CharField(max_length=32, blank=True)
    reuse_level = models.CharField(max_length=32, blank=True)
    label_de_source = models.CharField(max_length=64, blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Kompetenz (ESCO)")
        verbose_name_plural = _("Kompetenzen (ESCO)")
        ordering = ["label_de"]


class OccupationSkill(models.Model):
    class Relation(models.TextChoices):
        ESSENTIAL = "essential", _("wesentlich")
        OPTIONAL = "optional", _("optional")

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skill_relations")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="occupation_relations")
    relation = models.CharField(max_length=16, choices=Relation.choices)

    class Meta:
        verbose_name = _("Beruf–Kompetenz-Beziehung")
        verbose_name_plural = _("Beruf–Kompetenz-Beziehungen")
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="occupation_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} – {self.skill_id} ({self.relation})"
