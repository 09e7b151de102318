"""Reads of the services directory for its coordinators (issue 17)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.roles import Role
from organisations import access
from organisations.models import Municipality

from .models import Service, ServiceOrganisation
from .selectors import visible_services

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


# --- the API's directory writes (issue 17): by HSDS id, the coordinated municipality's only ------


def coordinated_providers(*, user: User) -> QuerySet[ServiceOrganisation]:
    """The providers (HSDS organizations) of the user's coordinated municipalities, by name."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return ServiceOrganisation.objects.filter(municipality_id__in=municipalities).order_by("name", "pk")


def coordinated_provider_get(
    *, user: User, hsds_id: uuid.UUID, for_update: bool = False
) -> ServiceOrganisation:
    """A provider the user coordinates, by its HSDS id, else NotFound (locked for a write)."""
    rows = coordinated_providers(user=user).filter(hsds_id=hsds_id)
    return access.first_visible(rows.select_for_update() if for_update else rows)


def coordinated_service_get(*, user: User, hsds_id: uuid.UUID, for_update: bool = False) -> Service:
    """An offer the user coordinates (its own municipality's, not one it merely serves), by its HSDS
    id, else NotFound. Locked for a write: the version is compared and the change written under it."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    rows = Service.objects.filter(municipality_id__in=municipalities, hsds_id=hsds_id).order_by("pk")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return access.first_visible(rows.select_related("organisation"))


def municipality_ids_by_name() -> dict[str, int]:
    """Every municipality's id by its name: how an HSDS document names a service area."""
    return dict(Municipality.objects.values_list("name", "pk"))


def hsds_services(*, user: User) -> QuerySet[Service]:
    """The services a coordinator's API client reads and writes, with everything their HSDS
    document holds prefetched (one query per relation, not one per service), in a stable order."""
    access.require_role(user=user, roles=[Role.COORDINATOR])
    return (
        visible_services(user=user)
        .prefetch_related(
            "skills", "schedules", "served_municipalities", "area_postcodes", "required_documents"
        )
        .order_by("name", "pk")
    )
