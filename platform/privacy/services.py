"""Writes of the privacy package: audit entries, retention, GDPR export and erasure."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEntry
from .registry import registry


def audit_record(
    *,
    actor: Any,
    action: str,
    record: models.Model | None = None,
    record_type: str = "",
    record_id: str | int = "",
    municipality_id: int | None = None,
    fields: Iterable[str] = (),
    note: str = "",
) -> AuditEntry:
    """Write one audit entry. ``record`` or ``record_type``/``record_id`` names what was touched."""
    if record is not None:
        record_type = record._meta.label_lower
        record_id = record.pk
    authenticated = getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor_label=str(actor.email if authenticated else "system")[:255],
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        municipality_id=municipality_id,
        fields=sorted(fields),
        note=note[:255],
    )


def audit_record_views_once_a_day(
    *,
    actor: Any,
    record_type: str,
    records: Iterable[tuple[int | str, int | None]],
    fields: Iterable[str] = (),
    note: str = "",
) -> int:
    """One VIEW entry per actor, record and day for a page showing many records (two queries).

    A list page shown again and again would otherwise bury a person's own audit trail."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    wanted = {str(record_id): municipality_id for record_id, municipality_id in records}
    if not wanted:
        return 0
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    day = (actor.pk, record_type, note[:255], since.date())
    with _recorded_lock:
        known = _RECORDED_TODAY.get(day)
        if known is not None:
            _RECORDED_TODAY.move_to_end(day)
    if known is not None and known.issuperset(wanted):
        return 0  # all of them written today, by this process, in transactions that committed
    seen = set(
        AuditEntry.objects.filter(
            actor_id=actor.pk,
            action=AuditEntry.Action.VIEW,
            record_type=record_type,
            record_id__in=wanted,
            note=note[:255],
            at__gte=since,
        ).values_list("record_id", flat=True)
    )
    new = [
        AuditEntry(
            actor_id=actor.pk,
            actor_label=str(actor.email)[:255],
            action=AuditEntry.Action.VIEW,
            record_type=record_type,
            record_id=record_id,
            municipality_id=municipality_id,
            fields=sorted(fields),
            note=note[:255],
        )
        for record_id, municipality_id in wanted.items()
        if record_id not in seen
    ]
    AuditEntry.objects.bulk_create(new)
    # Remembered only once the entries (and the ones read) are committed: a rolled-back request
    # leaves nothing behind it, so the next one reads and writes again.
    transaction.on_commit(partial(_remember_recorded, day, frozenset(wanted)))
    return len(new)


# (actor, record type, note, day) -> record ids whose VIEW entry of that day is committed: a page
# shown again (the browse and matches pages, issue 21) skips the "already recorded today?" query.
# Per process; another process asks the database. The least recently written actor goes first.
_RECORDED_TODAY: OrderedDict[tuple, set[str]] = OrderedDict()
_RECORDED_TODAY_SIZE = 512


_recorded_lock = threading.Lock()


def _remember_recorded(day: tuple, ids: frozenset[str]) -> None:
    with _recorded_lock:
        # A new set, never the one a request may be reading outside the lock.
        _RECORDED_TODAY[day] = (_RECORDED_TODAY.pop(day, None) or set()) | ids
        while len(_RECORDED_TODAY) > _RECORDED_TODAY_SIZE:
            _RECORDED_TODAY.popitem(last=False)


def audit_views_forget() -> None:
    """Forget which views this process saw recorded (tests; after entries of today were deleted)."""
    with _recorded_lock:
        _RECORDED_TODAY.clear()


def audit_apply_retention(*, now=None) -> int:
    """Delete audit entries older than the retention period; returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LOTSE_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    if deleted:
        audit_views_forget()  # a retention shorter than a day may have taken today's
    return deleted


def gdpr_export(*, subject_user: Any, actor: Any) -> dict[str, Any]:
    """Everything every app holds about a person, from the exporters they registered."""
    data = registry.export(subject_user)
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, record=subject_user, note="GDPR export")
    return data


def gdpr_erase(*, subject_user: Any, actor: Any) -> dict[str, int]:
    counts = registry.erase(subject_user)
    audit_record(actor=actor, action=AuditEntry.Action.ERASE, record=subject_user, note="GDPR erasure")
    return counts
