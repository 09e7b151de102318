"""Who is asking: an organisation's client, known by its API token or by an OAuth2 access token
(both ``Authorization: Bearer …``; API tokens start with ``lotse_``).

The principal is an :class:`ApiClient`, not a person: it acts in the credential's organisation with
the roles its scopes mirror (organisations.access.act_for_organisation), so the same selectors and
access rules as on the pages decide what it sees, whichever way it signed in. A missing, unknown,
expired or revoked token is a 401.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from organisations import access

from .models import ApiToken, OAuthClient
from .scopes import SCOPES, roles_for
from .services import TOKEN_PREFIX, client_touch, token_hash, token_touch

KEYWORD = b"bearer"
# Longer than any token we issue: a longer one is refused before it is hashed or looked up.
MAX_TOKEN_LENGTH = 100


class ApiClient:
    """An organisation acting through one of its API tokens or OAuth2 clients (the credential)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_candidate = False
    pk = None
    id = None

    def __init__(self, token: ApiToken | OAuthClient, scopes: Any = None) -> None:
        self.token = token
        self.organisation = token.organisation
        # An access token may carry fewer scopes than its client; never more. And a credential
        # never gives more than its maker still holds: a scope whose role they lost in this
        # organisation (they left, or changed team) stops working with the next request.
        granted = set(token.scopes if scopes is None else set(scopes) & set(token.scopes))
        held = _roles_held(token)
        self.scopes = frozenset(name for name in granted if name in SCOPES and SCOPES[name].role in held)
        access.act_for_organisation(
            principal=self, organisation=token.organisation, roles=roles_for(self.scopes)
        )

    @property
    def actor(self) -> Any:
        """The person who answers for what the client writes: whoever made the token or client."""
        return self.token.created_by

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def __str__(self) -> str:
        return f"API: {self.organisation.name} ({self.token.name})"


def _roles_held(token: ApiToken | OAuthClient) -> set[str]:
    """The roles the credential's maker holds today in its organisation."""
    maker = token.created_by
    return {m.role for m in access.memberships(user=maker) if m.organisation_id == token.organisation_id}


def _require_maker(token: ApiToken | OAuthClient) -> None:
    """Every read through a credential is audited in its maker's name: without a maker who still
    has an active account (deleted, deactivated), nobody answers for it, so it is refused."""
    maker = token.created_by
    if maker is None or not maker.is_active:
        raise AuthenticationFailed(
            _(
                "Die Person, die dieses Token angelegt hat, hat kein aktives Konto mehr. Bitte ein neues anlegen."
            )
        )


def _bearer(request: Request) -> str | None:
    """The bearer token of the request; None when there is no bearer header at all."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != KEYWORD:
        return None  # not ours: unauthenticated, a 401 wherever a token is needed
    if len(parts) != 2 or len(parts[1]) > MAX_TOKEN_LENGTH:
        raise AuthenticationFailed(_("Der Authorization-Header muss „Bearer <Token>“ lauten."))
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError as exc:
        raise AuthenticationFailed(_("Unbekanntes oder widerrufenes Token.")) from exc


class TokenAuthentication(BaseAuthentication):
    """API tokens (``lotse_…``); any other bearer token is left to :class:`OAuth2Authentication`."""

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiToken] | None:
        raw = _bearer(request)
        if raw is None or not raw.startswith(TOKEN_PREFIX):
            return None
        token = (
            ApiToken.objects.select_related("organisation__municipality", "created_by")
            .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise AuthenticationFailed(_("Unbekanntes oder widerrufenes Token."))
        _require_maker(token)
        token_touch(token=token)
        return ApiClient(token), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class OAuth2Authentication(BaseAuthentication):
    """OAuth2 access tokens from /api/oauth/token/ (client credentials). The token is looked up by
    its SHA-256 (django-oauth-toolkit stores no more, OAUTH2_PROVIDER in settings); its client
    must still exist and not be revoked. Any bearer token that is neither kind is a 401."""

    def authenticate(self, request: Request) -> tuple[ApiClient, Any] | None:
        from oauth2_provider.models import AccessToken  # the app registry is ready by now

        raw = _bearer(request)
        if raw is None:
            return None
        access_token = (
            AccessToken.objects.select_related(
                "application__lotse_client__organisation__municipality",
                "application__lotse_client__created_by",
            )
            .filter(token_checksum=token_hash(raw), application__isnull=False)
            .first()
        )
        client = getattr(access_token.application, "lotse_client", None) if access_token else None
        if access_token is None or access_token.is_expired() or client is None or not client.is_active:
            raise AuthenticationFailed(_("Unbekanntes oder widerrufenes Token."))
        _require_maker(client)
        client_touch(client=client)
        return ApiClient(client, scopes=access_token.scope.split()), access_token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
