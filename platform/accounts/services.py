"""Writes to accounts that are not part of the sign-in flow (allauth owns that)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F

from accounts.models import User


def user_set_preferred_language(*, user: User, language: str) -> bool:
    """Remember ``language`` as the language mails to ``user`` are written in; True if it changed.

    Only the site's languages are kept; anything else leaves the stored choice as it was.
    """
    if language not in {code for code, _name in settings.LANGUAGES}:
        return False
    if user.preferred_language == language:
        return False
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return True


def user_logout_everywhere(*, user: User) -> None:
    """End every session of ``user`` on every device (the session hash includes the generation)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
