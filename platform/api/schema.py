"""The OpenAPI schema's shared parts: the two security schemes (API token, OAuth2 client
credentials) and the problem-details responses.

drf-spectacular builds the schema from the views; this hook adds to every operation the error
responses the API can give (all ``application/problem+json``), so that a client — and the
schemathesis run in the tests — finds every status it can meet in the schema.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .problems import CONTENT_TYPE, INVALID_INPUT
from .scopes import SCOPES

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "description": "about:blank, or " + INVALID_INPUT},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}
INVALID = {
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "pointer": {"type": "string", "description": "JSON pointer into the body"},
                            "parameter": {"type": "string", "description": "the query parameter"},
                            "detail": {"type": "string"},
                        },
                        "required": ["detail"],
                    },
                }
            },
            "required": ["errors"],
        },
    ]
}

ALWAYS = {
    "401": "Kein, ein unbekanntes oder ein widerrufenes Token.",
    "403": "Dem Token fehlt die nötige Berechtigung (scope).",
    "406": "Die Antwort gibt es nur als JSON.",
    "429": "Zu viele Anfragen dieses Clients; Retry-After sagt, wann wieder.",
}
WITH_BODY = {"400": "Ungültige Eingabe.", "415": "Der Body muss JSON sein."}
WITH_OBJECT = {"404": "Das Objekt gibt es nicht, oder es gehört nicht diesem Client."}
WITH_IF_MATCH = {
    "412": "If-Match passt nicht zum aktuellen ETag.",
    "428": "If-Match fehlt.",
}


def _response(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": {CONTENT_TYPE: {"schema": {"$ref": ref}}}}


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    schemas["InvalidInputProblem"] = INVALID
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra = dict(ALWAYS)
            params = operation.get("parameters", [])
            if "requestBody" in operation or any(p.get("in") == "query" for p in params):
                extra.update(WITH_BODY if "requestBody" in operation else {"400": WITH_BODY["400"]})
            if "{" in path:
                extra.update(WITH_OBJECT)
            if any(p.get("in") == "query" and p.get("name") == "page" for p in params):
                extra.update({"404": "Diese Seite gibt es nicht."})
            if method in ("put", "patch"):
                extra.update(WITH_IF_MATCH)
            for code, description in extra.items():
                ref = "#/components/schemas/" + ("InvalidInputProblem" if code == "400" else "Problem")
                responses.setdefault(code, _response(description, ref))
    return result


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Ein API-Token der Organisation (angelegt unter /app/api/).",
        }


def only_the_api(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """Our /api/v1/ only: Wagtail's admin API is no part of Lotse's schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v")]


class OAuth2Scheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.OAuth2Authentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": (
                "OAuth2 Client Credentials: ein OAuth2-Client der Organisation (angelegt unter "
                "/app/api/) holt sich ein Access-Token; es gilt eine Stunde."
            ),
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/oauth/token/",
                    "scopes": {name: str(scope.label) for name, scope in SCOPES.items()},
                }
            },
        }

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]] | list[dict[str, list[str]]]:
        """The scope this operation needs (the view's required_scopes); a tuple is alternatives."""
        method = auto_schema.method.upper()
        needed = getattr(auto_schema.view, "required_scopes", {}).get(method)
        if isinstance(needed, tuple):
            return [{self.name: [scope]} for scope in needed]
        return {self.name: [needed] if needed else []}
