"""System checks of the composition root's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error


def process_cache_defined(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The staff pages keep rendered fragments with personal data in the worker's own memory
    (``{% cache ... using="process" %}``); without that cache they could not be drawn at all."""
    if "process" in settings.CACHES:
        return []
    return [
        Error(
            'CACHES has no "process" cache.',
            hint='Add CACHES["process"] = PROCESS_CACHE (config.settings.base): the coaching home page '
            "keeps its rendered lists there, in the worker's memory, never in Redis.",
            id="lotse.E001",
        )
    ]
