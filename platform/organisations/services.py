"""Writes of the organisations package (keyword-only, ``<entity>_<action>``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from privacy.models import AuditEntry
from privacy.services import audit_record

from . import access
from .models import Membership, Municipality, Organisation, OrganisationKind, VerificationStatus

if TYPE_CHECKING:
    from accounts.models import User

# Some roles belong to one kind of organisation only; every other role may be held anywhere
# except in an employer or a chamber (whose staff hold exactly their own role).
_ROLE_ONLY_IN = {
    Role.EMPLOYER: OrganisationKind.EMPLOYER,
    Role.CHAMBER_EDITOR: OrganisationKind.CHAMBER,
    Role.COORDINATOR: OrganisationKind.MUNICIPALITY_OFFICE,
}


def roles_for_kind(kind: str) -> list[str]:
    """The membership roles an organisation of ``kind`` can give."""
    if kind == OrganisationKind.EMPLOYER:
        return [Role.EMPLOYER]
    if kind == OrganisationKind.CHAMBER:
        return [Role.CHAMBER_EDITOR]
    return [
        r for r in Role.values
        if r != Role.CANDIDATE and _ROLE_ONLY_IN.get(r, kind) == kind
    ]


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    municipality: Municipality,
    kind: str,
    name: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    email: str = "",
    phone: str = "",
) -> Organisation:
    """Create a partner organisation. A coordinator's own entry counts as verified."""
    name = name.strip()
    if Organisation.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("In dieser Kommune gibt es bereits eine Organisation mit diesem Namen.")}
        )
    organisation = Organisation.objects.create(
        municipality=municipality,
        kind=kind,
        name=name,
        street=street,
        postcode=postcode,
        city=city,
        email=email,
        phone=phone,
        verification_status=VerificationStatus.VERIFIED,
        verified_at=timezone.now(),
        verified_by=actor,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, record=organisation, municipality_id=municipality.pk
    )
    return organisation


@transaction.atomic
def membership_add(
    *, actor: User, organisation: Organisation, email: str, role: str, is_lead: bool = False
) -> Membership:
    """Give an existing user a role in the organisation (re-activating an old membership)."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {"email": _("Unter dieser E-Mail-Adresse ist niemand registriert. Bitte zuerst ein Konto anlegen.")}
        )
    if role not in roles_for_kind(organisation.kind):
        raise ValidationError({"role": _("Diese Rolle passt nicht zur Art der Organisation.")})
    if role == Role.COORDINATOR and not access.has_role(
        user=actor, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id
    ):
        # A team lead may add colleagues, but only coordinators make coordinators.
        raise ValidationError({"role": _("Nur Koordinator*innen der Kommune können diese Rolle vergeben.")})
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_lead": is_lead}
    )
    if not created:
        if membership.is_active:
            raise ValidationError(
                {"email": _("Diese Person hat die Rolle in dieser Organisation bereits.")}
            )
        membership.is_active = True
        membership.is_lead = is_lead
        membership.save(update_fields=["is_active", "is_lead"])
    access.forget(user=user)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
        record=membership,
        municipality_id=organisation.municipality_id,
        fields=["role", "is_lead", "is_active"],
    )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """End a membership; the row stays for the record, the rights go at once."""
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=membership,
            municipality_id=membership.organisation.municipality_id,
            fields=["is_active"],
        )
    access.forget(user=membership.user)
    return membership
