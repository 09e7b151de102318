"""The shared company record (issue 15 §1): every URL × every role × own / other organisation /
other municipality, and the hostile cases — an employer trying every URL on its own and other
businesses' records, an IHK editor on an HWK member's record, a chamber never reaching a candidate.

The record of the business lies in ``municipality``; its chamber is the chamber editor team's own
organisation (the "IHK"); the team's other organisation is the "HWK" of the same municipality.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from employers.models import BusinessContact, BusinessContactLog, BusinessEventRegistration, BusinessRelation
from tests.employers.events import make_registration
from tests.factories import (
    BusinessContactFactory,
    BusinessContactLogFactory,
    BusinessRelationFactory,
    make_profile,
)

STAFF = ["case_manager", "job_coach", "coordinator", "employer_service"]
OTHERS = ["volunteer", "candidate", "employer", "unverified_employer"]
DISTANCES = ["own", "outsider", "elsewhere"]

# url name → (method, {role: (own, outsider, elsewhere)}); roles not named get 403 everywhere.
S200 = (200, 200, 404)
S302 = (302, 302, 404)
MATRIX: dict[str, tuple[str, dict[str, tuple[int, int, int]]]] = {
    "business_list": ("get", {**dict.fromkeys(STAFF, (200, 200, 200)), "chamber_editor": (200, 200, 200)}),
    "business_create": ("get", dict.fromkeys(STAFF, (200, 200, 200))),
    "business_detail": ("get", {**dict.fromkeys(STAFF, S200), "chamber_editor": (200, 404, 404)}),
    "business_log": ("post", {**dict.fromkeys(STAFF, S302), "chamber_editor": (302, 404, 404)}),
    "business_contact_add": ("post", {**dict.fromkeys(STAFF, S302), "chamber_editor": (302, 404, 404)}),
    "business_relation_edit": ("post", {**dict.fromkeys(STAFF, S302), "chamber_editor": (403, 404, 404)}),
    "business_merge": (
        "get",
        {
            "coordinator": S200,
            "employer_service": S200,
            "case_manager": (403, 403, 404),
            "job_coach": (403, 403, 404),
            "chamber_editor": (403, 404, 404),
        },
    ),
    "business_registration_link": ("post", {**dict.fromkeys(STAFF, S302), "chamber_editor": (403, 404, 404)}),
}


@pytest.fixture
def crm_world(team, employer, municipality):
    teams = {
        name: team(name)
        for name in [*STAFF, "volunteer", "candidate", "unverified_employer", "chamber_editor"]
    }
    teams["employer"] = employer
    chamber = teams["chamber_editor"]
    business = employer.organisation
    BusinessRelationFactory(organisation=business, chamber=chamber.organisation)
    contact = BusinessContactFactory(organisation=business, name="Petra Pohl", email="pohl@betrieb.example")
    BusinessContactLogFactory(
        organisation=business, kind="call", happened_on=date(2026, 1, 5), by=teams["coordinator"].own
    )
    # The business elsewhere belongs to the chamber of the other municipality.
    BusinessRelationFactory(organisation=employer.foreign_organisation, chamber=chamber.foreign_organisation)
    registration = make_registration(organisation_name=business.name, email="pohl@betrieb.example")
    return teams, business, contact, registration


def _user(teams, role, distance):
    t = teams[role]
    return {"own": t.own, "outsider": t.outsider, "elsewhere": t.elsewhere}[distance]


def _request(client, url_name, business, registration, contact):
    method = MATRIX[url_name][0]
    args = [business.pk]
    if url_name in ("business_list", "business_create"):
        args = []
    if url_name == "business_registration_link":
        args = [business.pk, registration.pk]
    url = reverse(f"employers:{url_name}", args=args)
    data = {
        "business_log": {"kind": "call", "happened_on": "2026-02-01", "note": "Kurz gesprochen"},
        "business_contact_add": {"name": "Neu", "preferred_channel": "phone"},
        "business_relation_edit": {"partner_level": "active"},
    }.get(url_name, {})
    return url, (client.post(url, data) if method == "post" else client.get(url))


@pytest.mark.parametrize("url_name", list(MATRIX))
@pytest.mark.parametrize("distance", DISTANCES)
@pytest.mark.parametrize("role", [*STAFF, *OTHERS, "chamber_editor"])
def test_access_matrix(crm_world, signed_in, role, distance, url_name):
    teams, business, contact, registration = crm_world
    expected = MATRIX[url_name][1].get(role, (403, 403, 403))[DISTANCES.index(distance)]
    client = signed_in(_user(teams, role, distance))
    url, response = _request(client, url_name, business, registration, contact)
    assert response.status_code == expected, f"{role}/{distance} {url}"


@pytest.mark.parametrize("url_name", list(MATRIX))
def test_anonymous_is_sent_to_the_login(crm_world, url_name):
    teams, business, contact, registration = crm_world
    url, response = _request(Client(), url_name, business, registration, contact)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_business_url_is_in_the_matrix():
    from django.urls import get_resolver

    names = {p.name for p in get_resolver("employers.urls").url_patterns if getattr(p, "name", "")}
    assert {n for n in names if n.startswith("business_")} == set(MATRIX)


@pytest.mark.parametrize("which", ["organisation", "other_organisation", "foreign_organisation"])
def test_an_employer_sees_nothing_of_any_record_and_changes_nothing(crm_world, signed_in, which):
    teams, business, contact, registration = crm_world
    employer = teams["employer"]
    target = getattr(employer, which)
    before = (
        BusinessContactLog.objects.count(),
        BusinessContact.objects.count(),
        BusinessEventRegistration.objects.count(),
    )
    for person in (employer.own, employer.outsider, employer.elsewhere):
        client = signed_in(person)
        for url_name in MATRIX:
            _url, response = _request(client, url_name, target, registration, contact)
            assert response.status_code == 403, (url_name, which)
            assert b"Petra Pohl" not in response.content
    after = (
        BusinessContactLog.objects.count(),
        BusinessContact.objects.count(),
        BusinessEventRegistration.objects.count(),
    )
    assert before == after
    assert BusinessRelation.objects.get(organisation=business).partner_level == "first_contact"


def test_an_ihk_editor_does_not_reach_an_hwk_member(crm_world, signed_in):
    teams, business, contact, registration = crm_world
    chamber = teams["chamber_editor"]
    # Make the business an HWK member (the chamber team's other organisation).
    BusinessRelation.objects.filter(organisation=business).update(chamber=chamber.other_organisation)
    ihk = signed_in(chamber.own)
    assert ihk.get(reverse("employers:business_detail", args=[business.pk])).status_code == 404
    listed = ihk.get(reverse("employers:business_list"))
    assert business.name not in listed.content.decode()
    assert (
        ihk.post(
            reverse("employers:business_log", args=[business.pk]),
            {"kind": "call", "happened_on": "2026-02-01"},
        ).status_code
        == 404
    )
    hwk = signed_in(chamber.outsider)
    page = hwk.get(reverse("employers:business_detail", args=[business.pk]))
    assert page.status_code == 200 and "Petra Pohl" in page.content.decode()


def test_a_chamber_reaches_no_candidate(crm_world, signed_in, cook_taxonomy, municipality):
    """The record names no candidate, and the chamber editor's role opens no candidate page."""
    from tests.factories import SECRET_FIRST, CaseFactory, EmploymentFactory, make_candidate, make_placement

    teams, business, contact, registration = crm_world
    profile = make_profile(business)
    placement = make_placement(profile, cook_taxonomy.cook)
    person = make_candidate(municipality, occupation=cook_taxonomy.cook)
    case_manager = teams["case_manager"]
    CaseFactory(
        candidate=person,
        municipality=municipality,
        responsible_organisation=case_manager.organisation,
        case_manager=case_manager.own,
    )
    EmploymentFactory(candidate=person, employer=profile, placement=placement, start_date=date(2026, 1, 1))
    client = signed_in(teams["chamber_editor"].own)
    page = client.get(reverse("employers:business_detail", args=[business.pk]))
    assert page.status_code == 200
    assert SECRET_FIRST not in page.content.decode() and person.public_ref not in page.content.decode()
    for url in (
        reverse("candidates:case_list"),
        reverse("employers:candidate_jobs", args=[person.pk]),
        reverse("employers:staff_introductions"),
    ):
        assert client.get(url).status_code in (403, 404), url
