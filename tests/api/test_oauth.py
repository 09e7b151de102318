"""OAuth2 client credentials (issue 17): a coordinator or employer makes a client on /app/api/,
its system swaps client id and secret for an access token at /api/oauth/token/, and with that
token acts as its organisation with the client's scopes — through the same ApiClient, scopes and
selectors as an API token. Revoking the client stops it on the next request."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken, Application

from api.models import OAuthClient
from api.services import oauth_client_create, oauth_client_revoke
from tests.api.helpers import PLACEMENT_SCOPES, TOKEN_URL, access_token, basic_auth, client_for, fetch_token
from tests.factories import make_service

pytestmark = pytest.mark.django_db

PLACEMENTS = "/api/v1/placements/"
SERVICES = "/api/v1/directory/services/"


def _client(side, scopes=PLACEMENT_SCOPES):
    return oauth_client_create(organisation=side.organisation, actor=side.user, name="ERP", scopes=scopes)


def test_the_full_flow_from_the_page_to_the_api(employers, placements, signed_in):
    """An employer makes a client on /app/api/ (secret shown once), the system gets a token with
    HTTP Basic client authentication and reads its placements."""
    page = signed_in(employers.own.user)
    response = page.post(
        reverse("api_tokens:client_create"),
        {
            "client-organisation": employers.own.organisation.pk,
            "client-name": "Bewerbermanagement",
            "client-scopes": ["placements:read"],
        },
    )
    assert response.status_code == 201
    created = response.context["created_client"]
    client_id, secret = created["client"].client_id, created["secret"]
    assert secret in response.content.decode()
    # Shown once: the list names the client, never the secret; only a hash is stored.
    listing = page.get(reverse("api_tokens:list")).content.decode()
    assert client_id in listing and secret not in listing
    # The clients section stands once, in the page's body (it once stood in <title> as well).
    assert listing.count('id="oauth"') == 1
    assert "<h2" not in listing.split("<title>", 1)[1].split("</title>", 1)[0]
    assert Application.objects.get(client_id=client_id).client_secret != secret

    token_response = fetch_token(client_id, secret)
    assert token_response.status_code == 200
    body = token_response.json()
    assert body["scope"] == "placements:read"
    bearer = body["access_token"]
    # Stored as a hash only (RFC 9700), not as the token itself.
    assert not AccessToken.objects.filter(token=bearer).exists()

    listed = client_for(bearer).get(PLACEMENTS)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["results"]] == [placements["own"].pk]
    client = OAuthClient.objects.get(client_id=client_id)
    assert client.last_used_at is not None and client.created_by == employers.own.user


def test_secret_in_the_body_works_too(employers):
    client, secret = _client(employers.own)
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": client.client_id, "client_secret": secret},
    )
    assert response.status_code == 200 and response.json()["access_token"]


@pytest.mark.parametrize("wrong", ["secret", "client_id"])
def test_a_wrong_secret_or_client_gets_no_token(employers, wrong):
    client, secret = _client(employers.own)
    client_id = client.client_id
    if wrong == "secret":
        secret = secret[:-1] + ("a" if secret[-1] != "a" else "b")
    else:
        client_id = "unknown" + client_id
    response = fetch_token(client_id, secret)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_only_the_client_credentials_grant(employers):
    client, secret = _client(employers.own)
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "password", "username": "x", "password": "y"},
        HTTP_AUTHORIZATION=basic_auth(client.client_id, secret),
    )
    assert response.status_code in (400, 401)
    assert not AccessToken.objects.exists()


def test_a_client_cannot_ask_for_more_than_it_was_given(employers):
    client, secret = _client(employers.own, scopes=["placements:read"])
    for scope in ("placements:write", "directory:read", "placements:read placements:write"):
        response = fetch_token(client.client_id, secret, scope)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.exists()


def test_scopes_limit_what_the_token_may_do(employers, placements, cook_taxonomy):
    """A token asked for with placements:read only cannot write, though its client could."""
    client, secret = _client(employers.own)
    read_only = access_token(client.client_id, secret, "placements:read")
    api = client_for(read_only)
    assert api.get(PLACEMENTS).status_code == 200
    response = api.post(PLACEMENTS, {"title": "Koch/Köchin"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    # Nor does a placements client reach the coordinators' directory.
    assert api.get(SERVICES).status_code == 403


def test_a_write_through_oauth_is_done_as_the_clients_creator(employers, placements):
    client, secret = _client(employers.own)
    api = client_for(access_token(client.client_id, secret))
    url = f"{PLACEMENTS}{placements['own'].pk}/"
    tag = api.get(url)["ETag"]
    response = api.patch(url, {"title": "Jungkoch*in"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    placements["own"].refresh_from_db()
    assert placements["own"].title == "Jungkoch*in"


@pytest.mark.parametrize("target", ["other", "foreign"])
def test_other_organisations_objects_are_not_reachable(employers, placements, target):
    client, secret = _client(employers.own)
    api = client_for(access_token(client.client_id, secret))
    url = f"{PLACEMENTS}{placements[target].pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 404
    listed = api.get(PLACEMENTS).json()["results"]
    assert placements[target].pk not in [p["id"] for p in listed]


def test_a_coordinators_client_reads_its_own_municipalitys_directory(coordinators):
    own = make_service(coordinators.own.organisation.municipality, "Sprachcafé")
    make_service(coordinators.foreign.organisation.municipality, "Anderswo")
    client, secret = _client(coordinators.own, scopes=["directory:read"])
    api = client_for(access_token(client.client_id, secret))
    names = [s["name"] for s in api.get(SERVICES).json()["results"]]
    assert names == [own.name]
    assert api.get(PLACEMENTS).status_code == 403


def test_revoking_stops_the_client_on_the_next_request(employers, placements):
    client, secret = _client(employers.own)
    bearer = access_token(client.client_id, secret)
    api = client_for(bearer)
    assert api.get(PLACEMENTS).status_code == 200
    oauth_client_revoke(client=client, actor=employers.own.user)
    response = api.get(PLACEMENTS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    # And it gets no new token.
    assert fetch_token(client.client_id, secret).status_code == 401
    client.refresh_from_db()
    assert client.revoked_at is not None and client.revoked_by == employers.own.user


def test_revoking_on_the_page(employers, signed_in):
    client, secret = _client(employers.own)
    bearer = access_token(client.client_id, secret)
    page = signed_in(employers.own.user)
    response = page.post(reverse("api_tokens:client_revoke", args=[client.pk]))
    assert response.status_code == 302
    assert client_for(bearer).get(PLACEMENTS).status_code == 401


def test_an_expired_token_is_refused(employers):
    client, secret = _client(employers.own)
    bearer = access_token(client.client_id, secret)
    AccessToken.objects.update(expires="2000-01-01T00:00:00Z")
    assert client_for(bearer).get(PLACEMENTS).status_code == 401


def test_an_employer_that_is_no_longer_verified_sees_nothing(employers, placements):
    """Acting as the organisation means its standing now counts, as for API tokens."""
    client, secret = _client(employers.own)
    api = client_for(access_token(client.client_id, secret))
    org = employers.own.organisation
    org.verification_status = "rejected"
    org.save(update_fields=["verification_status"])
    assert api.get(PLACEMENTS).status_code == 403


def test_a_client_can_only_get_scopes_its_maker_holds(employer_team, coordinator_team):
    with pytest.raises(PermissionDenied):
        oauth_client_create(
            organisation=employer_team.organisation,
            actor=employer_team.own,
            name="x",
            scopes=["directory:read"],
        )
    assert not OAuthClient.objects.exists() and not Application.objects.exists()


def test_the_token_endpoint_is_rate_limited(employers, settings):
    settings.LOTSE_API_ANONYMOUS_RATE = "2/min"
    client, secret = _client(employers.own)
    assert fetch_token(client.client_id, secret).status_code == 200
    assert fetch_token(client.client_id, "wrong").status_code == 401
    response = fetch_token(client.client_id, secret)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
