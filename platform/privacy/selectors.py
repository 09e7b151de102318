"""Reads of the privacy package. The audit log is seen by coordinators, for their municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.roles import Role
from organisations import access

from .models import AuditEntry

if TYPE_CHECKING:
    from accounts.models import User


def audit_entry_list(
    *,
    user: User,
    municipality_id: int | None = None,
    record_type: str = "",
    record_id: str = "",
    action: str = "",
) -> QuerySet[AuditEntry]:
    """Audit entries the user may read: those of the municipalities they coordinate.

    Anyone else gets an empty list; entries without a municipality are not shown to anyone here
    (they are read in the Django admin by staff).
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
    return entries.order_by("-at", "-pk")


def can_read_audit_log(*, user: User) -> bool:
    return bool(access.municipality_ids(user=user, roles=[Role.COORDINATOR]))
