"""Writes of the privacy package: audit entries, retention, GDPR export and erasure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
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
    return len(new)


def audit_apply_retention(*, now=None) -> int:
    """Delete audit entries older than the retention period; returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LOTSE_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
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
