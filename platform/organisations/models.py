from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class Municipality(models.Model):
    """The tenant boundary: every case belongs to exactly one municipality (Kommune)."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=12,
        blank=True,
        help_text=_("8-stelliger AGS oder 12-stelliger ARS, falls bekannt."),
    )
    state = models.CharField(_("Bundesland"), max_length=80, blank=True)
    postcode = models.CharField(_("Postleitzahl (Zentrum)"), max_length=5, blank=True)
    # Whom people without a role (a new business, a volunteer) are told to contact: its name,
    # address, e-mail and phone are that organisation's own record.
    coordination_office = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Koordinierungsstelle"),
        help_text=_("Die Stelle, an die sich neue Betriebe und Interessierte wenden."),
    )
    # Issue 22: SMS cost money and need a contract, so each municipality opts in; the gateway itself
    # is the deployment's (LOTSE_SMS_SENDER). Without both, appointments go by e-mail and in the app.
    sms_appointments = models.BooleanField(
        _("Termine auch per SMS"),
        default=False,
        help_text=_(
            "Nur wenn die Kommune einen Vertrag mit dem SMS-Anbieter dieser Installation hat: "
            "Klient*innen mit Telefonnummer bekommen Termine, Änderungen und Erinnerungen auch per SMS."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    MUNICIPALITY_OFFICE = "municipality_office", _("Kommunale Stelle / Integrationsmanagement")
    JOBCENTER = "jobcenter", _("Jobcenter")
    EMPLOYMENT_AGENCY = "employment_agency", _("Agentur für Arbeit")
    IMMIGRATION_OFFICE = "immigration_office", _("Ausländerbehörde")
    WELFARE = "welfare", _("Wohlfahrtsverband / Beratungsstelle")
    VOLUNTEER_INITIATIVE = "volunteer_initiative", _("Ehrenamtliche Initiative")
    CHAMBER = "chamber", _("Kammer (IHK/HWK)")
    EMPLOYER = "employer", _("Arbeitgeber")
    TRAINING_PROVIDER = "training_provider", _("Bildungsträger")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("wartet auf Prüfung")
    VERIFIED = "verified", _("geprüft")
    REJECTED = "rejected", _("abgelehnt")


class Organisation(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("Kommune")
    )
    kind = models.CharField(_("Art"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    # Employers (and only they) must be verified by chamber or municipality staff
    # before any of their members sees a candidate.
    verification_status = models.CharField(
        _("Prüfstatus"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.VERIFIED,
    )
    verified_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("geprüft von"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="org_unique_name_per_municipality")
        ]
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class Membership(models.Model):
    """A user's role in one organisation. A person may hold several memberships."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Benutzer*in"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Organisation")
    )
    role = models.CharField(
        _("Rolle"), max_length=32, choices=[c for c in Role.choices if c[0] != Role.CANDIDATE]
    )
    is_lead = models.BooleanField(
        _("Leitung"), default=False, help_text=_("Teamleitung bzw. leitende Redaktion der Organisation.")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


# The session remembers an invitation link opened before signing in (see accounts.adapters).
INVITATION_SESSION_KEY = "organisations.invitation_token"


def new_invitation_token() -> str:
    """A random, unguessable token for the invitation link (256 bits)."""
    return secrets.token_urlsafe(32)


class MembershipInvitation(models.Model):
    """An offer of a role in an organisation, sent to an e-mail address.

    Nobody gains a role without accepting it: the membership is created only when the person,
    signed in with the invited address, accepts. Until then the organisation knows nothing but
    the address its lead typed - not whether an account exists, not a name.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("offen")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        REVOKED = "revoked", _("zurückgezogen")
        EXPIRED = "expired", _("abgelaufen")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("Organisation")
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(
        _("Rolle"), max_length=32, choices=[c for c in Role.choices if c[0] != Role.CANDIDATE]
    )
    is_lead = models.BooleanField(_("Leitung"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )
    created_at = models.DateTimeField(_("versendet am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angenommen von"),
    )

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per organisation and address: a second one re-sends the first.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="membership_invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()
