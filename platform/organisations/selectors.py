"""Reads of the organisations package. Every selector takes the requesting user and scopes to it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.roles import Role

from . import access
from .models import Membership, MembershipInvitation, Municipality, Organisation

if TYPE_CHECKING:
    from accounts.models import User

_TOKEN = re.compile(r"[A-Za-z0-9_\-]{20,64}")


def coordinated_municipalities(*, user: User) -> QuerySet[Municipality]:
    """The municipalities the user coordinates (usually one)."""
    return Municipality.objects.filter(pk__in=access.municipality_ids(user=user, roles=[Role.COORDINATOR]))


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    """Organisations of the municipalities the user coordinates, with their active member count."""
    ids = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if not ids:
        raise PermissionDenied
    return (
        Organisation.objects.filter(municipality_id__in=ids)
        .select_related("municipality")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
    )


def organisation_get(*, user: User, pk: int, manage: bool = False) -> Organisation:
    """One organisation the user may view (``manage``: may change it and its memberships); 404 if it
    does not exist, else 403."""
    organisation = access.first_visible(Organisation.objects.select_related("municipality").filter(pk=pk))
    allowed = access.may_manage_organisation if manage else access.may_view_organisation
    if not allowed(user=user, organisation=organisation):
        raise PermissionDenied
    return organisation


def membership_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """Members of an organisation, for those who manage its memberships."""
    if not access.may_manage_organisation(user=user, organisation=organisation):
        raise PermissionDenied
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__email", "role")
    )


def membership_get(*, user: User, organisation: Organisation, pk: int) -> Membership:
    """One membership of the organisation, for those who manage its memberships; else NotFound."""
    if not access.may_manage_organisation(user=user, organisation=organisation):
        raise PermissionDenied
    return access.first_visible(Membership.objects.filter(organisation=organisation, pk=pk))


def invitation_get(*, user: User, organisation: Organisation, pk: int) -> MembershipInvitation:
    """One invitation of the organisation, for those who manage its memberships; else NotFound."""
    if not access.may_manage_organisation(user=user, organisation=organisation):
        raise PermissionDenied
    return access.first_visible(MembershipInvitation.objects.filter(organisation=organisation, pk=pk))


def invitation_list(*, user: User, organisation: Organisation) -> QuerySet[MembershipInvitation]:
    """Invitations not (yet) accepted, for those who manage the organisation's memberships.

    They carry only the address the lead typed: an invited account's name appears on the member
    list once the person has accepted, never before.
    """
    if not access.may_manage_organisation(user=user, organisation=organisation):
        raise PermissionDenied
    return (
        MembershipInvitation.objects.filter(organisation=organisation)
        .exclude(status=MembershipInvitation.Status.ACCEPTED)
        .order_by("-created_at")[:100]
    )


def invitation_by_token(*, token: str) -> MembershipInvitation | None:
    """The open invitation the link names, or None. The token itself is the credential: it
    reached the invited mailbox; who may answer it is checked when answering."""
    if not _TOKEN.fullmatch(token or ""):
        return None  # also keeps NUL bytes and the like away from the database
    invitation = (
        MembershipInvitation.objects.filter(token=token, status=MembershipInvitation.Status.PENDING)
        .select_related("organisation__municipality")
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


def invitations_for(*, user: User) -> list[MembershipInvitation]:
    """Open invitations to the user's own address, once that address is verified.

    Someone who signed up after being invited finds the invitation on their start page; without
    a verified address (or the link from the e-mail) nobody sees an invitation.
    """
    if not getattr(user, "is_authenticated", False) or not user.email:
        return []
    from allauth.account.models import EmailAddress

    email = user.email.strip().lower()
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        return []
    found = MembershipInvitation.objects.filter(
        email=email, status=MembershipInvitation.Status.PENDING, expires_at__gt=timezone.now()
    ).select_related("organisation__municipality")
    return list(found)


def coordination_offices(*, user: User) -> list[Organisation]:
    """The coordination offices a person without a role is told to contact (public contact details).

    The offices of the user's own municipalities if any (an invited member between roles),
    otherwise every municipality's: a new business has no municipality yet.
    """
    municipalities = Municipality.objects.filter(coordination_office__isnull=False)
    own = access.municipality_ids(user=user) if user.is_authenticated else set()
    if own:
        municipalities = municipalities.filter(pk__in=own)
    return [
        m.coordination_office
        for m in municipalities.select_related("coordination_office__municipality").order_by("name")
    ]
