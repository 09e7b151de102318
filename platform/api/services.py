"""Writes of the API package: tokens are created (shown once) and revoked."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import access
from organisations.models import Organisation

from .models import ApiToken
from .scopes import SCOPES

if TYPE_CHECKING:
    from accounts.models import User

TOKEN_PREFIX = "lotse_"  # noqa: S105 (a marker, not a secret)
# last_used_at is written at most this often per token: not one write per request.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def token_create(
    *, organisation: Organisation, actor: User, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """A new token of the organisation and the token itself (shown once, never stored).

    The actor must hold, in that organisation, the role that each scope mirrors (403 otherwise)."""
    wanted = sorted(set(scopes))
    if not wanted:
        raise ValidationError({"scopes": _("Bitte mindestens eine Berechtigung wählen.")})
    for scope in wanted:
        if scope not in SCOPES:
            raise ValidationError({"scopes": _("Unbekannte Berechtigung.")})
        access.require_role(user=actor, roles=[SCOPES[scope].role], organisation_id=organisation.pk)
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


def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoking takes effect on the next request; revoking twice keeps the first date. Anyone who
    manages the organisation's tokens may revoke any of them (stopping a leak needs no more)."""
    if not access.has_role(
        user=actor,
        roles={scope.role for scope in SCOPES.values()},
        organisation_id=token.organisation_id,
    ):
        raise PermissionDenied
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
