"""Fixtures for the case organisation's and the coaching organisation's API clients (issue 17,
api17a): for each of three offices — own, another of the same municipality, one in another
municipality — a person with an open case there, a hire with its follow-along plan and a logged
follow-up, and for each office a ``cases:read`` and an ``employments:read`` token made by its staff.

Import the fixture into a test module: ``from tests.api.casework import casework_fixture``.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.roles import Role
from api.services import token_create
from candidates.models import (
    WorkPermission,
)
from coaching import services as coaching_services
from coaching.models import Mode, WithWhom
from employers.models import Employment
from organisations.models import OrganisationKind
from tests.factories import (
    CandidateOccupationFactory,
    CandidateSkillFactory,
    CaseFactory,
    EmployerProfileFactory,
    EmploymentFactory,
    LanguageSkillFactory,
    OrganisationFactory,
    QualificationFactory,
)
from tests.fixtures.users import new_member

TARGETS = ("own", "other_org", "other_municipality")


@dataclass
class Office:
    """A case organisation, its staff, one person with an open case there and that person's hire."""

    organisation: object
    case_manager: object
    coach: object
    case: object
    employment: Employment
    cases_raw: str  # a cases:read token of the office
    employments_raw: str  # an employments:read token of the office

    @property
    def candidate(self):
        return self.case.candidate


def _office(municipality, name: str, cook) -> Office:
    office = OrganisationFactory(municipality=municipality, kind=OrganisationKind.JOBCENTER, name=name)
    case_manager = new_member(Role.CASE_MANAGER, organisation=office)
    coach = new_member(Role.JOB_COACH, organisation=office)
    case = CaseFactory(
        responsible_organisation=office,
        candidate__municipality=municipality,
        case_manager=case_manager,
        candidate__work_permission=WorkPermission.UNRESTRICTED,
    )
    person = case.candidate
    if cook is not None:
        CandidateOccupationFactory(candidate=person, occupation=cook.cook, years_experience=3)
        for skill in cook.skills[:2]:
            CandidateSkillFactory(candidate=person, skill=skill)
    LanguageSkillFactory(candidate=person, language="de", spoken="B1", written="A2")
    LanguageSkillFactory(candidate=person, language="ar", spoken="C2", written="C2", is_native=True)
    QualificationFactory(candidate=person, title="Koch", kind="vocational", country="Syrien")
    employer = OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER)
    profile = EmployerProfileFactory(organisation=employer, sector="handwerk", contact_name="")
    start = timezone.localdate() - datetime.timedelta(days=40)
    employment = EmploymentFactory(
        candidate=person, employer=profile, start_date=start, job_coach=coach, hours_per_week=30
    )
    coaching_services.follow_along_start(employment_id=employment.pk)
    coaching_services.follow_up_log(
        employment=employment,
        actor=coach,
        token=uuid.uuid4(),
        date=start + datetime.timedelta(days=7),
        mode=Mode.WORKPLACE,
        with_whom=WithWhom.BOTH,
        topics=["workplace_language"],
        notes="Läuft gut, Fachsprache üben.",
    )
    _token, cases_raw = token_create(
        organisation=office, actor=case_manager, name="Fachverfahren", scopes=["cases:read"]
    )
    _token, employments_raw = token_create(
        organisation=office, actor=coach, name="Begleitung", scopes=["employments:read"]
    )
    return Office(office, case_manager, coach, case, employment, cases_raw, employments_raw)


@pytest.fixture(name="casework")
def casework_fixture(municipality, other_municipality, cook_taxonomy) -> dict[str, Office]:
    return {
        "own": _office(municipality, "Jobcenter Dortmund", cook_taxonomy),
        "other_org": _office(municipality, "Integrationsmanagement Dortmund", cook_taxonomy),
        "other_municipality": _office(other_municipality, "Jobcenter Bochum", cook_taxonomy),
    }
