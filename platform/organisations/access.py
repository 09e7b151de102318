"""The access rules every app asks. Selectors call these; views never decide on their own.

Memberships are read once per user object and cached on it, so a page that checks
access many times costs one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.roles import ROLES_REQUIRING_MFA, Role

from .models import Membership, Organisation, OrganisationKind, VerificationStatus

if TYPE_CHECKING:
    from accounts.models import User

_CACHE_ATTR = "_lotse_memberships"
_Row = TypeVar("_Row")


class NotFound(Exception):
    """The row does not exist or the user may not see it: the two look the same, so nothing leaks.
    Selectors raise it; config/domain_errors.py answers it with a 404."""


def first_visible(queryset: QuerySet[_Row]) -> _Row:
    """The first row of a queryset already narrowed to what the user may see, else NotFound (like
    ``.first()``, never MultipleObjectsReturned, unlike ``get_object_or_404``)."""
    found = queryset.first()
    if found is None:
        raise NotFound
    return found


# The old name, for callers in code other branches are changing now (coaching/api.py,
# api/selectors.py); it raises NotFound too, which is answered with the same 404.
first_or_404 = first_visible


def memberships(*, user: User) -> list[Membership]:
    """Active memberships of the user, with organisation and municipality, cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True).select_related("organisation__municipality")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def organisations_with_roles(*, user: User, roles: set[str]) -> list[tuple[Organisation, set[str]]]:
    """Each organisation where the user holds one of ``roles`` and may act in it (an unverified
    employer may not), with the roles held there, by name: whose API tokens and webhooks a person
    manages."""
    found: dict[int, tuple[Organisation, set[str]]] = {}
    for membership in memberships(user=user):
        if membership.role not in roles:
            continue
        if not has_role(user=user, roles=[membership.role], organisation_id=membership.organisation_id):
            continue
        found.setdefault(membership.organisation_id, (membership.organisation, set()))[1].add(membership.role)
    return sorted(found.values(), key=lambda pair: (pair[0].name, pair[0].pk))


def act_for_organisation(*, principal: object, organisation: Organisation, roles: Iterable[str]) -> None:
    """Give a principal that is not a person (an API client, api/authentication.py) the given roles
    in one organisation, as if it held those memberships: every rule here, and so every selector,
    then treats it like a member of that organisation with those roles, and nothing more (an
    unverified employer's client, like its staff, holds no employer rights)."""
    setattr(
        principal,
        _CACHE_ATTR,
        [Membership(organisation=organisation, role=role, is_active=True) for role in sorted(set(roles))],
    )


def forget(*, user: User) -> None:
    """Drop the cached memberships (after a membership changes)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _matching(
    *, user: User, roles: Iterable[str] | None, municipality_id: int | None, organisation_id: int | None
) -> list[Membership]:
    wanted = set(roles) if roles is not None else None
    found = []
    for m in memberships(user=user):
        if wanted is not None and m.role not in wanted:
            continue
        if organisation_id is not None and m.organisation_id != organisation_id:
            continue
        if municipality_id is not None and m.organisation.municipality_id != municipality_id:
            continue
        if m.role == Role.EMPLOYER and m.organisation.verification_status != VerificationStatus.VERIFIED:
            # An unverified employer's staff hold no employer rights yet.
            continue
        found.append(m)
    return found


def has_role(
    *,
    user: User,
    roles: Iterable[str],
    municipality_id: int | None = None,
    organisation_id: int | None = None,
) -> bool:
    return bool(
        _matching(user=user, roles=roles, municipality_id=municipality_id, organisation_id=organisation_id)
    )


def require_role(
    *,
    user: User,
    roles: Iterable[str],
    municipality_id: int | None = None,
    organisation_id: int | None = None,
) -> Membership:
    """The first matching membership, or PermissionDenied (a 403, never a leak)."""
    found = _matching(
        user=user, roles=roles, municipality_id=municipality_id, organisation_id=organisation_id
    )
    if not found:
        raise PermissionDenied
    return found[0]


def municipality_ids(*, user: User, roles: Iterable[str] | None = None) -> set[int]:
    return {
        m.organisation.municipality_id
        for m in _matching(user=user, roles=roles, municipality_id=None, organisation_id=None)
    }


def organisation_ids(*, user: User, roles: Iterable[str] | None = None) -> set[int]:
    return {
        m.organisation_id
        for m in _matching(user=user, roles=roles, municipality_id=None, organisation_id=None)
    }


def roles_of(*, user: User) -> set[str]:
    """Every role the user holds (including candidate), for navigation and MFA policy."""
    found = {m.role for m in _matching(user=user, roles=None, municipality_id=None, organisation_id=None)}
    if getattr(user, "is_candidate", False):
        found.add(Role.CANDIDATE)
    return found


def is_verified_employer(*, user: User) -> bool:
    return has_role(user=user, roles=[Role.EMPLOYER])


def employer_organisation_ids(*, user: User) -> set[int]:
    return {
        m.organisation_id
        for m in _matching(user=user, roles=[Role.EMPLOYER], municipality_id=None, organisation_id=None)
        if m.organisation.kind == OrganisationKind.EMPLOYER
    }


# --- object checks on organisations (formerly django-rules perms; one way to check access) ---


def may_view_organisation(*, user: User, organisation: Organisation) -> bool:
    """Its members, and the coordinators of its municipality."""
    return has_role(user=user, roles=list(Role.values), organisation_id=organisation.pk) or has_role(
        user=user, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id
    )


def may_manage_organisation(*, user: User, organisation: Organisation) -> bool:
    """Change it and its memberships: its leads, and the coordinators of its municipality."""
    return any(m.is_lead and m.organisation_id == organisation.pk for m in memberships(user=user)) or (
        has_role(user=user, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id)
    )


def may_verify_employer(*, user: User, organisation: Organisation) -> bool:
    """Chamber editors and coordinators of the employer's municipality verify employers."""
    return has_role(
        user=user, roles=[Role.CHAMBER_EDITOR, Role.COORDINATOR], municipality_id=organisation.municipality_id
    )


def requires_mfa(*, user: User) -> bool:
    """Every role that reads other people's personal data must use a second factor.

    Membership rows of unverified employers count too: they will read personal data
    as soon as they are verified. So does every way into Wagtail's admin, which is not a Lotse
    role: staff, superusers and anyone holding ``wagtailadmin.access_admin`` directly or through
    a group (Wagtail's "Editors" and "Moderators" groups hold it).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    if any(m.role in ROLES_REQUIRING_MFA for m in memberships(user=user)):
        return True
    # Last, and in one query (has_perm would load all of the user's and the groups' permissions).
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user), content_type__app_label="wagtailadmin", codename="access_admin"
    ).exists()
