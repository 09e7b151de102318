"""Reads about a person's own account: their second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

from organisations import kept

if TYPE_CHECKING:
    from accounts.models import User


def has_totp(*, user: User) -> bool:
    """Whether the person has set up an authenticator app (TOTP): asked on every request of staff
    (accounts.middleware), by a statement compiled once per worker and run with their id."""
    return bool(kept.kept_rows(name="accounts.has_totp", build=_totp_ids, values=(user.pk,)))


def _totp_ids(user_id: int):
    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).values_list("pk")[:1]


def totp_authenticator(*, user: User) -> Authenticator:
    """The person's TOTP authenticator (there is at most one; allauth keeps it so)."""
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
