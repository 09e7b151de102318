"""The scopes an API token can carry. Each mirrors a role: a token acts in its organisation with the
roles of its scopes (organisations.access.act_for_organisation), so the selectors decide what it
sees exactly as they do for that organisation's staff. Whoever creates a token must hold the role of
every scope it carries, in that organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


@dataclass(frozen=True)
class Scope:
    name: str
    role: str
    label: str | Promise


SCOPES: dict[str, Scope] = {
    scope.name: scope
    for scope in [
        Scope("placements:read", Role.EMPLOYER, _("Stellen lesen")),
        Scope("placements:write", Role.EMPLOYER, _("Stellen anlegen und ändern")),
        Scope("introductions:read", Role.EMPLOYER, _("Vorstellungen und ihren Stand lesen")),
        Scope("introductions:write", Role.EMPLOYER, _("Den Stand von Vorstellungen ändern")),
        Scope("candidates:read", Role.EMPLOYER, _("Anonymisierte Profile lesen")),
        Scope("directory:read", Role.COORDINATOR, _("Angebotsverzeichnis lesen (HSDS)")),
        # --- events (issue 17, cms/api.py): a chamber reads its events' registrations; a business
        # registers itself. Either may list the upcoming events (public data).
        Scope(
            "events:read", Role.CHAMBER_EDITOR, _("Veranstaltungen und die Anmeldungen zu den eigenen lesen")
        ),
        Scope("events:write", Role.EMPLOYER, _("Den eigenen Betrieb zu Veranstaltungen anmelden")),
        # --- end of events
        # --- api17a: the case organisation's full profiles, the coaching organisation's employments
        Scope("cases:read", Role.CASE_MANAGER, _("Vollständige Profile der eigenen Fälle lesen")),
        Scope(
            "employments:read",
            Role.JOB_COACH,
            _("Begleitete Beschäftigungen und ihre Nachbetreuung lesen"),
        ),
        # --- end api17a
        # --- directory writes and referrals (issue 17, api17b) ---
        Scope(
            "directory:write", Role.COORDINATOR, _("Angebotsverzeichnis pflegen, ein- und auslesen (HSDS)")
        ),
        # Both sides of a referral: the case's organisation (its case managers) and the receiving
        # provider's organisation, which sees only what its link shows.
        Scope("referrals:read", Role.CASE_MANAGER, _("Verweisungen lesen")),
        Scope("referrals:write", Role.CASE_MANAGER, _("Verweisungen als Anbieter beantworten")),
        # --- end api17b ---
    ]
}


def roles_for(scopes: Iterable[str]) -> set[str]:
    """The roles a token with these scopes acts with (unknown scopes grant nothing)."""
    return {SCOPES[name].role for name in scopes if name in SCOPES}


def scopes_for_roles(roles: Iterable[str]) -> list[Scope]:
    """The scopes someone with these roles may put on a token."""
    held = set(roles)
    return [scope for scope in SCOPES.values() if scope.role in held]
