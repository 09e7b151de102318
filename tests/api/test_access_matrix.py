"""Every role × the API token pages × own / other organisation / other municipality; and every API
operation × client × own / other organisation / other municipality (below).

Expected: 200 ok, 302 done, 403 forbidden, 404 someone else's token (as if it did not exist),
"login" = anonymous is sent to the login page. Everyone signed in has passed TOTP.
"""

import pytest
from django.urls import reverse

from api.models import ApiToken, OAuthClient
from api.services import oauth_client_create, oauth_client_revoke, token_create, token_revoke
from employers.models import Introduction
from organisations.models import OrganisationKind
from tests.api.casework import casework_fixture  # noqa: F401 (fixture; api17a)
from tests.api.helpers import SCHEMA, access_token, client_for
from tests.factories import (
    ApiTokenFactory,
    IntroductionFactory,
    OAuthClientFactory,
    OrganisationFactory,
    ServiceOrganisationFactory,
    make_candidate,
    make_service,
)

pytestmark = pytest.mark.django_db

# fmt: off
ROLES = [
    "anonymous", "candidate", "case_manager", "job_coach", "volunteer", "employer",
    "unverified_employer", "chamber_editor", "coordinator", "employer_service", "immigration_office",
]
TARGETS = ["own", "other_org", "other_municipality"]
# role:                 list     create   revoke: own      other_org  other_municipality
EXPECTED = {
    "anonymous":          ("login", "login", ("login", "login", "login")),
    "candidate":          (403, 403, (403, 403, 403)),
    "case_manager":       (200, 201, (302, 404, 404)),  # api17a: cases:read
    "job_coach":          (200, 201, (302, 404, 404)),  # api17a: employments:read
    "volunteer":          (403, 403, (403, 403, 403)),
    "employer":           (200, 201, (302, 404, 404)),
    "unverified_employer": (403, 403, (403, 403, 403)),
    "chamber_editor":     (200, 201, (302, 404, 404)),  # events:read (the chamber's registrations)
    "coordinator":        (200, 201, (302, 404, 404)),
    "employer_service":   (403, 403, (403, 403, 403)),
    "immigration_office": (403, 403, (403, 403, 403)),
}
# fmt: on
SCOPE = {
    "employer": "placements:read",
    "coordinator": "directory:read",
    "chamber_editor": "events:read",
    "case_manager": "cases:read",  # api17a
    "job_coach": "employments:read",  # api17a
}


@pytest.fixture
def world(request, make_member, municipality, other_municipality, signed_in, client):
    role = request.param
    if role == "anonymous":
        user, own = None, OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER)
    elif role == "candidate":
        user, own = make_member("candidate"), OrganisationFactory(municipality=municipality)
    else:
        real = "employer" if role == "unverified_employer" else role
        user = make_member(real, verified=role != "unverified_employer")
        own = user.memberships.get().organisation
    kind = own.kind

    def token(org):
        return ApiTokenFactory(
            organisation=org,
            name="t",
            prefix="lotse_x",
            token_hash=f"{org.pk:064d}",
            scopes=["placements:read"],
        )

    return {
        "role": role,
        "user": user,
        "client": signed_in(user) if user else client,
        "own": own,
        "tokens": {
            "own": token(own),
            "other_org": token(OrganisationFactory(municipality=municipality, kind=kind)),
            "other_municipality": token(OrganisationFactory(municipality=other_municipality, kind=kind)),
        },
    }


def _check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_list(world):
    _check(world["client"].get(reverse("api_tokens:list")), EXPECTED[world["role"]][0])


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_create(world):
    role = world["role"]
    before = ApiToken.objects.count()
    data = {"organisation": world["own"].pk, "name": "Neu", "scopes": [SCOPE.get(role, "placements:read")]}
    expected = EXPECTED[role][1]
    _check(world["client"].post(reverse("api_tokens:list"), data), expected)
    assert ApiToken.objects.count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_revoke(world, target):
    token = world["tokens"][target]
    expected = EXPECTED[world["role"]][2][TARGETS.index(target)]
    _check(world["client"].post(reverse("api_tokens:revoke", args=[token.pk])), expected)
    token.refresh_from_db()
    assert (token.revoked_at is not None) is (expected == 302)


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_create_oauth_client(world):
    """The OAuth2 clients on the same page: the same people, the same answers as for tokens."""
    role = world["role"]
    before = OAuthClient.objects.count()
    data = {
        "client-organisation": world["own"].pk,
        "client-name": "ERP",
        "client-scopes": [SCOPE.get(role, "placements:read")],
    }
    expected = EXPECTED[role][1]
    _check(world["client"].post(reverse("api_tokens:client_create"), data), expected)
    assert OAuthClient.objects.count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_revoke_oauth_client(world, target):
    org = world["tokens"][target].organisation
    client = OAuthClientFactory(
        organisation=org, client_id=f"c{org.pk}", name="c", scopes=["placements:read"]
    )
    expected = EXPECTED[world["role"]][2][TARGETS.index(target)]
    _check(world["client"].post(reverse("api_tokens:client_revoke", args=[client.pk])), expected)
    client.refresh_from_db()
    assert (client.revoked_at is not None) is (expected == 302)


@pytest.mark.parametrize("world", ["employer", "coordinator"], indirect=True)
def test_revoking_by_get_is_refused(world):
    token = world["tokens"]["own"]
    assert world["client"].get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the API itself: every operation × client × own / other organisation / other municipality ---
#
# A client is an organisation acting through a credential: an API token or an OAuth2 access token
# (both mirror roles through their scopes; api/scopes.py). Targets: the own organisation's object,
# another organisation's in the same municipality, one in another municipality. A list names which
# targets it shows. Expected: 401 without a valid credential (none, revoked), 403 without the scope
# (checked before any object is looked up), 404 for someone else's object, as if it did not exist.


API_TARGETS = ("own", "other_org", "other_municipality")
OPERATIONS = {
    # operation: (method, path, kind) — kind: "list" (a set of visible targets) or an object's
    "placements:list": ("get", "/api/v1/placements/", "list"),
    "placements:create": ("post", "/api/v1/placements/", "create"),
    "placements:retrieve": ("get", "/api/v1/placements/{id}/", "object"),
    "placements:update": ("put", "/api/v1/placements/{id}/", "object"),
    "placements:partial_update": ("patch", "/api/v1/placements/{id}/", "object"),
    "directory:list": ("get", "/api/v1/directory/services/", "list"),
    "directory:retrieve": ("get", "/api/v1/directory/services/{id}/", "object"),
    # the introductions of a placement: the target is the placement
    "introductions:list": ("get", "/api/v1/placements/{id}/introductions/", "object"),
    "introductions:retrieve": ("get", "/api/v1/introductions/{ref}/", "object"),
    "introductions:partial_update": ("patch", "/api/v1/introductions/{ref}/", "object"),
    # anonymised cards: the targets are listed people (of the municipality twice, and one elsewhere)
    "candidates:list": ("get", "/api/v1/candidates/", "list"),
    "candidates:retrieve": ("get", "/api/v1/candidates/{ref}/", "object"),
}
_PEOPLE = {"introductions:list", "introductions:retrieve", "introductions:partial_update"}
_CARDS = {"candidates:list", "candidates:retrieve"}
OWN = {"own"}
SAME_MUNICIPALITY = {"own", "other_org"}
# client: operation → status (or, for a list, the targets it shows; for objects a triple by target)
# fmt: off
_NO_PEOPLE = dict.fromkeys(_PEOPLE | _CARDS, 403)
_PLACEMENT_READER = {
    "placements:list": OWN, "placements:create": 403, "placements:retrieve": (200, 404, 404),
    "placements:update": 403, "placements:partial_update": 403,
    "directory:list": 403, "directory:retrieve": 403, **_NO_PEOPLE,
}
_PLACEMENT_WRITER = {
    "placements:list": OWN, "placements:create": 201, "placements:retrieve": (200, 404, 404),
    "placements:update": (200, 404, 404), "placements:partial_update": (200, 404, 404),
    "directory:list": 403, "directory:retrieve": 403, **_NO_PEOPLE,
}
# The directory is the municipality's: every provider's offers in it, none of another municipality.
_DIRECTORY_READER = {
    "placements:list": 403, "placements:create": 403, "placements:retrieve": 403,
    "placements:update": 403, "placements:partial_update": 403,
    "directory:list": SAME_MUNICIPALITY, "directory:retrieve": (200, 200, 404), **_NO_PEOPLE,
}
# Introductions only of the own placements; the cards of everyone listed in the municipality
# (listing is consent to every verified business there), none of another municipality.
_PEOPLE_READER = {
    **dict.fromkeys([op for op in OPERATIONS if op.startswith(("placements", "directory"))], 403),
    "introductions:list": (200, 404, 404), "introductions:retrieve": (200, 404, 404),
    "introductions:partial_update": 403,
    "candidates:list": SAME_MUNICIPALITY, "candidates:retrieve": (200, 200, 404),
}
_PEOPLE_WRITER = {**_PEOPLE_READER, "introductions:partial_update": (200, 404, 404)}
API_EXPECTED = {
    "anonymous": dict.fromkeys(OPERATIONS, 401),
    "revoked_token": dict.fromkeys(OPERATIONS, 401),
    "revoked_oauth_client": dict.fromkeys(OPERATIONS, 401),
    "employer_token_read": _PLACEMENT_READER,
    "employer_token_write": _PLACEMENT_WRITER,
    "employer_oauth_read": _PLACEMENT_READER,
    "employer_oauth_write": _PLACEMENT_WRITER,
    "employer_token_people_read": _PEOPLE_READER,
    "employer_token_people_write": _PEOPLE_WRITER,
    "employer_oauth_people_write": _PEOPLE_WRITER,
    "coordinator_token": _DIRECTORY_READER,
    "coordinator_oauth": _DIRECTORY_READER,
}
# fmt: on

# --- api17a: full profiles for the case organisation, employments for the coaching organisation ---
# Targets: a person with an open case at the own office, at another office of the municipality and
# at one in another municipality, and each person's employment (tests/api/casework.py).
CASEWORK_OPERATIONS = {
    "cases:list": ("get", "/api/v1/cases/", "list"),
    "cases:retrieve": ("get", "/api/v1/cases/{ref}/", "object"),
    "employments:list": ("get", "/api/v1/employments/", "list"),
    "employments:retrieve": ("get", "/api/v1/employments/{ref}/", "object"),
}
OPERATIONS.update(CASEWORK_OPERATIONS)


class _Refused(dict):
    """A client's expectations where every operation not named is refused for want of its scope."""

    def __missing__(self, operation: str) -> int:
        return 403


for _expected in API_EXPECTED.values():
    # The clients above hold no scope of these: 403, or 401 for those without a valid credential.
    _refused = 401 if all(value == 401 for value in _expected.values()) else 403
    for _operation in CASEWORK_OPERATIONS:
        _expected.setdefault(_operation, _refused)
_CASE_READER = _Refused({"cases:list": OWN, "cases:retrieve": (200, 404, 404)})
_COACHING_READER = _Refused({"employments:list": OWN, "employments:retrieve": (200, 404, 404)})
CASEWORK_CLIENTS = {
    "case_token": _CASE_READER,
    "case_oauth": _CASE_READER,
    "coaching_token": _COACHING_READER,
    "coaching_oauth": _COACHING_READER,
}
API_EXPECTED.update(CASEWORK_CLIENTS)


def _casework_credential(name, casework) -> str:
    """The own office's cases:read or employments:read client, as a token or an OAuth2 client."""
    own = casework["own"]
    if name.startswith("case_"):
        actor, scopes = own.case_manager, ["cases:read"]
    else:
        actor, scopes = own.coach, ["employments:read"]
    if name.endswith("_token"):
        return token_create(organisation=own.organisation, actor=actor, name="m", scopes=scopes)[1]
    client, secret = oauth_client_create(organisation=own.organisation, actor=actor, name="m", scopes=scopes)
    return access_token(client.client_id, secret)


# --- end api17a


# --- directory writes, HSDS exchange and referrals (issue 17, api17b) -------------------------------
#
# Directory writes: a coordinator's client with directory:write changes every provider's offers of
# its municipality (the directory is the municipality's), nothing of another. Referrals: targets are
# three referrals — the own office's case to the own provider's offer, another office's case to
# another provider, and both in another municipality; the office client sees its own as the
# referring side, the provider client its own as the provider, and only the provider answers.
OPERATIONS_17B = {
    "directory:create": ("post", "/api/v1/directory/services/", "create"),
    "directory:update": ("put", "/api/v1/directory/services/{id}/", "object"),
    "directory:partial_update": ("patch", "/api/v1/directory/services/{id}/", "object"),
    "directory_organizations:list": ("get", "/api/v1/directory/organizations/", "list"),
    "directory_organizations:create": ("post", "/api/v1/directory/organizations/", "create"),
    "directory_organizations:retrieve": ("get", "/api/v1/directory/organizations/{id}/", "object"),
    "directory_organizations:partial_update": ("patch", "/api/v1/directory/organizations/{id}/", "object"),
    "directory_organizations:deactivate": (
        "post",
        "/api/v1/directory/organizations/{id}/deactivate/",
        "object",
    ),
    "directory:export": ("get", "/api/v1/directory/export/", "create"),
    "directory:import": ("post", "/api/v1/directory/import/", "create"),
    "referrals:list": ("get", "/api/v1/referrals/", "list"),
    "referrals:retrieve": ("get", "/api/v1/referrals/{id}/", "object"),
    "referrals:partial_update": ("patch", "/api/v1/referrals/{id}/", "object"),
}
OPERATIONS.update(OPERATIONS_17B)
_UNAUTHENTICATED = {"anonymous", "revoked_token", "revoked_oauth_client"}
for _principal, _expected in API_EXPECTED.items():
    for _operation in OPERATIONS_17B:
        _expected.setdefault(_operation, 401 if _principal in _UNAUTHENTICATED else 403)
# The directory reader reads providers and the export too; it writes nothing.
_DIRECTORY_READER.update(
    {
        "directory_organizations:list": SAME_MUNICIPALITY,
        "directory_organizations:retrieve": (200, 200, 404),
        "directory:export": 200,
    }
)
# fmt: off
_DIRECTORY_WRITER = {
    **_DIRECTORY_READER,
    "directory:create": 201, "directory:update": (200, 200, 404), "directory:partial_update": (200, 200, 404),
    "directory_organizations:create": 201, "directory_organizations:partial_update": (200, 200, 404),
    "directory_organizations:deactivate": (200, 200, 404), "directory:import": 200,
}
_NOT_REFERRALS = dict.fromkeys([op for op in OPERATIONS if not op.startswith("referrals")], 403)
_REFERRER_READ = {
    **_NOT_REFERRALS, "referrals:list": OWN, "referrals:retrieve": (200, 404, 404), "referrals:partial_update": 403,
}
# The office reads its referral but does not answer for the provider (403); others' are 404.
_REFERRER_WRITE = {**_REFERRER_READ, "referrals:partial_update": (403, 404, 404)}
_PROVIDER_READ = _REFERRER_READ
_PROVIDER_WRITE = {**_REFERRER_READ, "referrals:partial_update": (200, 404, 404)}
API_EXPECTED.update({
    "coordinator_write_token": _DIRECTORY_WRITER,
    "coordinator_write_oauth": _DIRECTORY_WRITER,
    "referrer_token_read": _REFERRER_READ,
    "referrer_token_write": _REFERRER_WRITE,
    "referrer_oauth_write": _REFERRER_WRITE,
    "provider_token_read": _PROVIDER_READ,
    "provider_token_write": _PROVIDER_WRITE,
    "provider_oauth_write": _PROVIDER_WRITE,
})
# fmt: on
PRINCIPALS_17B = {
    name for name in API_EXPECTED if name.startswith(("coordinator_write", "referrer_", "provider_"))
}


def _credential_17b(name, coordinators, referrals) -> str:
    """The bearer of a directory writer, a referring office or a receiving provider."""
    if name.startswith("coordinator_write"):
        side, scopes = coordinators.own, ["directory:read", "directory:write"]
    else:
        side = referrals.referrer if name.startswith("referrer") else referrals.provider
        scopes = ["referrals:read"] + (["referrals:write"] if name.endswith("_write") else [])
    if "_token" in name:
        return token_create(organisation=side.organisation, actor=side.user, name="m", scopes=scopes)[1]
    client, secret = oauth_client_create(
        organisation=side.organisation, actor=side.user, name="m", scopes=scopes
    )
    return access_token(client.client_id, secret)


def _body_17b(operation, world):
    """The request body of the operations above (None: the operation sends none of its own)."""
    if operation in ("directory:create", "directory:update", "directory:partial_update"):
        body = {
            "name": "Sprachcafé",
            "attributes": [
                {"taxonomy_term": {"taxonomy": "lotse-service-category", "code": "language_course"}}
            ],
        }
        if operation == "directory:create":
            body["organization_id"] = str(world["services"]["own"].organisation.hsds_id)
        return body
    if operation == "directory_organizations:create":
        return {"name": "Neuer Träger", "description": "Beratung"}
    if operation.startswith("directory_organizations"):
        return {"description": "Beratung"}
    if operation == "directory:import":
        return []
    if operation == "referrals:partial_update":
        return {"status": "accepted"}
    return None


def test_the_export_shows_the_own_municipality_only(api_world, coordinators):
    """The export's leak check: every provider and offer of the own municipality, none of another."""
    document = coordinators.own.client.get("/api/v1/directory/export/").json()
    shown = {service["id"] for org in document for service in org["services"]}
    ids = {target: str(service.hsds_id) for target, service in api_world["services"].items()}
    assert {target for target, ident in ids.items() if ident in shown} == SAME_MUNICIPALITY


def _credential(name, employers, coordinators) -> str | None:
    """The bearer for this client, made the way its organisation's staff would."""
    side = coordinators.own if name.startswith("coordinator") else employers.own
    scopes = ["placements:read"] if name.endswith("_read") else None
    if name.startswith("coordinator"):
        scopes = ["directory:read"]
    elif "_people_" in name:
        scopes = ["introductions:read", "candidates:read"]
        if name.endswith("_write"):
            scopes.append("introductions:write")
    scopes = scopes or ["placements:read", "placements:write"]
    if name == "anonymous":
        return None
    if "token" in name:
        token, raw = token_create(organisation=side.organisation, actor=side.user, name="m", scopes=scopes)
        if name == "revoked_token":
            token_revoke(token=token, actor=side.user)
        return raw
    client, secret = oauth_client_create(
        organisation=side.organisation, actor=side.user, name="m", scopes=scopes
    )
    bearer = access_token(client.client_id, secret)
    if name == "revoked_oauth_client":
        oauth_client_revoke(client=client, actor=side.user)
    return bearer


@pytest.fixture
def api_world(employers, coordinators, placements, cook_taxonomy, casework, referrals):
    own_municipality = coordinators.own.organisation.municipality
    services = {
        "own": make_service(own_municipality, "Deutschkurs B1"),
        "other_org": make_service(own_municipality, "Bewerbungstraining"),
        "other_municipality": make_service(coordinators.foreign.organisation.municipality, "Deutschkurs"),
    }
    # Another provider of the same municipality offers the second course.
    other_provider = ServiceOrganisationFactory(municipality=own_municipality, name="Jobcafé")
    services["other_org"].organisation = other_provider
    services["other_org"].save(update_fields=["organisation"])
    placement_of = dict(
        zip(API_TARGETS, (placements["own"], placements["other"], placements["foreign"]), strict=True)
    )
    # A listed person per target, each introduced to that target's placement (after the person's yes).
    people = {
        target: make_candidate(placement.municipality, occupation=cook_taxonomy.cook)
        for target, placement in placement_of.items()
    }
    introductions = {
        target: IntroductionFactory(
            placement=placement, candidate=people[target], stage=Introduction.Stage.CONTACT_REVEALED
        )
        for target, placement in placement_of.items()
    }
    return {
        "placements": placement_of,
        "services": services,
        "introductions": introductions,
        "candidates": people,
        "cook": cook_taxonomy,
        # api17a
        "casework": casework,
        "cases": {target: office.candidate for target, office in casework.items()},
        "employments": {target: office.employment for target, office in casework.items()},
        # api17b: the providers of the three offers, and the three referrals.
        "directory_organizations": {target: service.organisation for target, service in services.items()},
        "referrals": referrals.referrals,
        "referral_sides": referrals,
    }


def _ident(operation, obj) -> str:
    """How the operation names its target: an HSDS id, a public reference, or a number."""
    if operation.startswith("directory"):
        return str(obj.hsds_id)
    if operation.startswith(("candidates", "cases")):
        return obj.public_ref
    if operation.startswith("employments"):  # api17a
        return obj.reference
    if operation.startswith("introductions") and operation != "introductions:list":
        return obj.reference
    return str(obj.pk)


def _objects(world, operation):
    prefix = operation.split(":")[0]
    if operation == "introductions:list":
        return world["placements"]
    return world[{"directory": "services"}.get(prefix, prefix)]


def _placement_body(cook):
    return {
        "title": "Beikoch (m/w/d)",
        "kind": "job",
        "occupation": cook.cook.uri,
        "postcode": "44135",
        "city": "Dortmund",
        "hours_per_week": 30,
        "openings": 2,
        "status": "open",
    }


def _call(client, operation, world, target=None):
    method, path, _kind = OPERATIONS[operation]
    if target is not None:
        ident = _ident(operation, _objects(world, operation)[target])
        path = path.format(id=ident, ref=ident)
    body = _placement_body(world["cook"]) if method in ("post", "put") else {"title": "Sous-Chef (m/w/d)"}
    if operation.startswith("introductions"):
        body = {"stage": "offer"}
    if operation in OPERATIONS_17B:
        body = _body_17b(operation, world)
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, body, format="json", HTTP_IF_MATCH="*")


@pytest.mark.parametrize("principal", list(API_EXPECTED))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_api_operation(principal, operation, api_world, employers, coordinators):
    if principal in CASEWORK_CLIENTS:  # api17a
        client = client_for(_casework_credential(principal, api_world["casework"]))
    elif principal in PRINCIPALS_17B:
        client = client_for(_credential_17b(principal, coordinators, api_world["referral_sides"]))
    else:
        client = client_for(_credential(principal, employers, coordinators))
    expected = API_EXPECTED[principal][operation]
    kind = OPERATIONS[operation][2]
    if kind == "object":
        codes = expected if isinstance(expected, tuple) else (expected,) * 3
        for target, code in zip(API_TARGETS, codes, strict=True):
            response = _call(client, operation, api_world, target)
            assert response.status_code == code, (target, response.content)
            if code >= 400:
                assert response["Content-Type"] == "application/problem+json"
        return
    response = _call(client, operation, api_world)
    if isinstance(expected, set):
        assert response.status_code == 200
        key = "ref" if operation.startswith(("candidates", "cases", "employments")) else "id"
        shown = {str(item[key]) for item in response.json()["results"]}
        ids = {target: _ident(operation, obj) for target, obj in _objects(api_world, operation).items()}
        assert {target for target, ident in ids.items() if ident in shown} == expected
    else:
        assert response.status_code == expected, response.content
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json"


def test_the_matrix_covers_every_api_operation():
    """A new API operation must join the matrix above (and so be checked for leaks)."""
    import yaml

    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    in_schema = {
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method != "parameters"
    }
    assert in_schema == {
        (method, path) for method, path, _kind in (*OPERATIONS.values(), *EVENT_OPERATIONS.values())
    }


# --- events and their registrations (cms/api.py) ------------------------------------------------
#
# Targets: the event of the own chamber (for a business: a chamber of its municipality), of another
# chamber of the municipality, of a chamber in another municipality. Each has one registration,
# whose name must never appear in an answer to anyone but the owning chamber.

EVENT_OPERATIONS = {
    "events:list": ("get", "/api/v1/events/", "list"),
    "events:registrations": ("get", "/api/v1/events/{id}/registrations/", "object"),
    "events:register": ("post", "/api/v1/events/{id}/registrations/", "object"),
}
# fmt: off
_NO_EVENTS = dict.fromkeys(EVENT_OPERATIONS, 403)
_EVENTS_CHAMBER = {
    "events:list": SAME_MUNICIPALITY, "events:registrations": (200, 404, 404), "events:register": 403,
}
_EVENTS_BUSINESS = {
    "events:list": SAME_MUNICIPALITY, "events:registrations": 403, "events:register": (201, 201, 404),
}
EVENT_EXPECTED = {
    **{
        principal: dict.fromkeys(EVENT_OPERATIONS, 401) if 401 in expected.values() else _NO_EVENTS
        for principal, expected in API_EXPECTED.items()
    },
    "chamber_token": _EVENTS_CHAMBER,
    "chamber_oauth": _EVENTS_CHAMBER,
    "employer_token_events": _EVENTS_BUSINESS,
    "employer_oauth_events": _EVENTS_BUSINESS,
}
# fmt: on


def _event_credential(name, employers, coordinators, events) -> str | None:
    if name not in ("chamber_token", "chamber_oauth", "employer_token_events", "employer_oauth_events"):
        return _credential(name, employers, coordinators)
    chamber = name.startswith("chamber")
    organisation = events["own"].organisation if chamber else employers.own.organisation
    actor = events["own"].editor if chamber else employers.own.user
    scopes = ["events:read"] if chamber else ["events:write"]
    if "token" in name:
        return token_create(organisation=organisation, actor=actor, name="m", scopes=scopes)[1]
    client, secret = oauth_client_create(organisation=organisation, actor=actor, name="m", scopes=scopes)
    return access_token(client.client_id, secret)


@pytest.fixture
def events_world(employers, coordinators, municipality, other_municipality):
    from cms.services import event_registration_create
    from tests.api.events_world import make_events_world

    world = make_events_world(municipality, other_municipality)
    for target, side in world.items():
        event_registration_create(
            event=side.event, name=f"Geheim {target}", email=f"{target}@gast.example", consent=True
        )
    return world


@pytest.mark.parametrize("principal", list(EVENT_EXPECTED))
@pytest.mark.parametrize("operation", list(EVENT_OPERATIONS))
def test_api_event_operation(principal, operation, events_world, employers, coordinators):
    from tests.api.events_world import registration_body

    client = client_for(_event_credential(principal, employers, coordinators, events_world))
    expected = EVENT_EXPECTED[principal][operation]
    method, path, kind = EVENT_OPERATIONS[operation]
    if kind == "list":
        response = client.get(path)
        if isinstance(expected, set):
            assert response.status_code == 200
            shown = {row["id"] for row in response.json()["results"]}
            ids = {target: side.event.pk for target, side in events_world.items()}
            assert {target for target, pk in ids.items() if pk in shown} == expected
        else:
            assert response.status_code == expected
            assert response["Content-Type"] == "application/problem+json"
        return
    codes = expected if isinstance(expected, tuple) else (expected,) * 3
    for target, code in zip(API_TARGETS, codes, strict=True):
        url = path.format(id=events_world[target].event.pk)
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, registration_body(), format="json")
        assert response.status_code == code, (target, response.content)
        if code >= 400:
            assert response["Content-Type"] == "application/problem+json"
        # Nobody but the owning chamber reads a registration.
        leaked = {t for t in API_TARGETS if f"Geheim {t}" in response.content.decode()}
        assert leaked == ({target} if code == 200 else set())
