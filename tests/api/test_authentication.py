"""Token authentication, scopes and problem details for every refusal."""

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_hash, token_revoke
from tests.api.helpers import client_for
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/placements/"


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


def test_no_token_is_401_with_a_challenge(employers):
    response = client_for(None).get(URL)
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer lotse_wrong", "Bearer", "Bearer a b", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500],
)
def test_a_wrong_token_is_401(employers, header):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    _problem(client.get(URL), 401)


def test_a_revoked_token_is_401_at_once(employers):
    assert employers.own.client.get(URL).status_code == 200
    token_revoke(token=employers.own.token, actor=employers.own.user)
    body = _problem(employers.own.client.get(URL), 401)
    assert "widerrufen" in body["detail"]


def test_only_the_hash_is_stored(employers):
    token = ApiToken.objects.get(pk=employers.own.token.pk)
    assert employers.own.raw not in {token.token_hash, token.prefix, token.name}
    assert token.token_hash == token_hash(employers.own.raw)
    assert employers.own.raw.startswith(token.prefix)


def test_use_is_noted(employers):
    assert employers.own.token.last_used_at is None
    employers.own.client.get(URL)
    employers.own.token.refresh_from_db()
    assert employers.own.token.last_used_at is not None


def test_a_token_without_the_scope_is_403(employer_team, cook_taxonomy):
    from tests.factories import make_profile

    make_profile(employer_team.organisation)
    _token, raw = token_create(
        organisation=employer_team.organisation,
        actor=employer_team.own,
        name="Nur lesen",
        scopes=["placements:read"],
    )
    client = client_for(raw)
    assert client.get(URL).status_code == 200
    body = _problem(client.post(URL, {"title": "x"}, format="json"), 403)
    assert body["type"] == "about:blank"


def test_the_directory_scope_does_not_open_placements(coordinators):
    _problem(coordinators.own.client.get(URL), 403)


def test_placement_scopes_do_not_open_the_directory(employers):
    _problem(employers.own.client.get("/api/v1/directory/services/"), 403)


def test_a_token_of_an_employer_that_is_no_longer_verified_sees_nothing(employers):
    org = employers.own.organisation
    org.verification_status = "rejected"
    org.save(update_fields=["verification_status"])
    _problem(employers.own.client.get(URL), 403)


def test_staff_cannot_make_a_token_with_a_role_they_do_not_hold(employer_team, coordinator_team):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(
            organisation=employer_team.organisation,
            actor=employer_team.own,
            name="x",
            scopes=["directory:read"],
        )
    with pytest.raises(PermissionDenied):  # the right role, but another organisation
        token_create(
            organisation=OrganisationFactory(
                municipality=employer_team.organisation.municipality, kind="employer"
            ),
            actor=employer_team.own,
            name="x",
            scopes=["placements:read"],
        )


def test_rate_limit_per_client_is_429_with_retry_after(employers, settings):
    settings.LOTSE_API_RATE = "3/min"
    for _ in range(3):
        assert employers.own.client.get(URL).status_code == 200
    response = employers.own.client.get(URL)
    _problem(response, 429)
    assert int(response["Retry-After"]) > 0
    # All tokens of one organisation share the budget ...
    _token, raw = token_create(
        organisation=employers.own.organisation,
        actor=employers.own.user,
        name="Zweites",
        scopes=["placements:read"],
    )
    assert client_for(raw).get(URL).status_code == 429
    # ... and another organisation has its own.
    assert employers.other.client.get(URL).status_code == 200


def test_other_methods_are_405_problems(employers, placements):
    _problem(employers.own.client.delete(f"{URL}{placements['own'].pk}/"), 405)
    _problem(employers.own.client.options(URL), 405)


def test_json_only(employers):
    response = employers.own.client.post(URL, "title=x", content_type="application/x-www-form-urlencoded")
    _problem(response, 415)
    response = employers.own.client.post(URL, "{not json", content_type="application/json")
    body = _problem(response, 400)
    assert body["type"] == "urn:lotse:api:problem:invalid-input"
    assert "JSON" in body["errors"][0]["detail"] and body["errors"][0]["pointer"] == "#"


def test_revoked_tokens_stay_revoked_on_revoking_again(employers):
    token = employers.own.token
    token_revoke(token=token, actor=employers.own.user)
    first = token.revoked_at
    token_revoke(token=token, actor=employers.own.user)
    token.refresh_from_db()
    assert token.revoked_at == first <= timezone.now()


def test_unknown_and_unstorable_query_parameters_are_400_problems(employers):
    client = employers.own.client
    response = client.get(URL, {"stauts": "open"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameter": "stauts", "detail": "Diesen Parameter gibt es hier nicht."}
    ]
    for query in ({"page_size": "1000"}, {"page_size": "x"}, {"page": "0"}, {"status": ""}):
        assert client.get(URL, query).status_code == 400, query
    response = client.get(URL, {"status": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
