"""Where each role goes from the start page. Apps name their entry pages by these URL names;
a destination that does not resolve (yet) is simply not shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import Role


@dataclass(frozen=True)
class Destination:
    label: str | Promise
    url_name: str
    # Shown only to the leads (Membership.is_lead) of the role, e.g. a team's lead case manager.
    lead_only: bool = False


ROLE_DESTINATIONS: dict[str, list[Destination]] = {
    Role.CANDIDATE: [
        Destination(_("Mein Profil"), "candidates:my_profile"),
        Destination(_("Mein Plan"), "candidates:my_plan"),
        Destination(_("Mein Weg zum Beruf"), "coaching:my_pathway"),  # issue 20
        Destination(_("Nachrichten"), "coaching:messages"),
        Destination(_("Stellen für mich"), "employers:my_jobs"),
        Destination(_("Anfragen von Betrieben"), "employers:my_introductions"),
        Destination(_("Speed-Dating"), "employers:my_speed_dating"),
        # issue 15 §3
        Destination(_("Diskriminierung melden"), "coaching:discrimination_list"),
    ],
    Role.CASE_MANAGER: [
        Destination(_("Meine Fälle"), "candidates:case_list"),
        Destination(_("Vorstellungen meiner Klient*innen"), "employers:staff_introductions"),
        Destination(_("Gefundene Stellen"), "employers:acquisition_list"),
        Destination(_("Übergaben"), "coaching:handover_list"),
        Destination(_("Nachrichten"), "coaching:messages"),
        Destination(_("Speed-Datings"), "employers:speed_dating_list"),
        Destination(_("Beschäftigungen und ihre Jobcoaches"), "coaching:employment_list", lead_only=True),
        # issue 14 §4: closed cases (the six-month question) and the cases of departed colleagues
        Destination(_("Abgeschlossene Fälle"), "candidates:closed_list"),
        Destination(_("Fälle ausgeschiedener Kolleg*innen"), "candidates:reassign", lead_only=True),
        Destination(_("Koordinationsrunden"), "coaching:round_list"),
        # issue 23 §4: the municipality's checklists and guides, read-only for case staff
        Destination(_("Geteilte Praxis"), "coaching:practice_list"),
        Destination(_("Diskriminierung melden"), "coaching:discrimination_list"),  # issue 15 §3
        Destination(_("Betriebe"), "employers:business_list"),
        # issue 17 (api17a): the office's own systems read its cases / employments through the API.
        Destination(_("API-Tokens"), "api_tokens:list"),
    ],
    Role.JOB_COACH: [
        Destination(_("Begleitung nach der Vermittlung"), "coaching:home"),
        Destination(_("Gefundene Stellen"), "employers:acquisition_list"),
        Destination(_("Übergaben"), "coaching:handover_list"),
        Destination(_("Nachrichten"), "coaching:messages"),
        Destination(_("Abgeschlossene Fälle"), "candidates:closed_list"),
        Destination(_("Fälle ausgeschiedener Kolleg*innen"), "candidates:reassign", lead_only=True),
        Destination(_("Koordinationsrunden"), "coaching:round_list"),
        # issue 23 §4: the municipality's checklists and guides, read-only for case staff
        Destination(_("Geteilte Praxis"), "coaching:practice_list"),
        Destination(_("Diskriminierung melden"), "coaching:discrimination_list"),  # issue 15 §3
        Destination(_("Betriebe"), "employers:business_list"),
        # issue 17 (api17a): the office's own systems read its cases / employments through the API.
        Destination(_("API-Tokens"), "api_tokens:list"),
    ],
    Role.VOLUNTEER: [
        Destination(_("Meine Begleitungen"), "coaching:volunteer_home"),
        Destination(_("Nachrichten"), "coaching:messages"),
        Destination(_("Diskriminierung melden"), "coaching:discrimination_list"),  # issue 15 §3
    ],
    Role.EMPLOYER_SERVICE: [
        Destination(_("Gefundene Stellen"), "employers:acquisition_list"),
        Destination(_("Betriebe"), "employers:business_list"),
    ],
    Role.IMMIGRATION_OFFICE: [
        Destination(_("Fragen an die Ausländerbehörde"), "candidates:office_question_list")
    ],
    Role.EMPLOYER: [
        Destination(_("Stellen und Vorschläge"), "employers:home"),
        # issue 17: the business's own systems reach its placements through the API.
        Destination(_("API-Tokens"), "api_tokens:list"),
    ],
    Role.CHAMBER_EDITOR: [
        Destination(_("Arbeitgeber prüfen"), "employers:verification_list"),
        Destination(_("Redaktion (CMS)"), "wagtailadmin_home"),
        Destination(_("Betriebe"), "employers:business_list"),
        # issue 17: the chamber's own systems read its events' registrations through the API.
        Destination(_("API-Tokens"), "api_tokens:list"),
    ],
    Role.COORDINATOR: [
        Destination(_("Kennzahlen"), "monitoring:dashboard"),
        Destination(_("Systemische Hürden"), "coaching:barrier_overview"),
        Destination(_("Gemeldete Diskriminierung"), "coaching:discrimination_overview"),  # issue 15 §3
        Destination(_("Koordinationsrunden"), "coaching:round_list"),
        Destination(_("Kooperationsvereinbarungen"), "coaching:agreement_list"),  # issue 23
        Destination(_("Geteilte Praxis"), "coaching:practice_list"),  # issue 23 §4
        Destination(_("Organisationen der Kommune"), "organisations:list"),
        Destination(_("Audit-Protokoll"), "organisations:audit_log"),
        Destination(_("Beschäftigungen und ihre Jobcoaches"), "coaching:employment_list"),
        Destination(_("Weitergegebene Vorstellungsanfragen"), "employers:staff_introductions"),
        Destination(_("Speed-Datings"), "employers:speed_dating_list"),
        Destination(_("Betriebe"), "employers:business_list"),
        Destination(_("API-Tokens"), "api_tokens:list"),  # issue 17: the directory through the API
    ],
}


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str


def destinations(roles: set[str], lead_roles: set[str] = frozenset()) -> list[Link]:
    """Links for the given roles, in the order of ``Role``, each URL once; ``lead_only`` ones
    only for the roles in ``lead_roles`` (those the user leads a team in)."""
    links: list[Link] = []
    seen: set[str] = set()
    for role in Role.values:
        if role not in roles:
            continue
        for destination in ROLE_DESTINATIONS.get(role, []):
            if destination.lead_only and role not in lead_roles:
                continue
            try:
                url = reverse(destination.url_name)
            except NoReverseMatch:
                continue
            if url not in seen:
                seen.add(url)
                links.append(Link(destination.label, url))
    return links
