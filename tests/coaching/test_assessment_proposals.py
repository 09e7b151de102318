"""Issue 14 §1: each open need of the assessment proposes the directory's services the person may
use (the one eligibility rule of coaching.selectors) and a draft goal the case manager accepts or
edits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import Goal, LifeDomain
from coaching import selectors
from coaching.models import Referral, Service
from tests.factories import ServiceFactory, ServiceOrganisationFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


def assess(world, **needs):
    return candidate_services.assessment_create(
        case=world.case,
        actor=world.case_manager,
        entries=[{"domain": d, "need": needs.get(d, "none")} for d in LifeDomain.values],
    )


@pytest.fixture
def open_course(world) -> Service:
    provider = ServiceOrganisationFactory(municipality=world.municipality, name="Kursträger")
    return ServiceFactory(
        organisation=provider,
        municipality=world.municipality,
        name="Integrationskurs",
        category="language_course",
    )


def test_open_needs_propose_eligible_services_and_a_draft_goal(world, language_school, open_course):
    world.candidate.residence_status = "aufenthaltsgestattung"  # the Berufssprachkurs is not open to her
    world.candidate.save()
    assess(world, german="urgent", mobility="some")
    proposals = {
        p.entry.domain: p for p in selectors.assessment_proposals(user=world.case_manager, case=world.case)
    }
    assert list(proposals) == ["german", "mobility"]  # urgent first
    assert list(proposals["german"].services) == [open_course]
    assert proposals["german"].draft_goal
    assert proposals["mobility"].services == ()  # no local service: "Bedarf ohne Angebot"


def test_accepting_a_service_refers_and_an_ineligible_one_is_refused(
    world, client, language_school, open_course
):
    world.candidate.residence_status = "aufenthaltsgestattung"
    world.candidate.save()
    assess(world, german="some")
    login_with_mfa(client, world.case_manager)
    url = reverse("coaching:assessment_proposals", args=[world.case.pk])
    client.post(url, {"action": "refer", "service": language_school.pk})
    assert not Referral.objects.exists()
    client.post(url, {"action": "refer", "service": "not-a-number"})
    assert not Referral.objects.exists()
    response = client.post(url, {"action": "refer", "service": open_course.pk})
    assert response.status_code == 302
    assert Referral.objects.get().service == open_course
    assert "verwiesen" in client.get(url).content.decode()


def test_the_draft_goal_is_accepted_or_edited_once(world, client):
    assess(world, housing="urgent")
    login_with_mfa(client, world.case_manager)
    url = reverse("coaching:assessment_proposals", args=[world.case.pk])
    data = {
        "action": "goal",
        "title": "Wohnung in Dortmund finden",
        "submission_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    }
    client.post(url, data)
    client.post(url, data)  # double submit
    assert list(Goal.objects.values_list("title", flat=True)) == ["Wohnung in Dortmund finden"]
    client.post(url, {"action": "goal", "title": ""})
    client.post(url, {"action": "goal", "title": "x" * 500})
    assert Goal.objects.count() == 1


def test_the_referral_service_uses_the_same_eligibility_rule(world, language_school):
    world.candidate.residence_status = "aufenthaltsgestattung"
    world.candidate.save()
    assert not selectors.service_eligible(service=language_school, case=world.case)
    from django.core.exceptions import ValidationError

    from coaching import services

    with pytest.raises(ValidationError):
        services.referral_create(case=world.case, service=language_school, actor=world.case_manager)
