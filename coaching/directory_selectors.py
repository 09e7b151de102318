"""Reads of the services directory for its coordinators (issue 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.roles import Role
from organisations import access

from .models import Service

if TYPE_CHECKING:
    from accounts.models import User


def coordinated_service(*, user: User, pk: int) -> Service:
    """An offer the user coordinates — its own municipality's, not one it merely serves — else 404
    (the view's role check has answered 403 to every other role before)."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return access.first_visible(
        Service.objects.filter(pk=pk, municipality_id__in=municipalities).select_related("organisation")
    )


def may_coordinate_service(*, user: User, service: Service) -> bool:
    return service.municipality_id in access.municipality_ids(user=user, roles=[Role.COORDINATOR])


def inactive_services(*, user: User) -> QuerySet[Service]:
    """The deactivated offers the user may bring back (their municipalities' own)."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return (
        Service.objects.filter(municipality_id__in=municipalities, is_active=False)
        .select_related("organisation")
        .order_by("name", "pk")
    )
