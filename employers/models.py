"""Employers and their placements (DESIGN.md "Organisation", "Placement").

Verification lives on organisations.Organisation.verification_status; the profile here holds
what only an employer has. Writes go through employers.services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taxonomy.cefr import CEFR
from taxonomy.models import OccupationSkill


class Sector(models.TextChoices):
    HANDWERK = "handwerk", _("Handwerk")
    GASTRONOMIE = "gastronomie", _("Gastronomie und Hotellerie")
    PFLEGE = "pflege", _("Pflege und Gesundheit")
    LOGISTIK = "logistik", _("Logistik und Verkehr")
    HANDEL = "handel", _("Handel")
    INDUSTRIE = "industrie", _("Industrie und Produktion")
    BAU = "bau", _("Bau")
    REINIGUNG = "reinigung", _("Reinigung und Gebäudeservice")
    IT = "it", _("IT und Kommunikation")
    SONSTIGES = "sonstiges", _("Sonstiges")


class CompanySize(models.TextChoices):
    MICRO = "1-9", _("1–9 Beschäftigte")
    SMALL = "10-49", _("10–49 Beschäftigte")
    MEDIUM = "50-249", _("50–249 Beschäftigte")
    LARGE = "250+", _("250 und mehr Beschäftigte")


class EmployerProfile(models.Model):
    """What an employer organisation tells candidates and coaches about itself."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="employer_profile",
        verbose_name=_("Organisation"),
    )
    sector = models.CharField(_("Branche"), max_length=16, choices=Sector.choices)
    size = models.CharField(_("Betriebsgröße"), max_length=8, choices=CompanySize.choices, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)
    register_number = models.CharField(
        _("Register-Nummer"), max_length=40, blank=True,
        help_text=_("Handelsregister-Nummer (z. B. HRB 12345) oder Nummer in der Handwerksrolle."),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Arbeitgeberprofil")
        verbose_name_plural = _("Arbeitgeberprofile")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_verified(self) -> bool:
        return self.organisation.is_verified


class PlacementKind(models.TextChoices):
    JOB = "job", _("Arbeitsstelle")
    AUSBILDUNG = "ausbildung", _("Ausbildung")
    PRAKTIKUM = "praktikum", _("Praktikum")
    EQ = "eq", _("Einstiegsqualifizierung (EQ)")


class PlacementStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("offen")
    FILLED = "filled", _("besetzt")
    CLOSED = "closed", _("geschlossen")


class Placement(models.Model):
    """A job, apprenticeship, internship or EQ offered by an employer (Stelle)."""

    employer = models.ForeignKey(
        EmployerProfile, on_delete=models.CASCADE, related_name="placements", verbose_name=_("Arbeitgeber")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="placements",
        verbose_name=_("Kommune"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=16, choices=PlacementKind.choices, default=PlacementKind.JOB)
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.PROTECT, related_name="placements",
        verbose_name=_("Beruf (ESCO)"),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    min_german_spoken = models.CharField(
        _("Deutsch mündlich mindestens (GER)"), max_length=2, choices=CEFR.choices, null=True, blank=True
    )
    offers_language_support = models.BooleanField(_("Sprachförderung im Betrieb"), default=False)
    language_support_details = models.TextField(
        _("Art der Sprachförderung"), blank=True,
        help_text=_("Zum Beispiel Deutschkurs in der Arbeitszeit, Sprachpat*in im Team."),
    )
    postcode = models.CharField(
        _("Postleitzahl des Arbeitsorts"), max_length=5,
        validators=[RegexValidator(r"^\d{5}$", _("Bitte eine fünfstellige Postleitzahl angeben."))],
    )
    city = models.CharField(_("Arbeitsort"), max_length=120, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("Stunden pro Woche"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    openings = models.PositiveSmallIntegerField(
        _("Anzahl Plätze"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.DRAFT
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("angelegt von"),
    )

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["employer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(openings__gte=1), name="placement_openings_ge_1"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == PlacementStatus.OPEN


class PlacementSkill(models.Model):
    """A skill the placement asks for; essential or optional, as in ESCO."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="skills", verbose_name=_("Stelle")
    )
    skill = models.ForeignKey(
        "taxonomy.Skill", on_delete=models.PROTECT, related_name="placement_entries",
        verbose_name=_("Kompetenz (ESCO)"),
    )
    relation = models.CharField(
        _("Gewicht"), max_length=16, choices=OccupationSkill.Relation.choices,
        default=OccupationSkill.Relation.ESSENTIAL,
    )

    class Meta:
        verbose_name = _("Kompetenz der Stelle")
        verbose_name_plural = _("Kompetenzen der Stelle")
        constraints = [
            models.UniqueConstraint(fields=["placement", "skill"], name="placement_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.placement} – {self.skill} ({self.get_relation_display()})"
