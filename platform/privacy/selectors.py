"""Reads of the privacy package. The audit log is seen by coordinators, for their municipality."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.roles import Role
from organisations import access

from .models import AuditEntry
from .registry import record_types

if TYPE_CHECKING:
    from accounts.models import User


def audit_entry_list(
    *,
    user: User,
    municipality_id: int | None = None,
    record_type: str = "",
    record_id: str = "",
    action: str = "",
    person: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries the user may read: those of the municipalities they coordinate.

    Anyone else gets an empty list; entries without a municipality are not shown to anyone here
    (they are read in the Django admin by staff). ``person`` finds the entries about a person (by
    name, reference or date of birth, through the apps' record finders) and those by an actor
    whose e-mail contains it; ``since``/``until`` are days, both included.
    """
    allowed = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if municipality_id is not None:
        allowed &= {municipality_id}
    entries = AuditEntry.objects.filter(municipality_id__in=allowed)
    if record_type:
        entries = entries.filter(record_type=record_type)
    if record_id:
        entries = entries.filter(record_id=str(record_id))
    if action:
        entries = entries.filter(action=action)
    if person:
        about = Q(actor_label__icontains=person)
        for found_type, found_id in record_types.find(person, allowed)[:500]:
            about |= Q(record_type=found_type, record_id=found_id)
        entries = entries.filter(about)
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    if until is not None:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-pk")


def audit_entries_named(entries: list[AuditEntry]) -> list[AuditEntry]:
    """The entries with ``record_label``/``record_name`` set, for a page of the log."""
    entries = list(entries)
    record_types.describe(entries)
    return entries


def can_read_audit_log(*, user: User) -> bool:
    return bool(access.municipality_ids(user=user, roles=[Role.COORDINATOR]))
