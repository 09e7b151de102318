"""A credential never gives more than the person who made it still holds: every read through it is
audited in that person's name, so without them (account deleted or deactivated) it is refused,
and a scope whose role they lost in the organisation (they left the team) stops working."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from api.services import oauth_client_create
from organisations.models import Membership
from tests.api.helpers import PLACEMENT_SCOPES, client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/placements/"


def test_a_token_whose_maker_was_deleted_is_refused(employers, placements):
    assert employers.own.client.get(URL).status_code == 200
    employers.own.user.delete()
    response = employers.own.client.get(URL)
    assert response.status_code == 401
    assert "kein aktives Konto" in response.json()["detail"]


def test_a_token_whose_maker_was_deactivated_is_refused(employers, placements):
    employers.own.user.is_active = False
    employers.own.user.save(update_fields=["is_active"])
    assert employers.own.client.get(URL).status_code == 401
    # Everyone else's tokens go on working.
    assert employers.other.client.get(URL).status_code == 200


def test_a_token_stops_reading_when_its_maker_leaves_the_organisation(employers, placements):
    Membership.objects.filter(user=employers.own.user, organisation=employers.own.organisation).update(
        is_active=False
    )
    response = employers.own.client.get(URL)
    assert response.status_code == 403
    assert employers.own.client.get(URL + f"{placements['own'].pk}/").status_code in {403, 404}


def _oauth_bearer(side) -> str:
    client, secret = oauth_client_create(
        organisation=side.organisation, actor=side.user, name="ERP", scopes=PLACEMENT_SCOPES
    )
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    response = Client().post(
        "/api/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_an_oauth_client_whose_maker_was_deactivated_is_refused(employers, placements):
    bearer = _oauth_bearer(employers.own)
    assert client_for(bearer).get(URL).status_code == 200
    employers.own.user.is_active = False
    employers.own.user.save(update_fields=["is_active"])
    assert client_for(bearer).get(URL).status_code == 401
