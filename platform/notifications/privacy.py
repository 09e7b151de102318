"""GDPR export and erasure of a person's notices, through the privacy registry."""

from __future__ import annotations

from typing import Any

from .models import Notification


def export_for_user(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "title": n.title(),
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
        for n in Notification.objects.filter(recipient_id=user.pk).order_by("created_at", "pk")
    ]


def erase_for_user(user: Any) -> int:
    deleted, _ = Notification.objects.filter(recipient_id=user.pk).delete()
    return deleted


def register_privacy() -> None:
    from privacy.registry import registry

    registry.register("notifications", exporter=export_for_user, eraser=erase_for_user)
    from django.utils.translation import gettext_lazy as _

    from privacy.document import register_labels

    register_labels(
        labels={
            "notifications": _("Benachrichtigungen"),
            "title": _("Titel"),
            "created_at": _("angelegt am"),
            "read_at": _("gelesen am"),
        },
        hidden={"notifications.kind"},  # a code; the title says it in words
    )
