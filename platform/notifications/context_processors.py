from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from . import selectors


class UnreadBadge:
    """The unread count for the navigation, counted when a template first asks (one query)."""

    def __init__(self, user: Any) -> None:
        self._user = user

    @cached_property
    def count(self) -> int:
        if not getattr(self._user, "is_authenticated", False):
            return 0
        return selectors.unread_count(user=self._user)


def unread(request: HttpRequest) -> dict[str, Any]:
    return {"notifications_badge": UnreadBadge(getattr(request, "user", None))}
