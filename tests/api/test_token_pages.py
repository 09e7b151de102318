"""The API token page: staff create a token (shown once, stored as a hash) and revoke it."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.services import token_hash

pytestmark = pytest.mark.django_db

URL = "/app/api/"


def test_the_page_is_linked_from_the_start_page(
    employer_team, coordinator_team, case_manager_team, job_coach_team, signed_in
):
    # Case managers and job coaches too (api17a): their offices read cases and employments.
    for user in (employer_team.own, coordinator_team.own, case_manager_team.own, job_coach_team.own):
        assert reverse("api_tokens:list") in signed_in(user).get(reverse("accounts:home")).content.decode()


def test_an_employer_creates_a_token_and_sees_it_once(employer_team, signed_in):
    client = signed_in(employer_team.own)
    response = client.post(
        URL,
        {
            "organisation": employer_team.organisation.pk,
            "name": "Bewerbermanagement",
            "scopes": ["placements:read"],
        },
    )
    assert response.status_code == 201
    token = ApiToken.objects.get()
    raw = response.context["created"]["raw"]
    assert raw in response.content.decode()
    assert token.token_hash == token_hash(raw) and token.organisation == employer_team.organisation
    assert token.scopes == ["placements:read"] and token.created_by == employer_team.own
    # Never again: the list shows its beginning only.
    page = client.get(URL).content.decode()
    assert raw not in page and token.prefix in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_scopes_of_another_role_are_refused_with_the_input_kept(employer_team, signed_in):
    client = signed_in(employer_team.own)
    response = client.post(
        URL,
        {"organisation": employer_team.organisation.pk, "name": "Verzeichnis", "scopes": ["directory:read"]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"]
    assert 'value="Verzeichnis"' in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x", "scopes": []},
        {"name": "x" * 101, "scopes": ["placements:read"]},
        {"name": "a\x00b", "scopes": ["placements:read"]},
        {"name": "x", "scopes": ["placements:read"], "organisation": "999999"},
        {"name": "x", "scopes": ["root"]},
    ],
)
def test_bad_input_is_a_form_error(employer_team, signed_in, data):
    data = {"organisation": employer_team.organisation.pk, **data}
    response = signed_in(employer_team.own).post(URL, data)
    assert response.status_code in (200, 400)
    assert not ApiToken.objects.exists()


def test_the_coordinator_makes_directory_tokens_for_the_office(coordinator_team, signed_in):
    client = signed_in(coordinator_team.own)
    page = client.get(URL).content.decode()
    assert "directory:read" in page and "placements:write" not in page
    client.post(
        URL,
        {"organisation": coordinator_team.organisation.pk, "name": "Portal", "scopes": ["directory:read"]},
    )
    assert ApiToken.objects.get().organisation == coordinator_team.organisation


def test_revoke(employer_team, signed_in):
    client = signed_in(employer_team.own)
    client.post(
        URL, {"organisation": employer_team.organisation.pk, "name": "x", "scopes": ["placements:read"]}
    )
    token = ApiToken.objects.get()
    # A colleague of the same business may revoke it too.
    response = signed_in(employer_team.colleague).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == employer_team.colleague
