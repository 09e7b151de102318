"""Every URL of the monitoring app × every role → the designed status, and each sees only their scope.

302 = anonymous sent to the login (or a POST that did its work), 403 = the role has no figures (or,
for comparison and settings, is not a coordinator). A coordinator elsewhere and a team lead of
another organisation get 200 — but with their own numbers, never Dortmund's office's.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.fixtures.users import login_with_mfa
from tests.monitoring.world import populate

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "candidate",
    "case_manager",
    "job_coach",
    "volunteer",
    "employer",
    "chamber_editor",
    "coordinator",
    "coordinator_elsewhere",
    "lead",
    "lead_other_org",
    "lead_elsewhere",
]
SEES = {
    "case_manager",
    "job_coach",
    "coordinator",
    "coordinator_elsewhere",
    "lead",
    "lead_other_org",
    "lead_elsewhere",
}
COORDINATORS = {"coordinator", "coordinator_elsewhere"}


def _row(allowed: set[str], ok: int) -> dict[str, int]:
    return {role: 302 if role == "anonymous" else (ok if role in allowed else 403) for role in ROLES}


# name, args, method, data, expected
MATRIX = [
    ("dashboard", (), "get", None, _row(SEES, 200)),
    ("refresh", (), "post", {}, _row(SEES, 302)),
    ("export", ("phases", "csv"), "get", None, _row(SEES, 200)),
    ("export", ("retention", "xlsx"), "get", None, _row(SEES, 200)),
    ("report", (), "get", None, _row(SEES, 200)),
    ("report_pdf", (), "get", None, _row(SEES, 200)),
    ("quality", (), "get", None, _row(SEES, 200)),
    ("compare", (), "get", None, _row(COORDINATORS, 200)),
    ("settings", (), "get", None, _row(COORDINATORS, 200)),
    (
        "settings",
        (),
        "post",
        {"target_cases_per_case_manager": "30", "target_cases_per_coach": "20"},
        _row(COORDINATORS, 302),
    ),
]


def _client(world, role: str) -> Client:
    return Client() if role == "anonymous" else login_with_mfa(Client(), world[role])


@pytest.mark.parametrize(
    ("name", "args", "method", "data", "expected"),
    MATRIX,
    ids=[f"{m[0]}-{m[2]}-{'-'.join(m[1])}" for m in MATRIX],
)
def test_matrix(monitoring_world, name, args, method, data, expected):
    populate(monitoring_world, 6)
    url = reverse(f"monitoring:{name}", args=args)
    got = {}
    for role in ROLES:
        client = _client(monitoring_world, role)
        response = client.post(url, data) if method == "post" else client.get(url)
        got[role] = response.status_code
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    assert got == expected


def _phase_total(client: Client, query: str = "") -> int:
    response = client.get(reverse("monitoring:export", args=("phases", "csv")) + query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Phase")
    return sum(int(r[1]) for r in rows[header + 1 : header + 7])


def test_each_role_counts_only_its_own_scope(monitoring_world):
    populate(
        monitoring_world, 10
    )  # all in the office, managed by world["case_manager"], coached by the coach
    populate(
        monitoring_world,
        4,
        organisation=monitoring_world.jobcenter,
        case_manager=monitoring_world["lead_other_org"],
    )
    totals = {
        role: _phase_total(_client(monitoring_world, role))
        for role in [
            "coordinator",
            "coordinator_elsewhere",
            "lead",
            "lead_other_org",
            "lead_elsewhere",
            "case_manager",
            "job_coach",
        ]
    }
    assert totals == {
        "coordinator": 14,  # the whole municipality
        "coordinator_elsewhere": 0,  # Bochum: nothing of Dortmund
        "lead": 10,  # the office only
        "lead_other_org": 4,  # the Jobcenter only
        "lead_elsewhere": 0,
        "case_manager": 10,  # the cases they manage
        "job_coach": 0,  # manages no case; their caseload is the employments they coach
    }


def test_coordinator_elsewhere_cannot_filter_by_a_dortmund_organisation(monitoring_world):
    populate(monitoring_world, 6)
    client = _client(monitoring_world, "coordinator_elsewhere")
    response = client.get(reverse("monitoring:dashboard"), {"organisation": monitoring_world.office.pk})
    assert response.status_code == 400
    assert "Diese Organisation gibt es in Ihrer Kommune nicht" in response.content.decode()
    # The export with the same tampered filter goes back to the form, and leaks nothing.
    export = client.get(
        reverse("monitoring:export", args=("phases", "csv")), {"organisation": monitoring_world.office.pk}
    )
    assert export.status_code == 302 and "text/csv" not in export.get("Content-Type", "")
