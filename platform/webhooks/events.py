"""The events an organisation can subscribe to. Each mirrors a role, like the API scopes: whoever
subscribes must hold that role in the organisation, and the organisation then fetches the details
through the API with a token of the same role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

INTRODUCTION_STAGE_CHANGED = "introduction.stage_changed"
REFERRAL_ANSWERED = "referral.answered"


@dataclass(frozen=True)
class Event:
    name: str
    role: str
    label: str | Promise


EVENTS: dict[str, Event] = {
    event.name: event
    for event in [
        Event(
            INTRODUCTION_STAGE_CHANGED,
            Role.EMPLOYER,
            _("Eine Vorstellung für eine Ihrer Stellen hat eine neue Stufe erreicht"),
        ),
        Event(
            REFERRAL_ANSWERED,
            Role.COORDINATOR,
            _("Ein Angebot hat eine Verweisung angenommen, abgelehnt oder abgeschlossen"),
        ),
    ]
}


def events_for_roles(roles: Iterable[str]) -> list[Event]:
    """The events someone with these roles may subscribe their organisation to."""
    held = set(roles)
    return [event for event in EVENTS.values() if event.role in held]
