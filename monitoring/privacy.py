"""GDPR export and erasure of the one personal row monitoring keeps: the first recorded German level."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from candidates.models import Candidate
from privacy.models import AuditEntry

from .models import FirstLanguageLevel

CANDIDATE_RECORD = "candidates.candidate"


def export_for_user(user: Any) -> dict | None:
    row = FirstLanguageLevel.objects.filter(candidate__user=user, candidate__erased_at__isnull=True).first()
    if row is None:
        return None
    return {"first_german_spoken_level": row.spoken, "recorded_at": row.recorded_at.isoformat()}


def erase_for_user(user: Any) -> int:
    candidate = Candidate.objects.filter(user=user).first()
    return FirstLanguageLevel.objects.filter(candidate=candidate).delete()[0] if candidate else 0


def _on_audit_entry(sender, instance: AuditEntry, created: bool, raw: bool = False, **kwargs) -> None:
    """A candidate was erased (with or without a login): their first level goes too."""
    if (
        raw
        or not created
        or instance.action != AuditEntry.Action.ERASE
        or instance.record_type != CANDIDATE_RECORD
    ):
        return
    FirstLanguageLevel.objects.filter(candidate_id=int(instance.record_id)).delete()


def register_privacy() -> None:
    """Called from MonitoringConfig.ready()."""
    from privacy.registry import registry

    registry.register("monitoring", exporter=export_for_user, eraser=erase_for_user)
    from django.utils.translation import gettext_lazy as _

    from privacy.document import register_labels

    register_labels(
        labels={
            "monitoring": _("Für die anonyme Statistik"),
            "first_german_spoken_level": _("erstes Deutschniveau (Sprechen)"),
            "recorded_at": _("erfasst am"),
        }
    )
    post_save.connect(_on_audit_entry, sender=AuditEntry, dispatch_uid="monitoring_erase_with_candidate")
