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


# Languages ESCO labels are stored in. Farsi/Dari has none in ESCO.
LABEL_LANGUAGES = ("de", "en", "uk", "ar")
# Fields a list must load so that `label` and `label_language` cost no further query.
LABEL_FIELDS = ("label_de", "label_en", "label_uk", "label_ar")


def label_order(language: str | None = None) -> tuple[str, ...]:
    """In which order label languages are tried for a reader of ``language`` (default: active).

    German readers get German, then English; Ukrainian and Arabic readers their own language,
    then English, then German; everyone else (English, Farsi) English, then German.
    """
    reader = (language or get_language() or "de").split("-")[0].split("_")[0].lower()
    if reader == "de":
        return ("de", "en")
    if reader in ("uk", "ar"):
        return (reader, "en", "de")
    return ("en", "de")


class LabelledConcept(models.Model):
    uri = models.CharField(max_length=255, unique=True)
    label_de = models.CharField(_("Bezeichnung (de)"), max_length=512)
    label_en = models.CharField(_("Bezeichnung (en)"), max_length=512, blank=True)
    label_uk = models.CharField(_("Bezeichnung (uk)"), max_length=512, blank=True)
    label_ar = models.CharField(_("Bezeichnung (ar)"), max_length=512, blank=True)
    alt_labels_de = models.TextField(blank=True, help_text="' | '-separated")
    alt_labels_en = models.TextField(blank=True, help_text="' | '-separated")
    alt_labels_uk = models.TextField(blank=True, help_text="' | '-separated")
    alt_labels_ar = models.TextField(blank=True, help_text="' | '-separated")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    def _german_is_english(self) -> bool:
        return False

    @property
    def label_language(self) -> str:
        """The language of the label shown to the active reader (see :func:`label_order`)."""
        for code in label_order():
            if getattr(self, f"label_{code}"):
                if code == "de" and self._german_is_english():
                    return "en"
                return code
        return "de"

    @property
    def label(self) -> str:
        """The label in the reader's language, else English, else German (see :func:`label_order`)."""
        for code in label_order():
            text = getattr(self, f"label_{code}")
            if text:
                return text
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

    def _german_is_english(self) -> bool:
        # ESCO's English label standing in for a missing German one.
        return self.label_de_source == EN_FALLBACK


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
