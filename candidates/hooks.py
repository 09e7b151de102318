"""Hooks other apps fill so that candidates can show their things without importing them.

The employers app registers a status provider that returns the candidate's introductions in
plain words; the candidate's own page renders whatever the providers return.

    from candidates.hooks import StatusItem, register_status_provider

    def introductions(candidate):
        return [StatusItem(title="Lagerhelfer*in bei Beispiel GmbH", status="Der Betrieb möchte Sie kennenlernen.")]

    register_status_provider(introductions)   # in EmployersConfig.ready()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusItem:
    """One line the candidate sees: what it is about and where it stands, in plain words."""

    title: str
    status: str
    updated_at: datetime | None = None
    url: str = ""


StatusProvider = Callable[[Any], list[StatusItem]]
_providers: list[StatusProvider] = []


def register_status_provider(provider: StatusProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_status_provider(provider: StatusProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def status_items(candidate: Any) -> list[StatusItem]:
    """Everything the providers say about this candidate; a failing provider hides only its own part."""
    items: list[StatusItem] = []
    for provider in list(_providers):
        try:
            items.extend(provider(candidate))
        except Exception:  # a broken provider must not take the candidate's page down
            logger.exception("status provider %r failed", provider)
    return items
