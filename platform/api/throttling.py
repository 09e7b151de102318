"""Rate limits per client: all tokens of one organisation share one budget (making more tokens
does not buy more requests); requests without a valid token are counted per address. The counts
live in the default cache (Redis wherever REDIS_CACHE_URL is set)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .authentication import ApiClient


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str:
        # Read on every request (not frozen at import) so that settings can change it.
        return settings.LOTSE_API_RATE

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request.user
        if not isinstance(client, ApiClient):
            return None
        return f"api-throttle:organisation:{client.organisation.pk}"


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "api_anonymous"

    def get_rate(self) -> str:
        return settings.LOTSE_API_ANONYMOUS_RATE

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.user, ApiClient):
            return None
        return f"api-throttle:address:{self.get_ident(request)}"
