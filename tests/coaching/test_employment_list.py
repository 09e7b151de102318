"""The coordinator's and the team lead's list of running employments: who follows each one, and
the way to change it ("Jobcoach ändern"), reached by clicking from /app/ (issue 12)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from tests.factories import CaseFactory, make_employment
from tests.fixtures.users import new_member

pytestmark = pytest.mark.django_db

LIST = reverse("coaching:employment_list")


def _hires(world, n: int) -> list:
    made = []
    for i in range(n):
        case = CaseFactory(
            responsible_organisation=world.office,
            candidate__municipality=world.municipality,
            case_manager=world.case_manager,
        )
        made.append(
            make_employment(
                case,
                world.employer_org,
                start=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
                job_coach=world.coach,
            )
        )
    return made


def test_the_coordinator_reaches_the_list_from_the_start_page_and_changes_a_coach(world, signed_in):
    client = signed_in(world.coordinator)
    assert LIST in client.get(reverse("accounts:home")).content.decode()
    page = client.get(LIST).content.decode()
    change = reverse("coaching:employment_coach", args=[world.employment.pk])
    assert change in page
    assert "Bäckerei Korn" in page and "Jonas Coach" in page
    # Not responsible for the case: the person by their reference, not by name.
    assert world.candidate.public_ref in page and world.candidate.last_name not in page
    partner_coach = world.people["coach_other_org"]
    assert client.post(change, {"coach": partner_coach.pk}).status_code == 302
    assert str(partner_coach) in client.get(LIST).content.decode()


def test_ended_employments_and_other_municipalities_are_not_listed(world, signed_in):
    world.employment.end_reason = "other"
    world.employment.end_date = world.employment.start_date
    world.employment.save()
    assert "Keine laufenden Beschäftigungen." in signed_in(world.coordinator).get(LIST).content.decode()
    elsewhere = signed_in(world.people["coordinator_elsewhere"]).get(LIST).content.decode()
    assert reverse("coaching:employment_coach", args=[world.employment.pk]) not in elsewhere


def test_a_team_lead_finds_the_list_and_reads_names_a_plain_case_manager_has_no_link(world, signed_in):
    lead = new_member(Role.CASE_MANAGER, organisation=world.office, lead=True)
    client = signed_in(lead)
    assert LIST in client.get(reverse("accounts:home")).content.decode()
    page = client.get(LIST).content.decode()
    assert world.candidate.full_name in page
    assert reverse("coaching:employment_coach", args=[world.employment.pk]) in page
    assert LIST not in signed_in(world.case_manager).get(reverse("accounts:home")).content.decode()


def test_the_list_has_pages_of_25_and_a_constant_number_of_queries(world, signed_in):
    client = signed_in(world.coordinator)
    client.get(LIST)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _hires(world, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(many) == len(few), [q["sql"] for q in many]
    page = response.content.decode()
    assert page.count(">Jobcoach ändern<") == 25
    assert "?seite=2" in page
    second = client.get(LIST, {"seite": 2}).content.decode()
    assert second.count(">Jobcoach ändern<") == 6
