"""Writes of the API package: tokens and OAuth2 clients are created (shown once) and revoked."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import access
from organisations.models import Organisation

from .models import ApiToken, OAuthClient
from .scopes import SCOPES

if TYPE_CHECKING:
    from accounts.models import User

TOKEN_PREFIX = "lotse_"  # noqa: S105 (a marker, not a secret)
# last_used_at is written at most this often per token: not one write per request.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _grantable(*, organisation: Organisation, actor: User, scopes: Iterable[str]) -> list[str]:
    """The scopes, sorted, when the actor holds in the organisation the role each one mirrors."""
    wanted = sorted(set(scopes))
    if not wanted:
        raise ValidationError({"scopes": _("Bitte mindestens eine Berechtigung wählen.")})
    for scope in wanted:
        if scope not in SCOPES:
            raise ValidationError({"scopes": _("Unbekannte Berechtigung.")})
        access.require_role(user=actor, roles=[SCOPES[scope].role], organisation_id=organisation.pk)
    return wanted


def token_create(
    *, organisation: Organisation, actor: User, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """A new token of the organisation and the token itself (shown once, never stored).

    The actor must hold, in that organisation, the role that each scope mirrors (403 otherwise)."""
    wanted = _grantable(organisation=organisation, actor=actor, scopes=scopes)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        token_hash=token_hash(raw),
        scopes=wanted,
        created_by=actor,
    )
    token.full_clean()
    token.save()
    return token, raw


def _require_manager(*, actor: User, organisation_id: int) -> None:
    if not access.has_role(
        user=actor, roles={scope.role for scope in SCOPES.values()}, organisation_id=organisation_id
    ):
        raise PermissionDenied


def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoking takes effect on the next request; revoking twice keeps the first date. Anyone who
    manages the organisation's tokens may revoke any of them (stopping a leak needs no more)."""
    _require_manager(actor=actor, organisation_id=token.organisation_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """Note that the token was used (at most once a minute, in one UPDATE)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now


def oauth_client_create(
    *, organisation: Organisation, actor: User, name: str, scopes: Iterable[str]
) -> tuple[OAuthClient, str]:
    """A new OAuth2 client of the organisation (client credentials grant) and its secret, shown once:
    django-oauth-toolkit stores only a hash of it. Scopes as for :func:`token_create`."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import Application

    wanted = _grantable(organisation=organisation, actor=actor, scopes=scopes)
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application(
            name=f"{organisation.name}: {name.strip()}"[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
            redirect_uris="",
        )
        application.save()
        client = OAuthClient(
            organisation=organisation,
            application=application,
            client_id=application.client_id,
            name=name.strip(),
            scopes=wanted,
            created_by=actor,
        )
        client.full_clean()
        client.save()
    return client, secret


def oauth_client_revoke(*, client: OAuthClient, actor: User) -> OAuthClient:
    """Revoked at once: the Application goes, and with it every access token it was given, so the
    next request with one is a 401 and the token endpoint knows the client no more."""
    _require_manager(actor=actor, organisation_id=client.organisation_id)
    with transaction.atomic():
        if client.application_id is not None:
            client.application.delete()  # CASCADE: its access and refresh tokens
            client.application = None
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.revoked_by = actor
        client.save(update_fields=["application", "revoked_at", "revoked_by"])
    return client


def client_touch(*, client: OAuthClient) -> None:
    """As :func:`token_touch`, for an OAuth2 client."""
    now = timezone.now()
    if client.last_used_at is not None and now - client.last_used_at < TOUCH_EVERY:
        return
    OAuthClient.objects.filter(pk=client.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    client.last_used_at = now
