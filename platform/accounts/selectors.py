"""Reads about a person's own account: their second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

if TYPE_CHECKING:
    from accounts.models import User


def has_totp(*, user: User) -> bool:
    """Whether the person has set up an authenticator app (TOTP)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def totp_authenticator(*, user: User) -> Authenticator:
    """The person's TOTP authenticator (there is at most one; allauth keeps it so)."""
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
