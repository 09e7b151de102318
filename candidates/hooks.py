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


# --- what a consent refers to and what revoking it ends ----------------------------------------
#
# A contact grant names an introduction in its reference ("introduction:4"); only the employers
# app knows what that is. It registers a ConsentParty so that the consent pages can say it in
# words, the confirmation page can say what revoking ends, and revoking closes what it ended.


@dataclass(frozen=True)
class ConsentParty:
    """Another app's part in consents.

    ``labels(consents)`` returns {consent pk: what the grant is for, in words} for the grants it
    knows; ``consequences(consent, for_self)`` lists in the active language what revoking ends
    (addressed to the person themself, or to staff recording it); ``revoked(consent, actor)``
    closes what the revocation ended. Each runs in its own savepoint: a failing party never
    stops a revocation, which takes effect at once whatever happens here.
    """

    labels: Callable[[Any], dict[int, str]]
    consequences: Callable[..., list[str]]
    revoked: Callable[[Any, Any], None]


_parties: list[ConsentParty] = []


def register_consent_party(party: ConsentParty) -> None:
    if party not in _parties:
        _parties.append(party)


def unregister_consent_party(party: ConsentParty) -> None:
    if party in _parties:
        _parties.remove(party)


def consent_labels(consents: Any) -> dict[int, str]:
    labels: dict[int, str] = {}
    for party in list(_parties):
        try:
            labels.update(party.labels(consents))
        except Exception:  # the list still shows the grants, only without this party's words
            logger.exception("consent party %r failed to label", party)
    return labels


def revocation_consequences(consent: Any, *, for_self: bool) -> list[str]:
    found: list[str] = []
    for party in list(_parties):
        try:
            found.extend(party.consequences(consent, for_self=for_self))
        except Exception:
            logger.exception("consent party %r failed to describe a revocation", party)
    return found


def consent_revoked(consent: Any, actor: Any) -> None:
    from django.db import transaction

    for party in list(_parties):
        try:
            with transaction.atomic():
                party.revoked(consent, actor)
        except Exception:  # the grant is revoked regardless; access checks read it live
            logger.exception("consent party %r failed after a revocation", party)
