"""Plain helpers shared by the API tests: the OAuth2 token endpoint, the committed schema."""

from __future__ import annotations

import base64
from pathlib import Path

from django.test import Client
from rest_framework.test import APIClient

SCHEMA = Path(__file__).resolve().parents[2] / "platform" / "api" / "openapi.yaml"
TOKEN_URL = "/api/oauth/token/"
PLACEMENT_SCOPES = ["placements:read", "placements:write"]
# The coordinators' clients read and write the directory (issue 17).
DIRECTORY_SCOPES = ["directory:read", "directory:write"]
REFERRAL_SCOPES = ["referrals:read", "referrals:write"]


def client_for(raw: str | None) -> APIClient:
    client = APIClient()
    if raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def fetch_token(client_id: str, secret: str, scope: str | None = None):
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return Client().post(TOKEN_URL, data, HTTP_AUTHORIZATION=basic_auth(client_id, secret))


def access_token(client_id: str, secret: str, scope: str | None = None) -> str:
    response = fetch_token(client_id, secret, scope)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    return body["access_token"]
