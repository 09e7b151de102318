"""OAuth2 client credentials (django-oauth-toolkit): which scopes a client may be given.

A client asks /api/oauth/token/ for some of the scopes its organisation gave it on /app/api/ (or,
asking for none, gets all of them); anything else is ``invalid_scope``. A revoked client has no
Application left to authenticate with, so it gets no token at all.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from .scopes import SCOPES


def _client_scopes(application: Any) -> list[str]:
    client = getattr(application, "lotse_client", None) if application is not None else None
    if client is None or client.revoked_at is not None:
        return []
    return [scope for scope in client.scopes if scope in SCOPES]


class ClientScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {name: str(scope.label) for name, scope in SCOPES.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args, **kwargs
    ) -> list[str]:
        return _client_scopes(application)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args, **kwargs) -> list[str]:
        return _client_scopes(application)
