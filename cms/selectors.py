"""Reads for the API's events (issue 17): which events a client sees, and whose registrations.

An event belongs to the chamber whose section it stands in (ChamberSectionPage.organisation), and
so to that chamber's municipality; an event outside every chamber section is the website's own and
public to every client. The events themselves are public pages; the registrations are business
contact data kept for the organisers, so only the owning chamber reads them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.roles import Role
from organisations import access

from .models import ChamberSectionPage, EventPage, EventRegistration


def _sections() -> list[tuple[str, int | None, int | None]]:
    """(tree path, chamber organisation id, its municipality id) of every chamber section."""
    return list(
        ChamberSectionPage.objects.filter(alias_of__isnull=True).values_list(
            "path", "organisation_id", "organisation__municipality_id"
        )
    )


def _originals() -> QuerySet[EventPage]:
    """Published, public German originals: a translation or alias shares its original's list."""
    return (
        EventPage.objects.live()
        .public()
        .filter(alias_of__isnull=True, locale__language_code=settings.LANGUAGE_CODE)
    )


def events_for(*, user: Any, now=None) -> QuerySet[EventPage]:
    """Upcoming events of the client's municipality: those of its chambers' sections and the
    website's own. Seats taken are annotated (``taken``), so a page of events is one query."""
    municipalities = access.municipality_ids(user=user)
    if not municipalities:
        raise PermissionDenied
    foreign = Q()
    for path, _organisation, municipality in _sections():
        if municipality is not None and municipality not in municipalities:
            foreign |= Q(path__startswith=path)
    events = _originals().filter(start__gte=now or timezone.now())
    if foreign:
        events = events.exclude(foreign)
    return events.annotate(taken=Sum("registrations__people")).order_by("start", "pk")


def event_chamber_ids(events: list[EventPage]) -> dict[int, int | None]:
    """The chamber organisation of each event (None: the website's own), from one query."""
    sections = sorted(_sections(), key=lambda row: -len(row[0]))
    found: dict[int, int | None] = {}
    for event in events:
        found[event.pk] = next((org for path, org, _m in sections if event.path.startswith(path)), None)
    return found


def event_for_registration(*, user: Any, pk: int) -> EventPage:
    """An upcoming event the client may register its own organisation for: a verified employer's,
    of its municipality (404 otherwise, as if it did not exist)."""
    if not access.is_verified_employer(user=user):
        raise PermissionDenied
    return access.first_visible(events_for(user=user).filter(pk=pk))


def event_registrations(*, user: Any, pk: int) -> QuerySet[EventRegistration]:
    """The registrations of an event in the section of a chamber the client edits for (past events
    too: the organisers follow up). Anyone else gets a 404, as if the event did not exist."""
    chambers = access.organisation_ids(user=user, roles=[Role.CHAMBER_EDITOR])
    event = access.first_visible(
        EventPage.objects.filter(pk=pk, alias_of__isnull=True, locale__language_code=settings.LANGUAGE_CODE)
    )
    owner = event_chamber_ids([event])[event.pk]
    if owner is None or owner not in chambers:
        raise access.NotFound
    return EventRegistration.objects.filter(event=event).order_by("created_at", "pk")
