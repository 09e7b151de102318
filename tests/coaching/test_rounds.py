"""Issue 23: coordination rounds. The agenda counts the barriers flagged since the round last met
(counts only, small cells suppressed), decisions become actions with an owner and a deadline, and
an overdue action is reminded once through the daily beat task."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from coaching import barrier_selectors, barrier_services, tasks
from coaching.models import CoordinationRound, RoundAction
from notifications.models import Notification
from tests import clock
from tests.clock import TODAY
from tests.factories import BarrierFactory, OrganisationFactory
from tests.fixtures.users import login_with_mfa

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def network(world):
    return barrier_services.round_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        name="Runde mit der Ausländerbehörde",
        kind="immigration_office",
        members=[world.office],
    )


def _barriers(municipality, day, **counts):
    for c, n in counts.items():
        BarrierFactory.create_batch(
            n, municipality=municipality, category=c, flagged_on=day, note="Kurs voll"
        )


def test_the_coordinator_sets_up_a_round_with_partner_organisations(world, client):
    login_with_mfa(client, world.coordinator)
    start = client.get(reverse("coaching:round_list")).content.decode()
    assert reverse("coaching:round_create") in start
    response = client.post(
        reverse("coaching:round_create"),
        {
            "name": "Bündniskerngruppe",
            "kind": "core_group",
            "members": [world.office.pk],
            "next_date": "2027-01-12",
        },
    )
    created = CoordinationRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "coaching:round_detail", args=[created.pk]
    )
    assert list(created.members.all()) == [world.office] and created.next_date == datetime.date(2027, 1, 12)
    assert "Bündniskerngruppe" in client.get(reverse("coaching:round_list")).content.decode()


def test_the_agenda_counts_the_barriers_flagged_since_the_last_meeting(
    world, network, client, other_municipality
):
    held = barrier_services.round_held(
        coordination_round=network, actor=world.coordinator, held_on=TODAY - datetime.timedelta(days=30)
    )
    assert held.pk == network.pk and held.last_held_on == TODAY - datetime.timedelta(days=30)
    _barriers(world.municipality, TODAY - datetime.timedelta(days=40), integration_course_wait=9)  # before
    _barriers(
        world.municipality,
        TODAY - datetime.timedelta(days=10),
        immigration_office_silent=6,
        recognition_slow=5,
    )
    _barriers(other_municipality, TODAY, immigration_office_silent=8)  # not theirs

    agenda = dict(barrier_selectors.round_agenda(coordination_round=network).rows)
    assert agenda["ABH antwortet nicht"] == 6 and agenda["Anerkennung dauert"] == 5
    assert agenda["Wartezeit Integrationskurs"] == 0

    login_with_mfa(client, world.coordinator)
    html = client.get(reverse("coaching:round_detail", args=[network.pk])).content.decode()
    assert "<td>6</td>" in html and "<td>11</td>" in html and "<td>9</td>" not in html
    assert "Kurs voll" not in html  # counts only, no notes on the agenda

    # A date that is none comes back as typed, with its error beside the field; nothing is saved.
    held_before = network.last_held_on
    response = client.post(reverse("coaching:round_held", args=[network.pk]), {"held_on": "31.02.2026"})
    assert response.status_code == 400
    assert 'value="31.02.2026"' in response.content.decode()
    assert 'id="id_held_on_error"' in response.content.decode()
    network.refresh_from_db()
    assert network.last_held_on == held_before != TODAY

    # The round meets today: the next agenda starts empty.
    client.post(reverse("coaching:round_held", args=[network.pk]), {"held_on": TODAY.isoformat()})
    network.refresh_from_db()
    assert network.last_held_on == TODAY
    assert all(not n for _label, n in barrier_selectors.round_agenda(coordination_round=network).rows)


def test_the_rounds_page_and_its_minutes_list_the_members_by_name(world, network):
    # One selector for both: the page and the PDF name the same organisations in the same order.
    welfare = OrganisationFactory(municipality=world.municipality, name="Caritas Dortmund")
    OrganisationFactory(municipality=world.municipality, name="Arbeit und Leben")  # not a member
    network.members.add(welfare)

    members = barrier_selectors.round_members(coordination_round=network)

    assert [o.name for o in members] == sorted([welfare.name, world.office.name])


def test_a_decision_gets_an_owner_from_a_member_organisation_and_a_deadline(world, network, client):
    login_with_mfa(client, world.coordinator)
    url = reverse("coaching:round_action_create", args=[network.pk])
    outsider = world.people["coach_other_org"]  # their organisation is not a member
    refused = client.post(url, {"text": "Termin mit der ABH", "owner": outsider.pk, "deadline": "2027-01-31"})
    assert refused.status_code == 400 and not RoundAction.objects.exists()

    response = client.post(
        url, {"text": "Termin mit der ABH", "owner": world.case_manager.pk, "deadline": "2027-01-31"}
    )

    assert response.status_code == 302
    action = RoundAction.objects.get()
    assert action.owner == world.case_manager and action.deadline == datetime.date(2027, 1, 31)
    notice = Notification.objects.get(kind="coaching.round_action_assigned")
    assert notice.recipient == world.case_manager and notice.url_name == "coaching:round_detail"
    # The owner finds it from their start page's "Koordinationsrunden" and marks it done.
    owner = login_with_mfa(client.__class__(), world.case_manager)
    assert reverse("coaching:round_list") in owner.get("/app/").content.decode()
    page = owner.get(reverse("coaching:round_detail", args=[network.pk])).content.decode()
    assert "Termin mit der ABH" in page
    owner.post(reverse("coaching:round_action_done", args=[action.pk]))
    action.refresh_from_db()
    assert action.done_at is not None


def test_an_overdue_action_is_reminded_once_by_the_daily_task(world, network):
    assert settings.CELERY_BEAT_SCHEDULE["coaching-remind-overdue-round-actions"]["task"] == (
        "coaching.tasks.remind_overdue_round_actions"
    )
    overdue = barrier_services.round_action_create(
        coordination_round=network,
        actor=world.coordinator,
        text="Kita-Plätze klären",
        owner=world.case_manager,
        deadline=TODAY - datetime.timedelta(days=1),
    )
    done = barrier_services.round_action_create(
        coordination_round=network,
        actor=world.coordinator,
        text="Liste der Kurse",
        owner=world.case_manager,
        deadline=TODAY - datetime.timedelta(days=3),
    )
    barrier_services.round_action_done(action=done, actor=world.case_manager)
    barrier_services.round_action_create(
        coordination_round=network, actor=world.coordinator, text="Später", owner=world.coach, deadline=TODAY
    )

    assert tasks.remind_overdue_round_actions() == 1
    assert tasks.remind_overdue_round_actions() == 0  # once

    reminded = Notification.objects.filter(kind="coaching.round_action_overdue")
    assert {n.recipient for n in reminded} == {world.case_manager, world.coordinator}
    assert all(n.target_id == overdue.pk for n in reminded)


def test_just_after_midnight_in_berlin_the_round_page_goes_by_the_berlin_date(
    world, network, client, freeze_now
):
    """Issue 19: 00:30 in Berlin is 23:30 UTC the day before. A run that crossed that hour between
    import and test once failed seven tests; the page itself must show Berlin's date then, not UTC's."""
    freeze_now(clock.berlin(TODAY, 0, 30))
    assert datetime.datetime.now(datetime.UTC).date() == TODAY - datetime.timedelta(days=1)  # UTC: yesterday
    for text, deadline in (("Frist gestern", TODAY - datetime.timedelta(days=1)), ("Frist heute", TODAY)):
        barrier_services.round_action_create(
            coordination_round=network,
            actor=world.coordinator,
            text=text,
            owner=world.case_manager,
            deadline=deadline,
        )
    login_with_mfa(client, world.coordinator)
    page = client.get(reverse("coaching:round_detail", args=[network.pk])).content.decode()

    # Yesterday's deadline (Berlin) has passed; today's has not.
    yesterday = page[page.index("Frist gestern") :].split("</li>", 1)[0]
    today = page[page.index("Frist heute") :].split("</li>", 1)[0]
    assert "überfällig" in yesterday and "überfällig" not in today
    # "The round met today" offers Berlin's date.
    assert f'name="held_on" value="{TODAY.isoformat()}"' in page
    minutes = client.get(reverse("coaching:round_minutes_pdf", args=[network.pk]))
    assert f"-{TODAY.isoformat()}.pdf" in minutes["Content-Disposition"]
