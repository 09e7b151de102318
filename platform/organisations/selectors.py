"""Reads of the organisations package. Every selector takes the requesting user and scopes to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import Role

from . import access
from .models import Membership, Municipality, Organisation

if TYPE_CHECKING:
    from accounts.models import User


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


def organisation_get(*, user: User, pk: int, perm: str = "organisations.view_organisation") -> Organisation:
    """One organisation, if the user holds ``perm`` on it; 404 if it does not exist, else 403."""
    organisation = get_object_or_404(Organisation.objects.select_related("municipality"), pk=pk)
    if not user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


def membership_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """Members of an organisation, for those who manage its memberships."""
    if not user.has_perm("organisations.manage_memberships", organisation):
        raise PermissionDenied
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__email", "role")
    )
