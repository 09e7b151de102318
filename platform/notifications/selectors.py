"""Reads of the inbox: a person sees their own notices only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from organisations import access

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def inbox(*, user: User) -> QuerySet[Notification]:
    """The user's notices, newest first."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-pk")


def notification_get(*, user: User, pk: int) -> Notification:
    """One of the user's own notices; someone else's is NotFound, like one that does not exist."""
    return access.first_visible(Notification.objects.filter(recipient_id=user.pk, pk=pk))


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def unread(*, user: User, limit: int = 10) -> list[Notification]:
    return list(inbox(user=user).filter(read_at__isnull=True)[:limit])
