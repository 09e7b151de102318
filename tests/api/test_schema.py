"""The OpenAPI schema: valid without a warning, committed, and served as committed."""

import pytest
import yaml
from django.core.management import call_command

from tests.api.helpers import SCHEMA


@pytest.fixture
def generated(tmp_path, db) -> str:
    out = tmp_path / "openapi.yaml"
    # --validate checks it against the OpenAPI 3.1 meta-schema; --fail-on-warn fails on any warning.
    call_command("spectacular", "--lang", "de", "--validate", "--fail-on-warn", "--file", str(out))
    return out.read_text(encoding="utf-8")


def test_the_committed_schema_is_current(generated):
    assert generated == SCHEMA.read_text(encoding="utf-8"), (
        "platform/api/openapi.yaml is stale: run `make schema` and commit it"
    )


def test_the_schema_is_served(client, db):
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 200
    served = response.json()
    committed = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    assert served["paths"].keys() == committed["paths"].keys()
    assert served["openapi"] == "3.1.0"


def test_every_operation_needs_a_token_and_documents_its_problems():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["token"]["description"],
    }
    oauth2 = schema["components"]["securitySchemes"]["oauth2"]
    assert oauth2["type"] == "oauth2"
    assert oauth2["flows"]["clientCredentials"]["tokenUrl"] == "/api/oauth/token/"
    assert {"placements:read", "placements:write", "directory:read"} <= oauth2["flows"]["clientCredentials"][
        "scopes"
    ].keys()
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in operations.items():
            # Either an API token or an OAuth2 access token carrying the operation's scope.
            assert operation["security"][0] == {"token": []}, (path, method)
            # One scope per OAuth2 requirement; several requirements are alternatives (the events
            # list: events:read or events:write), each a single scope.
            assert len(operation["security"]) >= 2
            assert all(len(alternative["oauth2"]) == 1 for alternative in operation["security"][1:]), (
                path,
                method,
            )
            for code in ("401", "403", "429"):
                assert "application/problem+json" in operation["responses"][code]["content"]
            if method in ("put", "patch"):
                assert {"412", "428"} <= operation["responses"].keys()
