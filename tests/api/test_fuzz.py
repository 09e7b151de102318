"""Schemathesis against the Django app: requests generated from the committed schema for every
operation, with a valid token of the right client. No response may be a 5xx or break the schema
(status, content type, body, headers); a request the schema forbids must be refused.

How many examples each operation gets comes from LOTSE_API_FUZZ_EXAMPLES (200 by default), or, where
LOTSE_API_FUZZ_REQUESTS is set (CI, .ci/run), from that total divided over the operations, so that
adding an operation does not grow CI's run. The requests run in-process through Django's
WSGI handler, on the test database. Each request is counted; at CI's size the module's last test
(marked ``last_in_module``, so even in a random order) asserts that every operation was called and
that ≥ 10,000 requests were made (Hypothesis may stop an operation early when it has tried
everything, so the figure is checked, not assumed).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.roles import Role
from api.scopes import SCOPES
from api.services import token_create
from cms.services import event_registration_create
from employers.models import Introduction
from tests.api.casework import casework_fixture  # noqa: F401 (fixture; api17a)
from tests.api.events_world import chamber_token, make_events_world
from tests.factories import IntroductionFactory, make_candidate, make_placement, make_profile, make_service

SCHEMA = Path(__file__).resolve().parents[2] / "platform" / "api" / "openapi.yaml"

schema = schemathesis.openapi.from_path(SCHEMA)
schema.app = WSGIHandler()
OPERATIONS = {
    f"{method.upper()} {path}"
    for path, methods in schema.raw_schema["paths"].items()
    for method in methods
    if method in ("get", "put", "post", "patch", "delete")
}
_TOTAL = os.environ.get("LOTSE_API_FUZZ_REQUESTS")
EXAMPLES = (
    math.ceil(int(_TOTAL) / len(OPERATIONS))
    if _TOTAL
    else int(os.environ.get("LOTSE_API_FUZZ_EXAMPLES", "200"))
)
# The figure: at least this many generated requests over every operation (issue 17).
TARGET = 10_000
CI_SIZE = EXAMPLES * len(OPERATIONS) >= TARGET
# Requests made, per operation ("GET /api/v1/placements/{id}/"), in this process.
REQUESTS: Counter[str] = Counter()
# Every scope of the employer's side: each employer operation is reached with the right one. (By
# role: the scopes of other sides — directory, referrals — an employer's staff cannot grant.)
EMPLOYER_SCOPES = [name for name, scope in SCOPES.items() if scope.role == Role.EMPLOYER]

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_connection():
    """The requests share the test's database connection and transaction (as Django's test client
    does): Django would otherwise close it after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(employers, coordinators, cook_taxonomy, settings, casework, referrals):
    settings.LOTSE_API_RATE = "1000000/min"
    placement = make_placement(make_profile(employers.own.organisation), cook_taxonomy.cook)
    make_service(coordinators.own.organisation.municipality)
    # A listed person introduced to the placement: the lists of cards and introductions are not empty.
    person = make_candidate(
        placement.municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2]
    )
    IntroductionFactory(placement=placement, candidate=person, stage=Introduction.Stage.CONTACT_REVEALED)
    _token, employer = token_create(
        organisation=employers.own.organisation, actor=employers.own.user, name="Fuzz", scopes=EMPLOYER_SCOPES
    )
    # --- events (cms/api.py): upcoming events of the municipality's chambers, each with a
    # registration, and the own chamber's token that reads them.
    events = make_events_world(
        employers.own.organisation.municipality, employers.foreign.organisation.municipality
    )
    for side in events.values():
        event_registration_create(event=side.event, name="Gast", email="gast@example.org", consent=True)
    chamber = chamber_token(events["own"])
    # --- end of events
    return {
        "employer": employer,
        "directory": coordinators.own.raw,
        "chamber": chamber,
        # api17a: the own office's clients; casework gives each a person and an employment to list.
        "cases": casework["own"].cases_raw,
        "employments": casework["own"].employments_raw,
        # api17b: a provider among the fixture's organisations has a referral, so the referrals'
        # list is not empty.
        "referrals": referrals.provider.raw,
    }


def _token_for(case, tokens) -> str:
    for part in ("directory", "cases", "employments", "referrals"):
        if f"/api/v1/{part}/" in case.path:
            return tokens[part]
    # A chamber reads its events' registrations; a business lists events and registers itself.
    if case.operation.path == "/api/v1/events/{id}/registrations/" and case.method.upper() == "GET":
        return tokens["chamber"]
    return tokens["employer"]


def _call(case, tokens) -> None:
    token = _token_for(case, tokens)
    # A request the schema allows may still be refused by the rules it cannot express (a postcode
    # that does not exist, a start date in the past): 400 with problem details, checked as such.
    REQUESTS[f"{case.method.upper()} {case.operation.path}"] += 1
    # A negative case may leave the credential out on purpose (the security schemes make it a
    # required header): then it goes without, and must be refused (401), not let in by us.
    headers = {} if schema.is_security_param_negated(case) else {"Authorization": f"Bearer {token}"}
    # The fuzzer may add a made-up ``Host`` header among its unexpected headers. Host is set by the
    # client and checked by the reverse proxy and ALLOWED_HOSTS before any view runs (Django's plain
    # 400 for a host it does not serve, no API answer to document): not the API's input.
    if case.headers:
        case.headers = {name: value for name, value in case.headers.items() if name.lower() != "host"}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


def _operation_test(method: str, path: str):
    """One named test per operation. `schema.parametrize()` on one function gives every operation
    the same node id, and pytest-xdist keeps one item per node id: on CI's two workers only one
    operation ran (the size check below caught it)."""

    @schema.include(method=method, path=path).parametrize()
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )
    def test(case, tokens, one_connection):
        _call(case, tokens)

    return test


for _label in sorted(OPERATIONS):
    _method, _path = _label.split(" ", 1)
    _name = "test_api_" + re.sub(r"[^a-z0-9]+", "_", f"{_method} {_path}".lower()).strip("_")
    globals()[_name] = _operation_test(_method, _path)
    globals()[_name].__name__ = _name


@pytest.mark.last_in_module
def test_the_fuzz_reached_its_size():
    """Runs after the operations' tests, whatever the random order (the mark, tests/conftest.py):
    at CI's size every operation was called, and ≥ 10,000 requests in all."""
    if not CI_SIZE:
        pytest.skip(f"{EXAMPLES} examples × {len(OPERATIONS)} operations is below CI's size")
    # Schemathesis also tries methods the schema does not name (405): not counted toward the target.
    documented = {operation: count for operation, count in REQUESTS.items() if operation in OPERATIONS}
    print(
        f"API fuzz: {sum(documented.values())} requests to documented operations: {dict(sorted(documented.items()))}"
    )
    assert set(documented) == OPERATIONS
    assert sum(documented.values()) >= TARGET
