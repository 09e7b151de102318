"""System checks of the composition root's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error


def process_cache_defined(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The staff pages keep rendered fragments with personal data in the worker's own memory
    (``{% cache ... using="process" %}``): without that cache they could not be drawn at all, and
    in a shared cache those names would leave the worker."""
    process = settings.CACHES.get("process")
    if process is not None:
        if process.get("BACKEND") == "django.core.cache.backends.locmem.LocMemCache":
            return []
        return [
            Error(
                'The "process" cache is not in the worker\'s memory.',
                hint="It holds rendered lists with names of people (a coach's caseload): they must "
                'never reach a shared cache. Use CACHES["process"] = PROCESS_CACHE '
                "(config.settings.base, LocMemCache).",
                id="lotse.E002",
            )
        ]
    return [
        Error(
            'CACHES has no "process" cache.',
            hint='Add CACHES["process"] = PROCESS_CACHE (config.settings.base): the coaching home page '
            "keeps its rendered lists there, in the worker's memory, never in Redis.",
            id="lotse.E001",
        )
    ]
