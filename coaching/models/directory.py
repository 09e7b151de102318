"""The services directory (after Open Referral HSDS): providers, locations, offers with their
hours, service area and required documents, and referrals of a case to an offer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from candidates.models import ResidenceStatus

from .choices import Cost, ServiceCategory, Weekday


class ServiceOrganisation(models.Model):
    """HSDS ``organization``: who offers services. May be a platform organisation, or not."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="service_organisations",
        verbose_name=_("Kommune"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Organisation auf Lotse"),
    )
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Website"), blank=True)
    # HSDS ``id``: stable across exports; an import keeps the document's ids (issue 17).
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)
    # The API's ETag (issue 17): each write moves it, so a client's If-Match names one version.
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Träger")
        verbose_name_plural = _("Träger")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="service_org_unique_name"),
            models.UniqueConstraint(fields=["municipality", "hsds_id"], name="service_org_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceLocation(models.Model):
    """HSDS ``location`` (with its physical address)."""

    organisation = models.ForeignKey(
        ServiceOrganisation, on_delete=models.CASCADE, related_name="locations", verbose_name=_("Träger")
    )
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=120, blank=True)
    accessible = models.BooleanField(_("barrierefrei"), default=False)
    # HSDS ``id``: stable across exports; an import keeps the document's ids (issue 17).
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "hsds_id"], name="service_location_unique_hsds_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class ServiceQuerySet(models.QuerySet):
    def serving(self, municipality_ids) -> ServiceQuerySet:
        """Offers of these municipalities and offers that serve them across a district line (issue
        17): a subquery rather than a join, so no row comes twice and no ``distinct`` is needed."""
        ids = list(municipality_ids)
        served = Service.served_municipalities.through.objects.filter(municipality_id__in=ids)
        return self.filter(Q(municipality_id__in=ids) | Q(pk__in=served.values("service_id")))

    def covering(self, *, municipality_id: int, postcode: str) -> ServiceQuerySet:
        """Offers whose service area takes a person of this municipality living at this postcode:
        the municipality's own, those serving it as a whole, and those whose area names the postcode
        (issue 17: a rural district uses its neighbour's offers)."""
        by_postcode = ServiceAreaPostcode.objects.filter(postcode=postcode) if postcode else None
        wanted = self.serving([municipality_id]).values("pk")
        if by_postcode is None:
            return self.filter(pk__in=wanted)
        return self.filter(Q(pk__in=wanted) | Q(pk__in=by_postcode.values("service_id")))


class Service(models.Model):
    """HSDS ``service`` with languages, eligibility (by residence status), cost option and contact."""

    organisation = models.ForeignKey(
        ServiceOrganisation, on_delete=models.CASCADE, related_name="services", verbose_name=_("Träger")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("Kommune"),
    )
    name = models.CharField(_("Name"), max_length=200)
    category = models.CharField(_("Art"), max_length=24, choices=ServiceCategory.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    locations = models.ManyToManyField(
        ServiceLocation, blank=True, related_name="services", verbose_name=_("Standorte")
    )
    # ISO 639-1 codes (candidates.models.Language).
    languages = models.JSONField(_("Sprachen des Angebots"), default=list, blank=True)
    # Residence statuses that may use the service; empty = everybody (HSDS ``eligibility``).
    eligible_residence_statuses = models.JSONField(
        _("zugänglich bei Aufenthaltsstatus"), default=list, blank=True
    )
    cost = models.CharField(_("Kosten"), max_length=16, choices=Cost.choices, default=Cost.FREE)
    cost_details = models.CharField(_("Kosten (Einzelheiten)"), max_length=300, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    url = models.URLField(_("Website"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # HSDS ``id``: stable across exports; an import keeps the document's ids (issue 17).
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)
    # The ESCO skills the offer teaches (issue 20): a pathway's missing skill finds its courses here.
    skills = models.ManyToManyField(
        "taxonomy.Skill",
        blank=True,
        related_name="services",
        verbose_name=_("vermittelte Kompetenzen (ESCO)"),
    )
    # HSDS ``service_area`` across district lines (issue 17): further municipalities whose people the
    # offer takes; their case staff find it and refer to it. Only the owning municipality edits it.
    served_municipalities = models.ManyToManyField(
        "organisations.Municipality",
        blank=True,
        related_name="served_services",
        verbose_name=_("auch zuständig für"),
    )
    deactivated_at = models.DateTimeField(_("deaktiviert am"), null=True, blank=True)
    # HSDS ``wait_time`` (free text, as HSDS has it): what a person referred today should expect.
    wait_time = models.CharField(
        _("Wartezeit"),
        max_length=200,
        blank=True,
        help_text=_("Zum Beispiel „etwa 4 Wochen bis zum Erstgespräch“."),
    )
    # The API's ETag (issue 17): the directory services move it on every change, also of the
    # offer's hours, areas and documents (rows of their own).
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "category"])]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "hsds_id"], name="service_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_eligible(self, residence_status: str) -> bool:
        return not self.eligible_residence_statuses or residence_status in self.eligible_residence_statuses

    def eligibility_labels(self) -> list[str]:
        labels = dict(ResidenceStatus.choices)
        return [str(labels.get(s, s)) for s in self.eligible_residence_statuses]

    def serves(self, municipality_id: int) -> bool:
        """Whether people of the municipality may use the offer (its own, or one it serves); reads
        a prefetched ``served_municipalities`` where there is one."""
        return municipality_id == self.municipality_id or any(
            m.pk == municipality_id for m in self.served_municipalities.all()
        )

    def covers(self, *, municipality_id: int, postcode: str) -> bool:
        """Whether the service area takes a person of this municipality at this postcode: the whole
        municipality is served, or the area names the postcode. An offer with no area beyond its own
        municipality keeps the rule before postcodes (its municipality's people only). Reads
        prefetched ``served_municipalities`` and ``area_postcodes`` where there are."""
        if self.serves(municipality_id):
            return True
        return bool(postcode) and any(a.postcode == postcode for a in self.area_postcodes.all())

    def area_postcode_list(self) -> list[str]:
        return sorted(a.postcode for a in self.area_postcodes.all())

    def required_document_list(self) -> list[str]:
        return [d.document for d in self.required_documents.all()]


class ServiceSchedule(models.Model):
    """One weekly opening time of an offer (HSDS 3.0 ``schedule`` with ``freq`` WEEKLY)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("Angebot")
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    opens = models.TimeField(_("öffnet um"))
    closes = models.TimeField(_("schließt um"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="schedule_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="schedule_weekday_iso"),
            models.UniqueConstraint(fields=["service", "weekday", "opens"], name="schedule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ServiceAreaPostcode(models.Model):
    """One postcode of an offer's service area (HSDS 3.0 ``service_area``), which may lie in
    another municipality than the offer's: its people may be referred to the offer (issue 17)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="area_postcodes", verbose_name=_("Angebot")
    )
    postcode = models.CharField(_("Postleitzahl"), max_length=5)

    class Meta:
        verbose_name = _("Postleitzahl im Einzugsgebiet")
        verbose_name_plural = _("Postleitzahlen im Einzugsgebiet")
        ordering = ["postcode"]
        constraints = [
            # Two coordinators saving at once cannot list a postcode twice.
            models.UniqueConstraint(fields=["service", "postcode"], name="service_area_unique_postcode"),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"), name="service_area_postcode_5_digits"
            ),
        ]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return self.postcode


class ServiceRequiredDocument(models.Model):
    """A document a person brings to use the offer (HSDS 3.0 ``required_document``)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents", verbose_name=_("Angebot")
    )
    document = models.CharField(_("Unterlage"), max_length=200)
    uri = models.URLField(_("Link zur Unterlage"), blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # HSDS ``id``: stable across exports; an import keeps the document's ids.
    hsds_id = models.UUIDField(_("HSDS-ID"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("benötigte Unterlage")
        verbose_name_plural = _("benötigte Unterlagen")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "document"], name="service_document_unique_name"),
        ]

    def __str__(self) -> str:
        return self.document


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("gesendet")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        COMPLETED = "completed", _("abgeschlossen")

    # Which status may follow which.
    NEXT = {
        "sent": ("accepted", "declined"),
        "accepted": ("completed", "declined"),
        "declined": (),
        "completed": (),
    }

    case = models.ForeignKey(
        "candidates.Case", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("Fall")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("Angebot")
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.SENT)
    note = models.CharField(_("Anlass"), max_length=1000, blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verwiesen von"),
    )
    created_at = models.DateTimeField(_("verwiesen am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Verweisung")
        verbose_name_plural = _("Verweisungen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "service"],
                condition=Q(status__in=["sent", "accepted"]),
                name="referral_one_open_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.service} ({self.get_status_display()})"
