"""Who is asking: an organisation's client, known by its API token (``Authorization: Bearer …``).

The principal is an :class:`ApiClient`, not a person: it acts in the token's organisation with the
roles the token's scopes mirror (organisations.access.act_for_organisation), so the same selectors
and access rules as on the pages decide what it sees. A missing, unknown or revoked token is a 401.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from organisations import access

from .models import ApiToken
from .scopes import roles_for
from .services import token_hash, token_touch

KEYWORD = b"bearer"
# Longer than any token we issue: a longer one is refused before it is hashed or looked up.
MAX_TOKEN_LENGTH = 100


class ApiClient:
    """An organisation acting through one of its API tokens."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_candidate = False
    pk = None
    id = None

    def __init__(self, token: ApiToken) -> None:
        self.token = token
        self.organisation = token.organisation
        self.scopes = frozenset(token.scopes)
        access.act_for_organisation(
            principal=self, organisation=token.organisation, roles=roles_for(token.scopes)
        )

    @property
    def actor(self) -> Any:
        """The person who answers for what the client writes: the token's creator."""
        return self.token.created_by

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def __str__(self) -> str:
        return f"API: {self.organisation.name} ({self.token.name})"


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiClient, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # not ours: unauthenticated, a 401 wherever a token is needed
        if len(parts) != 2 or len(parts[1]) > MAX_TOKEN_LENGTH:
            raise AuthenticationFailed(_("Der Authorization-Header muss „Bearer <Token>“ lauten."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("Unbekanntes oder widerrufenes Token.")) from exc
        token = (
            ApiToken.objects.select_related("organisation__municipality", "created_by")
            .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise AuthenticationFailed(_("Unbekanntes oder widerrufenes Token."))
        token_touch(token=token)
        return ApiClient(token), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
