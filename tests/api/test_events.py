"""Issue 17: events and their registrations in the API (cms/api.py) — the municipality's upcoming
events for chambers and businesses, the registrations only for the chamber that owns the event
(audited), and a verified business registering itself once per event."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services import token_create
from cms.models import EventRegistration
from cms.services import event_registration_create
from employers.models import BusinessEventRegistration
from privacy.models import AuditEntry
from tests.api.events_world import chamber_token, make_event, make_events_world, registration_body
from tests.api.helpers import client_for
from tests.factories import EventRegistrationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
INVALID = "urn:lotse:api:problem:invalid-input"


def _registrations(event) -> str:
    return f"{URL}{event.pk}/registrations/"


@pytest.fixture
def world(municipality, other_municipality):
    return make_events_world(municipality, other_municipality)


def _employer_client(side, scopes=("events:write",)):
    _token, raw = token_create(
        organisation=side.organisation, actor=side.user, name="ERP", scopes=list(scopes)
    )
    return client_for(raw)


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_events_are_the_municipalitys_upcoming_published_ones(world, employers):
    own = world["own"]
    index = own.event.get_parent()
    past = make_event(index, "vorbei", days_ahead=-3)
    draft = make_event(index, "entwurf")
    draft.unpublish()
    home_event = make_event(
        # The website's own event, outside every chamber section: public to every client.
        index.get_parent()
        .get_parent()
        .add_child(instance=type(index)(title="Termine der Stadt", slug="termine-stadt")),
        "stadt",
    )
    chamber = client_for(chamber_token(own))
    shown = _titles(chamber.get(URL))
    assert shown == {own.event.title, world["other_org"].event.title, home_event.title}
    assert past.title not in shown and draft.title not in shown
    # A business of the municipality sees the same list; the chamber elsewhere sees its own and the website's.
    assert _titles(_employer_client(employers.own).get(URL)) == shown
    assert _titles(client_for(chamber_token(world["other_municipality"])).get(URL)) == {
        world["other_municipality"].event.title,
        home_event.title,
    }
    row = next(r for r in chamber.get(URL).json()["results"] if r["title"] == own.event.title)
    assert row["chamber"] == own.organisation.pk
    assert row["registration_open"] is True
    assert row["seats_left"] == 20


def test_seats_left_counts_the_registrations_without_a_query_per_event(world):
    own = world["own"]
    event_registration_create(event=own.event, name="A", email="a@x.example", people=3, consent=True)
    client = client_for(chamber_token(own))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    queries()  # the first request fills caches of its own (the client's throttle, Wagtail's sites)
    few = queries()
    index = own.event.get_parent()
    for n in range(5):
        make_event(index, f"mehr-{n}")
    assert queries() == few
    body = client.get(URL).json()
    assert body["count"] == 7
    assert {r["title"]: r["seats_left"] for r in body["results"]}[own.event.title] == 17


def test_registrations_only_for_the_chamber_that_owns_the_event(world):
    own = world["own"]
    event_registration_create(
        event=own.event, name="Herr Meister", email="meister@betrieb.example", people=2, consent=True
    )
    response = client_for(chamber_token(own)).get(_registrations(own.event))
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(r["name"], r["email"], r["people"], r["organisation_id"]) for r in rows] == [
        ("Herr Meister", "meister@betrieb.example", 2, None)
    ]
    # Another chamber of the same municipality, or one elsewhere: as if the event did not exist.
    for other in ("other_org", "other_municipality"):
        refused = client_for(chamber_token(world[other])).get(_registrations(own.event))
        assert refused.status_code == 404
        assert "meister" not in refused.content.decode()


def test_a_registration_read_is_audited_once_a_day_in_the_tokens_makers_name(world):
    own = world["own"]
    registration = event_registration_create(
        event=own.event, name="Herr Meister", email="meister@betrieb.example", people=1, consent=True
    )
    client = client_for(chamber_token(own))

    def entries():
        return AuditEntry.objects.filter(
            record_type="cms.eventregistration",
            record_id=str(registration.pk),
            actor_id=own.editor.pk,
            action=AuditEntry.Action.VIEW,
        )

    assert not entries().exists()
    client.get(_registrations(own.event))
    client.get(_registrations(own.event))
    assert entries().count() == 1
    assert entries().get().municipality_id == own.organisation.municipality_id


def test_an_employer_cannot_read_registrations_and_a_chamber_cannot_register(world, employers):
    own = world["own"]
    employer = _employer_client(employers.own)
    assert employer.get(_registrations(own.event)).status_code == 403
    chamber = client_for(chamber_token(own))
    response = chamber.post(_registrations(own.event), registration_body(), format="json")
    assert response.status_code == 403
    assert not EventRegistration.objects.exists()


def test_a_business_registers_itself_once_and_lands_on_its_record(world, employers):
    own = world["own"]
    client = _employer_client(employers.own)
    response = client.post(_registrations(own.event), registration_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"] == employers.own.organisation.name
    assert body["organisation_id"] == employers.own.organisation.pk
    registration = EventRegistration.objects.get()
    assert registration.registered_by == employers.own.organisation
    assert BusinessEventRegistration.objects.get(registration=registration).organisation == (
        employers.own.organisation
    )
    # The chamber sees it; the seat is taken.
    rows = client_for(chamber_token(own)).get(_registrations(own.event)).json()["results"]
    assert [r["organisation_id"] for r in rows] == [employers.own.organisation.pk]
    # Again, even with another person's address: one registration per event and organisation.
    again = client.post(_registrations(own.event), registration_body(2), format="json")
    assert again.status_code == 400
    assert again.json()["type"] == INVALID
    assert "bereits angemeldet" in again.json()["errors"][0]["detail"]
    assert EventRegistration.objects.count() == 1


def test_registration_follows_the_pages_rules(world, employers):
    own = world["own"]
    client = _employer_client(employers.own)
    no_consent = client.post(
        _registrations(own.event), {**registration_body(), "consent": False}, format="json"
    )
    assert no_consent.status_code == 400
    assert {e["pointer"] for e in no_consent.json()["errors"]} == {"#/consent"}
    markup = client.post(
        _registrations(own.event), {**registration_body(), "name": "<b>x</b>"}, format="json"
    )
    assert markup.status_code == 400
    assert {e["pointer"] for e in markup.json()["errors"]} == {"#/name"}
    own.event.registration_deadline = timezone.now() - timedelta(hours=1)
    own.event.save_revision().publish()
    closed = client.post(_registrations(own.event), registration_body(), format="json")
    assert closed.status_code == 400
    assert "geschlossen" in closed.json()["errors"][0]["detail"]
    assert not EventRegistration.objects.exists()


def test_a_business_registers_only_for_its_municipalitys_events(world, employers):
    client = _employer_client(employers.own)
    foreign = client.post(
        _registrations(world["other_municipality"].event), registration_body(), format="json"
    )
    assert foreign.status_code == 404
    other_chamber = client.post(_registrations(world["other_org"].event), registration_body(), format="json")
    assert other_chamber.status_code == 201
    assert (
        client.post(f"{URL}999999999/registrations/", registration_body(), format="json").status_code == 404
    )
    assert client.post(f"{URL}x/registrations/", registration_body(), format="json").status_code == 404


def test_a_business_no_longer_verified_cannot_register(world, employers):
    from organisations.models import VerificationStatus

    client = _employer_client(employers.own)
    organisation = employers.own.organisation
    organisation.verification_status = VerificationStatus.PENDING
    organisation.save(update_fields=["verification_status"])
    response = client.post(_registrations(world["own"].event), registration_body(), format="json")
    assert response.status_code == 403
    assert not EventRegistration.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_registrations_of_one_business_store_exactly_one(world, employers):
    event = world["own"].event
    barrier = threading.Barrier(2)
    codes: list[int] = []
    raws = [
        token_create(
            organisation=employers.own.organisation,
            actor=employers.own.user,
            name=f"ERP {n}",
            scopes=["events:write"],
        )[1]
        for n in range(2)
    ]

    def register(n: int) -> None:
        try:
            barrier.wait()
            codes.append(
                client_for(raws[n])
                .post(_registrations(event), registration_body(n), format="json")
                .status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201, 400]
    assert (
        EventRegistration.objects.filter(event=event, registered_by=employers.own.organisation).count() == 1
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the constraint is checked on PostgreSQL")
def test_the_database_refuses_a_second_registration_of_one_organisation(world, employers):
    from django.db import IntegrityError

    event = world["own"].event
    org = employers.own.organisation
    EventRegistrationFactory(
        event=event, name="A", email="a@x.example", consent_at=timezone.now(), registered_by=org
    )
    with pytest.raises(IntegrityError):
        # The create itself is what is checked (the database's unique constraint): no factory.
        EventRegistration.objects.create(
            event=event, name="B", email="b@x.example", consent_at=timezone.now(), registered_by=org
        )
