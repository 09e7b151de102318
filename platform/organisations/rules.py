"""Object-level permissions (django-rules). Predicates delegate to organisations.access."""

from __future__ import annotations

import rules

from accounts.roles import Role

from . import access


@rules.predicate
def is_coordinator_of_municipality(user, municipality) -> bool:
    return municipality is not None and access.has_role(
        user=user, roles=[Role.COORDINATOR], municipality_id=municipality.pk
    )


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    return organisation is not None and access.has_role(
        user=user, roles=list(Role.values), organisation_id=organisation.pk
    )


@rules.predicate
def is_lead_of_organisation(user, organisation) -> bool:
    return organisation is not None and any(
        m.is_lead and m.organisation_id == organisation.pk for m in access.memberships(user=user)
    )


@rules.predicate
def is_coordinator_of_organisations_municipality(user, organisation) -> bool:
    return organisation is not None and access.has_role(
        user=user, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id
    )


@rules.predicate
def can_verify_employers_of(user, organisation) -> bool:
    """Chamber editors and coordinators of the employer's municipality verify employers."""
    return organisation is not None and access.has_role(
        user=user,
        roles=[Role.CHAMBER_EDITOR, Role.COORDINATOR],
        municipality_id=organisation.municipality_id,
    )


rules.add_perm("organisations.view_municipality", is_coordinator_of_municipality)
rules.add_perm("organisations.change_municipality", is_coordinator_of_municipality)
rules.add_perm(
    "organisations.view_organisation",
    is_member_of_organisation | is_coordinator_of_organisations_municipality,
)
rules.add_perm(
    "organisations.change_organisation",
    is_lead_of_organisation | is_coordinator_of_organisations_municipality,
)
rules.add_perm("organisations.verify_organisation", can_verify_employers_of)
rules.add_perm(
    "organisations.manage_memberships",
    is_lead_of_organisation | is_coordinator_of_organisations_municipality,
)
