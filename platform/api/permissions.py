"""Scopes: which operations a token may call at all. Which objects it then sees is for the
selectors to say (by the roles the scopes mirror); this is not a second permission system."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .authentication import ApiClient


class HasScope(BasePermission):
    """The view names the scope each method needs: ``required_scopes = {"GET": "placements:read"}``
    (or a tuple of scopes, any of which will do).

    No token: 401. A token without the scope: 403. A method the view has no handler for passes here
    and meets the view's 405; one it handles but names no scope for is refused."""

    def has_permission(self, request: Request, view: Any) -> bool:
        client = request.user
        if not isinstance(client, ApiClient):
            return False
        method = "GET" if request.method == "HEAD" else request.method
        needed = getattr(view, "required_scopes", {}).get(method)
        if needed is None:
            # OPTIONS answers 405 too (no metadata class: settings.REST_FRAMEWORK).
            return request.method == "OPTIONS" or request.method not in view.allowed_methods
        if isinstance(needed, tuple):
            # Any of these (public data that several clients may read, e.g. the events).
            return any(client.has_scope(scope) for scope in needed)
        return client.has_scope(needed)
