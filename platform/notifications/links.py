"""Absolute links for e-mail: one configured base URL, one helper."""

from __future__ import annotations

from django.conf import settings


def base_url() -> str:
    """The site's address as configured (``WAGTAILADMIN_BASE_URL``), without a trailing slash."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``/app/...`` → ``https://host/app/...``; an address that already has a scheme is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + "/" + path.lstrip("/")
