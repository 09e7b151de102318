"""Who may do what on the website: public pages and registration for everyone; the Wagtail admin
only for chamber editors, and each of them only in their own chamber's section."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.models import EventRegistration
from tests.cms.helpers import HOST
from tests.factories import EventRegistrationFactory

pytestmark = pytest.mark.django_db

_seq = itertools.count()

PEOPLE = [
    "anonymous",
    "candidate",
    "case_manager",
    "job_coach",
    "volunteer",
    "employer",
    "coordinator",
    "ihk_editor",
    "ihk_lead",
    "hwk_editor",
    "hwk_lead",
]
# Who may open the admin edit view of each section (everyone else is sent away).
EDITS_IHK = {"ihk_editor", "ihk_lead"}
EDITS_HWK = {"hwk_editor", "hwk_lead"}


@pytest.fixture
def world(ihk, hwk, make_event, team):
    event = make_event(capacity=100)
    people = {
        "ihk_editor": ihk.editor,
        "ihk_lead": ihk.lead,
        "hwk_editor": hwk.editor,
        "hwk_lead": hwk.lead,
    }
    for role in ("candidate", "case_manager", "job_coach", "volunteer", "employer", "coordinator"):
        people[role] = team(role).own
    return type("World", (), {"ihk": ihk, "hwk": hwk, "event": event, "people": people})


def _client(world, who: str, signed_in) -> Client:
    return Client() if who == "anonymous" else signed_in(world.people[who])


@pytest.mark.parametrize("who", PEOPLE)
def test_public_pages_are_public(world, who, signed_in):
    client = _client(world, who, signed_in)
    for url in ("/", "/ihk/", "/hwk/", "/ihk/termine/fruehstueck/", "/suche/?q=IHK"):
        assert client.get(url, **HOST).status_code == 200, url


@pytest.mark.parametrize("who", PEOPLE)
def test_anyone_may_register_for_an_event(world, who, signed_in):
    client = _client(world, who, signed_in)
    response = client.post(
        "/ihk/termine/fruehstueck/",
        {"name": "Gast", "email": f"gast{next(_seq)}@example.org", "people": "1", "consent": "on"},
        **HOST,
    )
    assert response.status_code == 302
    assert EventRegistration.objects.filter(event=world.event).count() == 1


@pytest.mark.parametrize("who", PEOPLE)
def test_admin_edit_only_in_own_section(world, who, signed_in):
    client = _client(world, who, signed_in)
    for section, allowed in ((world.ihk.section, EDITS_IHK), (world.hwk.section, EDITS_HWK)):
        response = client.get(reverse("wagtailadmin_pages:edit", args=(section.pk,)), **HOST)
        if who in allowed:
            assert response.status_code == 200, (who, section)
        else:
            assert response.status_code == 302, (who, section)
            assert response["Location"].startswith((reverse("account_login"), reverse("wagtailadmin_home")))


@pytest.mark.parametrize("who", PEOPLE)
def test_event_registrations_are_not_listed_for_editors_or_others(world, who, signed_in):
    """Registrations hold contact data: only Django staff with the model permission see them."""
    client = _client(world, who, signed_in)
    response = client.get("/cms-admin/event_registrations/", **HOST)
    assert response.status_code == 302


@pytest.mark.parametrize("who", PEOPLE)
def test_the_cancellation_link_works_for_whoever_holds_it_and_for_nobody_without(world, who, signed_in):
    """The signed token is the only key: any role (or none) may open and use it; without it, 404."""
    from cms.services import registration_cancel_token

    registration = EventRegistrationFactory(
        event=world.event, name="Gast", email=f"gast{next(_seq)}@example.org", consent_at=timezone.now()
    )
    client = _client(world, who, signed_in)
    url = reverse("cms:registration_cancel", args=[registration_cancel_token(registration)])
    assert client.get(url, **HOST).status_code == 200
    assert client.get(reverse("cms:registration_cancel", args=["forged"]), **HOST).status_code == 404
    assert client.post(url, **HOST).status_code == 200
    assert not EventRegistration.objects.filter(pk=registration.pk).exists()
