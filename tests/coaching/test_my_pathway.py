"""The candidate's own pathway (issue 20), on the real ESCO data and in Ukrainian: a warehouse
worker sees occupations one step up, what they can already do, what is missing and where they can
learn it nearby. Only their own case; every other role is refused (the access matrix has the row)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from candidates import pathways
from taxonomy.models import Occupation
from tests.factories import CandidateOccupationFactory, ServiceFactory, ServiceOrganisationFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(world, esco):
    candidate = world.candidate
    warehouse = Occupation.objects.get(label_de="Lagerarbeiter/Lagerarbeiterin")
    CandidateOccupationFactory(candidate=candidate, occupation=warehouse, years_experience=3)
    return candidate


def test_a_ukrainian_speaking_worker_reads_their_pathway_and_where_to_learn(world, worker, client):
    (first, *_rest) = pathways.person_proposals(candidate=worker)
    missing = pathways.person_pathway(candidate=worker, target=first.occupation).missing
    assert missing, "the real ESCO relations leave something to learn one step up"
    course = ServiceFactory(
        organisation=ServiceOrganisationFactory(municipality=world.municipality, name="Bildungswerk"),
        municipality=world.municipality,
        name="Teilqualifizierung Lager",
        category="training",
        phone="0231 555 0101",
    )
    course.skills.set(missing[:1])

    login_with_mfa(client, world.people["candidate"])
    page = client.get("/uk" + reverse("coaching:my_pathway"))
    html = page.content.decode()
    assert page.status_code == 200
    assert first.occupation.label_uk and escape(first.occupation.label_uk) in html
    assert "Мій шлях до професії" in html  # the page's own words in Ukrainian
    assert "Teilqualifizierung Lager" in html and "0231 555 0101" in html
    shown = missing[0].label_uk or missing[0].label_en
    assert escape(shown) in html
    # No button that writes to the plan: goals are agreed with the case staff.
    assert "pathway/goal" not in html


def test_an_unknown_target_is_a_message_not_a_500_and_no_case_is_a_friendly_page(world, worker, client):
    login_with_mfa(client, world.people["candidate"])
    response = client.get(reverse("coaching:my_pathway"), {"target": "http://example.org/none"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    world.case.candidate.user = None
    world.case.candidate.save(update_fields=["user"])
    html = client.get(reverse("coaching:my_pathway")).content.decode()
    assert "sobald Sie eine Ansprechperson" in html
