"""Issue 17: the filters of the anonymised cards in the API (employers/filters.py CandidateApiFilter)
— the browse page's own filters, so the same filter finds the same people on page and API; the
filters an employer's system needs besides; bad values as problems naming the parameter; and a
query count that does not grow with the people shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.services import token_create
from candidates.models import WorkPermission
from tests.api.helpers import client_for
from tests.clock import TODAY
from tests.factories import make_candidate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

URL = "/api/v1/candidates/"
INVALID = "urn:lotse:api:problem:invalid-input"


@pytest.fixture
def client(employers):
    side = employers.own
    _token, raw = token_create(
        organisation=side.organisation, actor=side.user, name="ERP", scopes=["candidates:read"]
    )
    return client_for(raw)


@pytest.fixture
def people(municipality, cook_taxonomy):
    skills = cook_taxonomy.skills
    cook_taxonomy.cook.esco_code = "5120.1"
    cook_taxonomy.cook.save(update_fields=["esco_code"])
    return {
        "cook": make_candidate(
            municipality, occupation=cook_taxonomy.cook, years=6, skills=skills[:2], german="B2"
        ),
        "junior": make_candidate(
            municipality,
            occupation=cook_taxonomy.cook,
            years=0,
            skills=skills[:1],
            german="A2",
            work_permission=WorkPermission.NEEDS_APPROVAL,
        ),
        "welder": make_candidate(
            municipality,
            occupation=cook_taxonomy.welder,
            german="C1",
            postcode="80331",
            city="München",
            available_from=TODAY + timedelta(days=200),
            work_permission=WorkPermission.UNKNOWN,
        ),
        "unlisted": make_candidate(municipality, occupation=cook_taxonomy.cook, listed=False),
    }


def _names(people, response) -> set[str]:
    assert response.status_code == 200, response.content
    by_ref = {person.public_ref: name for name, person in people.items()}
    return {by_ref[card["ref"]] for card in response.json()["results"]}


def _errors(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == INVALID
    return {e["parameter"]: e["detail"] for e in response.json()["errors"]}


def test_each_filter_finds_the_people_an_employer_asks_for(client, people, cook_taxonomy):
    cook, skills = cook_taxonomy.cook, cook_taxonomy.skills
    cases = [
        ({}, {"cook", "junior", "welder"}),
        ({"occupation": cook.uri}, {"cook", "junior"}),
        ({"occupation": "5120.1"}, {"cook", "junior"}),  # the ESCO code names the same occupation
        ({"occupation": cook_taxonomy.welder.uri}, {"welder"}),
        ({"skill": skills[1].uri}, {"cook"}),
        ({"german": "B1"}, {"cook", "welder"}),
        ({"german": "C1"}, {"welder"}),
        ({"postcode_area": "441"}, {"cook", "junior"}),
        ({"postcode_area": "8"}, {"welder"}),
        ({"postcode": "44135", "radius": 50}, {"cook", "junior"}),
        ({"available_by": (TODAY + timedelta(days=30)).isoformat()}, {"cook", "junior"}),
        ({"permit": "may_work"}, {"cook"}),
        ({"permit": "needs_approval"}, {"junior"}),
        ({"permit": "unknown"}, {"welder"}),
        ({"occupation": cook.uri, "german": "B1", "permit": "may_work"}, {"cook"}),
    ]
    for params, expected in cases:
        assert _names(people, client.get(URL, params)) == expected, params


@pytest.mark.parametrize(
    "params",
    [
        {"occupation": "http://esco.test/occupation/cook"},
        {"german": "B1"},
        {"postcode": "44135", "radius": "30"},
        {"available_by": (TODAY + timedelta(days=30)).isoformat()},
        {"occupation": "http://esco.test/occupation/cook", "german": "A2"},
    ],
)
def test_page_and_api_find_the_same_people_for_the_same_filter(
    params, client, people, employers, signed_in, cook_taxonomy
):
    page = signed_in(employers.own.user).get(reverse("employers:browse"), {**params, "size": 50})
    assert page.status_code == 200
    on_page = {card.ref for card in page.context["cards"]}
    in_api = {card["ref"] for card in client.get(URL, {**params, "page_size": 100}).json()["results"]}
    assert on_page == in_api
    assert in_api  # each case finds someone: agreement on nobody would prove nothing
    assert people["unlisted"].public_ref not in in_api


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"german": "D1"}, "german"),
        ({"permit": "maybe"}, "permit"),
        ({"available_by": "morgen"}, "available_by"),
        ({"postcode": "00000", "radius": "10"}, "postcode"),
        ({"radius": "10"}, "postcode"),
        ({"radius": "0", "postcode": "44135"}, "radius"),
        ({"postcode_area": "44a"}, "postcode_area"),
        ({"postcode_area": "441355"}, "postcode_area"),
        ({"occupation": "Koch"}, "occupation"),
        ({"skill": "knife"}, "skill"),
        ({"sort": "hours"}, "sort"),  # the page's presentation is no filter of the API
        ({"german": ""}, "german"),
    ],
)
def test_a_bad_value_is_a_problem_naming_the_parameter(params, named, client, people):
    assert named in _errors(client.get(URL, params))


def test_queries_do_not_grow_with_the_people_shown(
    client, municipality, cook_taxonomy, django_assert_max_num_queries
):
    def listed(n: int) -> None:
        for _ in range(n):
            make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])

    params = {
        "occupation": cook_taxonomy.cook.uri,
        "german": "A2",
        "skill": cook_taxonomy.skills[0].uri,
        "permit": "may_work",
        "page_size": 100,
    }
    # Before anyone is listed: the first request fills caches of its own (throttle, labels).
    assert client.get(URL, params).json()["results"] == []
    # Each measured request shows people it has not shown before (one audit insert each time).
    listed(5)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(URL, params).json()["results"]) == 5
    listed(25)
    with django_assert_max_num_queries(len(five)):
        assert len(client.get(URL, params).json()["results"]) == 30
