"""Fixtures for the website: the two chamber sections with their editors, and pages to test on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from cms.models import ChamberSectionPage, EventIndexPage, EventPage, HomePage, SuccessStoryIndexPage
from cms.services import chamber_section_setup, home_page_ensure
from organisations.models import OrganisationKind
from tests.factories import OrganisationFactory
from tests.fixtures.caching import clear_own_cache

HOST = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.fixture(autouse=True)
def _fresh_figures_cache():
    # The live figures are cached; every test counts afresh.
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def home(db) -> HomePage:
    # The migrations' home page and root collection are gone after a transactional test's flush.
    return home_page_ensure()


@dataclass
class Chamber:
    organisation: object
    section: ChamberSectionPage
    stories: SuccessStoryIndexPage
    events: EventIndexPage
    editor: object  # chamber_editor, not lead → "Redaktion"
    lead: object  # chamber_editor, is_lead → "Leitung"


def _chamber(home: HomePage, municipality, *, name: str, slug: str, make_member) -> Chamber:
    organisation = OrganisationFactory(municipality=municipality, kind=OrganisationKind.CHAMBER, name=name)
    section = home.add_child(instance=ChamberSectionPage(title=name, slug=slug, organisation=organisation))
    stories = section.add_child(instance=SuccessStoryIndexPage(title="Erfolgsgeschichten", slug="erfolge"))
    events = section.add_child(instance=EventIndexPage(title="Veranstaltungen", slug="termine"))
    chamber_section_setup(section=section)
    return Chamber(
        organisation=organisation,
        section=section,
        stories=stories,
        events=events,
        editor=make_member(Role.CHAMBER_EDITOR, organisation=organisation),
        lead=make_member(Role.CHAMBER_EDITOR, organisation=organisation, lead=True),
    )


@pytest.fixture
def ihk(home, municipality, make_member) -> Chamber:
    return _chamber(home, municipality, name="IHK Teststadt", slug="ihk", make_member=make_member)


@pytest.fixture
def hwk(home, municipality, make_member) -> Chamber:
    return _chamber(home, municipality, name="Handwerkskammer Teststadt", slug="hwk", make_member=make_member)


@pytest.fixture
def make_event(ihk):
    def make(
        *, slug: str = "fruehstueck", capacity: int | None = 20, days_ahead: int = 14, **fields
    ) -> EventPage:
        start = timezone.now() + timedelta(days=days_ahead)
        event = EventPage(
            title=fields.pop("title", "Unternehmensfrühstück"),
            slug=slug,
            start=start,
            place="IHK, Saal 1",
            capacity=capacity,
            organiser_email="veranstaltungen@ihk.example",
            **fields,
        )
        ihk.events.add_child(instance=event)
        return event

    return make
