"""Reads of the practice shared between municipalities (issue 23 §4).

Who sees what:
- the coordinators of a municipality read and write its templates;
- its case managers and job coaches read them (read-only: the checklists reach the people who do
  the handovers);
- a coordinator of any other municipality reads a template only while it is shared (to import it);
- anybody else gets 403 from the view, and a template outside these scopes is 404.
A template holds nothing of a person (coaching.practice_services checks every text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.roles import CASE_STAFF, Role
from organisations import access

from .models import PracticeTemplate

if TYPE_CHECKING:
    from accounts.models import User


def may_manage(*, user: User) -> bool:
    return access.has_role(user=user, roles=[Role.COORDINATOR])


def may_read(*, user: User) -> bool:
    return access.has_role(user=user, roles=[*CASE_STAFF, Role.COORDINATOR])


def _own_municipality_ids(*, user: User) -> set[int]:
    return access.municipality_ids(user=user, roles=[*CASE_STAFF, Role.COORDINATOR])


def own_templates(*, user: User) -> QuerySet[PracticeTemplate]:
    """The templates of the municipalities the user coordinates or works in as case staff."""
    return (
        PracticeTemplate.objects.filter(municipality_id__in=_own_municipality_ids(user=user))
        .select_related("municipality")
        .order_by("kind", "title", "pk")
    )


def shared_by_others(*, user: User) -> QuerySet[PracticeTemplate]:
    """For coordinators: what other municipalities share (never their own, never an unshared one);
    for everybody else nothing."""
    coordinated = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if not coordinated:
        return PracticeTemplate.objects.none()
    return (
        PracticeTemplate.objects.filter(shared=True)
        .exclude(municipality_id__in=coordinated)
        .select_related("municipality")
        .order_by("municipality__name", "kind", "title", "pk")
    )


def template_get(*, user: User, pk: int) -> PracticeTemplate:
    """A template the user may read (own municipality, or shared by another one to a coordinator),
    else NotFound."""
    readable = Q(municipality_id__in=_own_municipality_ids(user=user))
    if may_manage(user=user):
        readable |= Q(shared=True)
    return access.first_visible(
        PracticeTemplate.objects.filter(readable, pk=pk).select_related("municipality", "source")
    )


def template_get_for_edit(*, user: User, pk: int) -> PracticeTemplate:
    """A template of a municipality the user coordinates, else NotFound."""
    coordinated = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return access.first_visible(
        PracticeTemplate.objects.filter(pk=pk, municipality_id__in=coordinated).select_related("municipality")
    )


def template_get_for_import(*, user: User, pk: int) -> PracticeTemplate:
    """A template another municipality shares, else NotFound (one's own is edited, not imported)."""
    return access.first_visible(shared_by_others(user=user).filter(pk=pk))


def may_edit(*, user: User, template: PracticeTemplate) -> bool:
    return template.municipality_id in access.municipality_ids(user=user, roles=[Role.COORDINATOR])


def may_import(*, user: User, template: PracticeTemplate) -> bool:
    return template.shared and not may_edit(user=user, template=template) and may_manage(user=user)
