"""Full profiles for the case organisation (/api/v1/cases/) and employments with their follow-along
support for the coaching organisation (/api/v1/employments/), issue 17: what each client sees, that
a revoked consent takes a person away on the next request, that every read is audited, that the
other organisation gets 404, and the filters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from api.services import token_create
from candidates.models import CasePhase, Consent, ConsentScope
from candidates.services import consent_grant, consent_revoke
from coaching.services import employment_coach_set
from organisations.models import OrganisationKind
from privacy.models import AuditEntry
from tests.api.casework import casework_fixture  # noqa: F401 (fixture)
from tests.api.helpers import client_for
from tests.factories import EmploymentFactory, OrganisationFactory
from tests.fixtures.users import new_member

pytestmark = pytest.mark.django_db


def _refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["ref"] for item in response.json()["results"]}


# --- full profiles --------------------------------------------------------------------------------


def test_the_case_organisation_reads_the_full_profile_of_its_own_cases(casework):
    own = casework["own"]
    response = client_for(own.cases_raw).get("/api/v1/cases/")
    assert _refs(response) == {own.candidate.public_ref}
    profile = response.json()["results"][0]
    person = own.candidate
    assert (profile["first_name"], profile["last_name"], profile["email"], profile["phone"]) == (
        person.first_name,
        person.last_name,
        person.email,
        person.phone,
    )
    assert [o["label"] for o in profile["occupations"]] == ["Koch/Köchin"]
    assert len(profile["skills"]) == 2
    assert {(lang["language"], lang["native"]) for lang in profile["languages"]} == {
        ("de", False),
        ("ar", True),
    }
    assert profile["qualifications"][0]["title"] == "Koch"
    assert profile["permit_category"] == "may_work"
    assert profile["case"]["phase"] == CasePhase.INTAKE
    assert profile["case"]["responsible_organisation"] == "Jobcenter Dortmund"
    # Never the database id, nothing of the case notes, the assessment or family facts.
    assert "id" not in profile and "children_under_6" not in profile and "notes" not in profile["case"]

    detail = client_for(own.cases_raw).get(f"/api/v1/cases/{person.public_ref}/")
    assert detail.status_code == 200
    assert detail.json() == profile
    assert detail["ETag"]


def test_another_organisations_person_is_a_404_with_problem_details(casework):
    own = casework["own"]
    for target in ("other_org", "other_municipality"):
        response = client_for(own.cases_raw).get(f"/api/v1/cases/{casework[target].candidate.public_ref}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404
    # The database id is no reference either.
    assert client_for(own.cases_raw).get(f"/api/v1/cases/{own.candidate.pk}/").status_code == 404


def test_a_revoked_case_data_consent_removes_the_person_on_the_next_request(casework):
    own, other = casework["own"], casework["other_org"]
    person = other.candidate
    consent = consent_grant(
        candidate=person,
        scope=ConsentScope.CASE_DATA,
        actor=other.case_manager,
        recipient_organisation=own.organisation,
        paper_form_reference="Formular 7",
    )
    client = client_for(own.cases_raw)
    assert _refs(client.get("/api/v1/cases/")) == {own.candidate.public_ref, person.public_ref}
    assert client.get(f"/api/v1/cases/{person.public_ref}/").status_code == 200
    # The employment of the handed-over person is the coaching side's too, while the grant lives.
    employments = client_for(own.employments_raw)
    assert other.employment.reference in _refs(employments.get("/api/v1/employments/"))

    consent_revoke(consent=consent, actor=other.case_manager)

    assert _refs(client.get("/api/v1/cases/")) == {own.candidate.public_ref}
    response = client.get(f"/api/v1/cases/{person.public_ref}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert _refs(employments.get("/api/v1/employments/")) == {own.employment.reference}
    assert employments.get(f"/api/v1/employments/{other.employment.reference}/").status_code == 404


def test_a_closed_case_takes_the_person_away(casework):
    own = casework["own"]
    own.case.phase = CasePhase.CLOSED
    own.case.closed_at = timezone.now()
    own.case.save(update_fields=["phase", "closed_at"])
    assert _refs(client_for(own.cases_raw).get("/api/v1/cases/")) == set()


def test_every_profile_read_is_audited_like_a_page_view(casework):
    own = casework["own"]
    person = own.candidate
    client = client_for(own.cases_raw)

    def entries():
        return AuditEntry.objects.filter(
            record_type="candidates.candidate", record_id=str(person.pk), action=AuditEntry.Action.VIEW
        )

    before = entries().count()
    client.get("/api/v1/cases/")
    client.get("/api/v1/cases/")
    client.get(f"/api/v1/cases/{person.public_ref}/")
    # Every read, not once a day: as the case page writes one entry per view.
    assert entries().count() == before + 3
    entry = entries().first()
    assert entry.actor_id == own.case_manager.pk  # who made the token answers for it
    assert entry.fields == ["cases", "profile"]
    assert entry.note.startswith("api ") and "Fachverfahren" in entry.note
    assert entry.municipality_id == person.municipality_id
    # Nobody else's person was written into the trail by this client.
    assert not AuditEntry.objects.filter(
        record_id__in=[str(casework[t].candidate.pk) for t in ("other_org", "other_municipality")],
        actor_id=own.case_manager.pk,
    ).exists()


def test_case_filters(casework):
    own = casework["own"]
    client = client_for(own.cases_raw)
    ref = own.candidate.public_ref
    assert _refs(client.get("/api/v1/cases/", {"phase": "intake"})) == {ref}
    assert _refs(client.get("/api/v1/cases/", {"phase": "monitoring"})) == set()
    assert _refs(client.get("/api/v1/cases/", {"work_permission": "unrestricted"})) == {ref}
    assert _refs(client.get("/api/v1/cases/", {"work_permission": "none"})) == set()
    today = timezone.localdate()
    assert _refs(client.get("/api/v1/cases/", {"updated_since": today.isoformat()})) == {ref}
    tomorrow = today + datetime.timedelta(days=1)
    assert _refs(client.get("/api/v1/cases/", {"updated_since": tomorrow.isoformat()})) == set()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"phase": "finished"}, "phase"),
        ({"updated_since": "gestern"}, "updated_since"),
        ({"updated_since": "0001-01-01"}, "updated_since"),
        ({"legal_circle": ""}, "legal_circle"),
        ({"phse": "intake"}, "phse"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_a_bad_case_filter_is_a_400_naming_the_parameter(casework, query, parameter):
    response = client_for(casework["own"].cases_raw).get("/api/v1/cases/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]


def test_the_scope_is_offered_to_case_managers_only(casework):
    """A job coach cannot put cases:read on a token; a token without it is refused (403)."""
    own = casework["own"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(organisation=own.organisation, actor=own.coach, name="x", scopes=["cases:read"])
    with pytest.raises(PermissionDenied):
        token_create(
            organisation=own.organisation, actor=own.case_manager, name="x", scopes=["employments:read"]
        )
    response = client_for(own.employments_raw).get("/api/v1/cases/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


# --- employments and follow-ups -------------------------------------------------------------------


def test_the_coaching_organisation_reads_its_employments_with_their_follow_ups(casework):
    own = casework["own"]
    response = client_for(own.employments_raw).get("/api/v1/employments/")
    assert _refs(response) == {own.employment.reference}
    item = response.json()["results"][0]
    assert item["person"] == {
        "ref": own.candidate.public_ref,
        "first_name": own.candidate.first_name,
        "last_name": own.candidate.last_name,
    }
    assert item["status"] == "running"
    assert item["coaching_organisation"] == "Jobcenter Dortmund"
    assert [entry["notes"] for entry in item["follow_ups"]] == ["Läuft gut, Fachsprache üben."]
    assert item["follow_ups"][0]["topics"] == ["workplace_language"]
    assert item["last_contact"] == item["follow_ups"][0]["date"]
    # The plan: the first due (after a week) is done by the logged contact, the next ones are open.
    dues = item["due_follow_ups"]
    assert dues and dues[0]["done_at"] is not None
    assert any(due["done_at"] is None for due in dues)
    assert "id" not in item

    detail = client_for(own.employments_raw).get(f"/api/v1/employments/{own.employment.reference}/")
    assert detail.status_code == 200
    assert detail.json() == item


def test_a_partner_organisations_coach_follows_the_employment_not_the_case(casework, municipality):
    """A welfare organisation whose job coach is made responsible for the employment reads the
    employment and its follow-ups through its client — not the person's full profile."""
    own = casework["own"]
    partner = OrganisationFactory(municipality=municipality, kind=OrganisationKind.WELFARE)
    partner_coach = new_member(Role.JOB_COACH, organisation=partner)
    _token, raw = token_create(
        organisation=partner, actor=partner_coach, name="T", scopes=["employments:read"]
    )
    client = client_for(raw)
    assert _refs(client.get("/api/v1/employments/")) == set()
    employment_coach_set(employment=own.employment, actor=own.case_manager, coach=partner_coach)
    assert _refs(client.get("/api/v1/employments/")) == {own.employment.reference}
    assert client.get("/api/v1/cases/").status_code == 403


def test_another_organisations_employment_is_a_404(casework):
    own = casework["own"]
    for target in ("other_org", "other_municipality"):
        response = client_for(own.employments_raw).get(
            f"/api/v1/employments/{casework[target].employment.reference}/"
        )
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert client_for(own.employments_raw).get(f"/api/v1/employments/{own.employment.pk}/").status_code == 404


def test_every_employment_read_is_audited(casework):
    own = casework["own"]
    client = client_for(own.employments_raw)
    before = AuditEntry.objects.filter(
        record_id=str(own.candidate.pk), fields=["employment", "follow_ups"]
    ).count()
    client.get("/api/v1/employments/")
    client.get(f"/api/v1/employments/{own.employment.reference}/")
    entries = AuditEntry.objects.filter(record_id=str(own.candidate.pk), fields=["employment", "follow_ups"])
    assert entries.count() == before + 2
    assert {entry.actor_id for entry in entries} == {own.coach.pk}
    assert all("Begleitung" in entry.note for entry in entries)


def test_employment_filters(casework):
    own = casework["own"]
    client = client_for(own.employments_raw)
    ref = own.employment.reference
    assert _refs(client.get("/api/v1/employments/", {"status": "running"})) == {ref}
    assert _refs(client.get("/api/v1/employments/", {"status": "ended"})) == set()
    assert _refs(client.get("/api/v1/employments/", {"kind": "job"})) == {ref}
    assert _refs(client.get("/api/v1/employments/", {"kind": "praktikum"})) == set()
    today = timezone.localdate()
    assert _refs(client.get("/api/v1/employments/", {"updated_since": today.isoformat()})) == {ref}
    later = (today + datetime.timedelta(days=1)).isoformat()
    assert _refs(client.get("/api/v1/employments/", {"updated_since": later})) == set()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"status": "paused"}, "status"),
        ({"kind": "minijob"}, "kind"),
        ({"updated_since": "2026-13-45"}, "updated_since"),
        ({"status": ["running", "ended"]}, "status"),
        ({"phase": "intake"}, "phase"),
    ],
)
def test_a_bad_employment_filter_is_a_400_naming_the_parameter(casework, query, parameter):
    response = client_for(casework["own"].employments_raw).get("/api/v1/employments/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]


def test_a_live_consent_is_read_not_cached(casework):
    """The grant is read on every request: granting again brings the person back at once."""
    own, other = casework["own"], casework["other_org"]
    grant = dict(
        candidate=other.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=other.case_manager,
        recipient_organisation=own.organisation,
        paper_form_reference="F",
    )
    client = client_for(own.cases_raw)
    assert other.candidate.public_ref not in _refs(client.get("/api/v1/cases/"))
    consent_grant(**grant)
    assert other.candidate.public_ref in _refs(client.get("/api/v1/cases/"))
    Consent.objects.filter(candidate=other.candidate, scope=ConsentScope.CASE_DATA).update(
        revoked_at=timezone.now()
    )
    assert other.candidate.public_ref not in _refs(client.get("/api/v1/cases/"))


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_page_costs_the_same_queries_however_many_people_it_shows(casework):
    """Profiles and employments are read with their relations joined in: a page of four costs what
    a page of one does (the audit entries are written in one query too)."""
    from tests.factories import CaseFactory

    own = casework["own"]
    cases, employments = client_for(own.cases_raw), client_for(own.employments_raw)
    # A first request marks each token as used (once a while): not part of what a page costs.
    cases.get("/api/v1/cases/"), employments.get("/api/v1/employments/")
    one = (_queries(cases, "/api/v1/cases/"), _queries(employments, "/api/v1/employments/"))
    start = timezone.localdate() - datetime.timedelta(days=10)
    for _ in range(3):
        case = CaseFactory(
            responsible_organisation=own.organisation, candidate__municipality=own.organisation.municipality
        )
        EmploymentFactory(
            candidate=case.candidate, employer=own.employment.employer, start_date=start, job_coach=own.coach
        )
    assert len(_refs(cases.get("/api/v1/cases/"))) == 4
    four = (_queries(cases, "/api/v1/cases/"), _queries(employments, "/api/v1/employments/"))
    assert four == one
