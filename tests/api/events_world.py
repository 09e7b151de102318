"""Events for the API tests (issue 17, cms/api.py): a chamber of the client's municipality with its
section and an upcoming event, another chamber of the same municipality, one of another
municipality, and the website's own event outside every chamber section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from api.services import token_create
from cms.models import ChamberSectionPage, EventIndexPage, EventPage
from cms.services import home_page_ensure
from organisations.models import OrganisationKind
from tests.factories import OrganisationFactory
from tests.fixtures.users import new_member

# The targets of the access matrix: the own chamber's event, another chamber's of the municipality,
# a chamber's in another municipality.
TARGETS = ("own", "other_org", "other_municipality")


@dataclass
class ChamberSide:
    organisation: object
    editor: object
    event: EventPage


def make_event(index: EventIndexPage, slug: str, *, days_ahead: int = 14, **fields) -> EventPage:
    start = timezone.now() + timedelta(days=days_ahead)
    defaults = dict(
        title=f"Unternehmensfrühstück {slug}",
        slug=slug,
        start=start,
        place="Kammer, Saal 1",
        capacity=20,
        organiser_email="veranstaltungen@kammer.example",
    )
    defaults.update(fields)
    return index.add_child(instance=EventPage(**defaults))


def make_chamber(municipality, slug: str) -> ChamberSide:
    home = home_page_ensure()
    organisation = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.CHAMBER, name=f"Kammer {slug}"
    )
    section = home.add_child(
        instance=ChamberSectionPage(title=f"Kammer {slug}", slug=f"kammer-{slug}", organisation=organisation)
    )
    index = section.add_child(instance=EventIndexPage(title="Termine", slug="termine"))
    return ChamberSide(
        organisation=organisation,
        editor=new_member(Role.CHAMBER_EDITOR, organisation=organisation),
        event=make_event(index, f"termin-{slug}"),
    )


def make_events_world(municipality, other_municipality) -> dict[str, ChamberSide]:
    return {
        "own": make_chamber(municipality, "own"),
        "other_org": make_chamber(municipality, "other"),
        "other_municipality": make_chamber(other_municipality, "foreign"),
    }


def chamber_token(side: ChamberSide, scopes=("events:read",)) -> str:
    _token, raw = token_create(
        organisation=side.organisation, actor=side.editor, name="Kammer-System", scopes=list(scopes)
    )
    return raw


def registration_body(n: int = 1) -> dict:
    return {"name": f"Frau Chefin {n}", "email": f"chefin{n}@betrieb.example", "people": 2, "consent": True}
