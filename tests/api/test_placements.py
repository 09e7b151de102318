"""The employer's placements in the API: own / other business / other municipality for every
operation, ETag and If-Match, invalid input as problem details."""

from datetime import timedelta

import pytest

from employers.models import Placement, PlacementSkill, PlacementStatus
from tests.clock import TODAY
from tests.factories import make_placement, make_profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

URL = "/api/v1/placements/"
INVALID = "urn:lotse:api:problem:invalid-input"


def _detail(placement):
    return f"{URL}{placement.pk}/"


def _body(cook_taxonomy, **overrides):
    body = {
        "title": "Beikoch (m/w/d)",
        "kind": "job",
        "occupation": cook_taxonomy.cook.uri,
        "postcode": "44135",
        "city": "Dortmund",
        "hours_per_week": 30,
        "openings": 2,
        "status": "open",
    }
    body.update(overrides)
    return body


def _errors(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == INVALID and body["status"] == 400
    return {e.get("pointer") or e.get("parameter"): e["detail"] for e in body["errors"]}


# --- list -----------------------------------------------------------------------------------


def test_list_shows_only_the_own_placements(employers, placements):
    body = employers.own.client.get(URL).json()
    assert [row["id"] for row in body["results"]] == [placements["own"].pk]
    assert body["count"] == 1
    assert body["results"][0]["occupation"] == placements["own"].occupation.uri


def test_list_filters_by_status_and_pages(employers, placements, cook_taxonomy):
    profile = make_profile(employers.own.organisation)
    drafts = [make_placement(profile, cook_taxonomy.cook, status=PlacementStatus.DRAFT) for _ in range(3)]
    client = employers.own.client
    body = client.get(URL, {"status": "draft", "page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert {row["id"] for row in body["results"]} <= {d.pk for d in drafts}
    assert client.get(URL, {"status": "open"}).json()["count"] == 1


def test_a_bad_filter_is_a_400_naming_the_parameter(employers, placements):
    errors = _errors(employers.own.client.get(URL, {"status": "verschwunden"}))
    assert list(errors) == ["status"]


def test_a_page_that_does_not_exist_is_a_404_problem(employers, placements):
    response = employers.own.client.get(URL, {"page": 99})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_list_is_flat_in_the_number_of_rows(employers, cook_taxonomy, django_assert_max_num_queries):
    profile = make_profile(employers.own.organisation)
    for _ in range(20):
        make_placement(profile, cook_taxonomy.cook)
    client = employers.own.client
    client.get(URL)  # warm: the token's last use is written at most once a minute
    with django_assert_max_num_queries(8):
        assert len(client.get(URL).json()["results"]) == 20


# --- retrieve -------------------------------------------------------------------------------


@pytest.mark.parametrize("target, status", [("own", 200), ("other", 404), ("foreign", 404)])
def test_retrieve(employers, placements, target, status):
    response = employers.own.client.get(_detail(placements[target]))
    assert response.status_code == status
    if status == 200:
        assert response.json()["title"] == placements[target].title
        assert response["ETag"].startswith('"')
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert placements[target].title not in response.content.decode()


@pytest.mark.parametrize("pk", ["0", "-1", "abc", str(2**63), "9" * 40])
def test_retrieve_of_nonsense_ids_is_404(employers, pk):
    response = employers.own.client.get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


# --- create ---------------------------------------------------------------------------------


def test_create_makes_a_placement_of_the_own_business(employers, cook_taxonomy):
    response = employers.own.client.post(URL, _body(cook_taxonomy), format="json")
    assert response.status_code == 201, response.content
    placement = Placement.objects.get(pk=response.json()["id"])
    assert placement.employer.organisation == employers.own.organisation
    assert placement.municipality == employers.own.organisation.municipality
    assert placement.created_by == employers.own.user  # who answers for the token
    assert response["ETag"]
    # As in the form: the occupation's essential skills are taken over.
    assert {ps.skill.uri for ps in PlacementSkill.objects.filter(placement=placement)} == {
        "http://esco.test/skill/knife",
        "http://esco.test/skill/hygiene",
    }


def test_create_refuses_what_the_form_refuses(employers, cook_taxonomy):
    client = employers.own.client
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    errors = _errors(
        client.post(
            URL,
            _body(
                cook_taxonomy,
                occupation="http://esco.test/occupation/unknown",
                postcode="00000",
                openings=0,
                start_date=yesterday,
                offers_language_support=True,
                status="filled",
            ),
            format="json",
        )
    )
    assert set(errors) == {
        "#/occupation",
        "#/postcode",
        "#/openings",
        "#/start_date",
        "#/language_support_details",
        "#/status",
    }
    assert Placement.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        "text",
        {"title": None},
        {"title": "a\x00b"},
        {"title": "x" * 5000},
        {"hours_per_week": "viele"},
        {"hours_per_week": 10**20},
        {"start_date": "0001-01-01"},
        {"start_date": "31.12.2026"},
        {"occupation": {"uri": "x"}},
    ],
)
def test_nonsense_is_a_400_problem_never_a_500(employers, cook_taxonomy, body):
    if isinstance(body, dict) and body:
        body = _body(cook_taxonomy, **body)
    response = employers.own.client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert Placement.objects.count() == 0


@pytest.mark.parametrize("raw", ['{"title": "x\\ud800"}', '{"title": "a\\u0000b"}', '{"title": ' * 5000])
def test_unstorable_json_is_a_400_problem(employers, cook_taxonomy, raw):
    response = employers.own.client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"


# --- update ---------------------------------------------------------------------------------


def test_update_needs_if_match(employers, placements):
    client = employers.own.client
    url = _detail(placements["own"])
    response = client.patch(url, {"title": "Neu"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    response = client.patch(url, {"title": "Neu"}, format="json", HTTP_IF_MATCH='"veraltet"')
    assert response.status_code == 412
    placements["own"].refresh_from_db()
    assert placements["own"].title == "Koch (m/w/d)"


def test_update_with_the_current_etag(employers, placements):
    client = employers.own.client
    url = _detail(placements["own"])
    tag = client.get(url)["ETag"]
    response = client.patch(url, {"title": "Chefkoch (m/w/d)"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Chefkoch (m/w/d)"
    assert response["ETag"] != tag
    # The old tag is stale now: a second writer holding it loses.
    response = client.patch(url, {"title": "Koch"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412
    placements["own"].refresh_from_db()
    assert placements["own"].title == "Chefkoch (m/w/d)"


def test_put_replaces_and_validates(employers, placements, cook_taxonomy):
    client = employers.own.client
    url = _detail(placements["own"])
    tag = client.get(url)["ETag"]
    errors = _errors(client.put(url, {"title": "Nur ein Titel"}, format="json", HTTP_IF_MATCH=tag))
    assert "#/occupation" in errors and "#/postcode" in errors
    response = client.put(
        url, _body(cook_taxonomy, occupation=cook_taxonomy.welder.uri), format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200, response.content
    placements["own"].refresh_from_db()
    assert placements["own"].occupation == cook_taxonomy.welder
    assert placements["own"].openings == 2


def test_closing_through_the_api_closes_like_the_page(employers, placements):
    client = employers.own.client
    url = _detail(placements["own"])
    response = client.patch(url, {"status": "closed"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200
    placements["own"].refresh_from_db()
    assert placements["own"].status == PlacementStatus.CLOSED


@pytest.mark.parametrize("target", ["other", "foreign"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_someone_elses_placement_cannot_be_changed(employers, placements, cook_taxonomy, target, method):
    placement = placements[target]
    tag = getattr(employers, target).client.get(_detail(placement))["ETag"]  # even with the right tag
    response = getattr(employers.own.client, method)(
        _detail(placement), _body(cook_taxonomy, title="Übernommen"), format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.title == "Koch (m/w/d)"


def test_a_read_only_token_cannot_change(employers, placements):
    from api.services import token_create
    from tests.api.helpers import client_for

    _token, raw = token_create(
        organisation=employers.own.organisation,
        actor=employers.own.user,
        name="Lesen",
        scopes=["placements:read"],
    )
    client = client_for(raw)
    url = _detail(placements["own"])
    response = client.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 403
