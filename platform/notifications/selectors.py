"""Reads of the inbox: a person sees their own notices only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from organisations import access, kept

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def inbox(*, user: User) -> QuerySet[Notification]:
    """The user's notices, newest first."""
    return _inbox(user.pk)


def _inbox(user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-pk")


def notification_get(*, user: User, pk: int) -> Notification:
    """One of the user's own notices; someone else's is NotFound, like one that does not exist."""
    return access.first_visible(Notification.objects.filter(recipient_id=user.pk, pk=pk))


def unread_count(*, user: User) -> int:
    # The navigation's badge on every page: one kept statement per worker, run with the user's id.
    rows = kept.kept_rows(
        name="notifications.unread_count",
        build=lambda user_id: (
            Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
            .order_by()
            .values("recipient_id")
            .annotate(n=Count("pk"))
            .values_list("n")
        ),
        values=(user.pk,),
    )
    return rows[0][0] if rows else 0


def unread(*, user: User, limit: int = 10) -> list[Notification]:
    # (the coaching home page on every request: one kept statement per limit, run with the user's id)
    return kept.kept_rows(
        name=f"notifications.unread.{int(limit)}",
        build=lambda user_id: _inbox(user_id).filter(read_at__isnull=True)[: int(limit)],
        values=(user.pk,),
    )
