"""Fixtures for the candidates tests: small taxonomy stand-ins and the access matrix's world.

``desk`` (a case manager with an open case of their own) is in tests/fixtures/candidates.py:
tests/security uses it too."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from candidates.models import (
    ConsentScope,
)
from taxonomy.models import Occupation, Skill
from tests.candidates.helpers import FILE_MARKER, World
from tests.clock import TODAY
from tests.factories import (
    CandidateOccupationFactory,
    CaseFactory,
    CaseNoteFactory,
    ConsentFactory,
    GoalFactory,
    LanguageSkillFactory,
    OccupationFactory,
    QualificationFactory,
    SkillFactory,
    StepFactory,
)
from tests.fixtures.users import new_member


@pytest.fixture
def welder(db) -> Occupation:
    """A small stand-in ESCO occupation (tests needing the real taxonomy use ``esco``)."""
    return OccupationFactory(
        uri="http://data.europa.eu/esco/occupation/test-welder",
        label_de="Schweißer/Schweißerin",
        label_en="welder",
        isco_code="7212",
    )


@pytest.fixture
def forklift(db) -> Skill:
    return SkillFactory(
        uri="http://data.europa.eu/esco/skill/test-forklift",
        label_de="Gabelstapler fahren",
        label_en="operate forklift",
    )


@pytest.fixture
def matrix_world(team, case_manager_team, municipality, other_municipality) -> World:
    """The candidates access matrix's world: one case of the case manager's own organisation with
    something of every kind on it, and a user of every role near and far (``World.users``)."""
    org = case_manager_team.organisation
    case = CaseFactory(
        responsible_organisation=org, candidate__municipality=municipality, case_manager=case_manager_team.own
    )
    goal = GoalFactory(case=case)
    step = StepFactory(goal=goal)
    own_step = StepFactory(goal=goal, assignee="candidate")
    language = LanguageSkillFactory(candidate=case.candidate)
    consent = ConsentFactory(candidate=case.candidate, scope=ConsentScope.LISTING)
    qualification = QualificationFactory(candidate=case.candidate, title="Abitur", kind="school", country="")
    # An occupation the person entered themself (self-service may remove only such entries).
    own_occupation = CandidateOccupationFactory(
        candidate=case.candidate,
        source="candidate",
        years_experience=0,
        occupation=OccupationFactory(
            uri="http://data.europa.eu/esco/occupation/matrix", label_de="Koch/Köchin", isco_code=""
        ),
    )
    self_user = new_member("candidate")
    case.candidate.user = self_user
    case.candidate.save()
    other_candidate_user = new_member("candidate")
    CaseFactory(
        responsible_organisation=case_manager_team.other_organisation,
        candidate__municipality=municipality,
        candidate__user=other_candidate_user,
    )
    volunteer, unassigned = (
        new_member("volunteer", municipality=municipality),
        new_member("volunteer", municipality=municipality),
    )
    ConsentFactory(candidate=case.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=volunteer)
    coordinators = team("coordinator")
    # A coordinator who is also the assigned case manager of a second case of the same person.
    coordinator_responsible = new_member("coordinator", municipality=municipality)
    CaseFactory(responsible_organisation=org, candidate=case.candidate, case_manager=coordinator_responsible)
    CaseNoteFactory(case=case, author=case_manager_team.own, text=FILE_MARKER)
    # Issue 14 §4: another person's case of the own organisation, closed with an employment.
    from candidates.services import case_close

    closed_case = CaseFactory(
        responsible_organisation=org, candidate__municipality=municipality, case_manager=case_manager_team.own
    )
    case_close(case=closed_case, actor=case_manager_team.own, reason="employment")
    # Issue 14 §3: the Ausländerbehörde the question goes to, a second one of the same municipality
    # (not the addressee) and one elsewhere.
    offices = team("immigration_office")
    from candidates.services import immigration_question_ask

    question = immigration_question_ask(
        case=case,
        actor=case_manager_team.own,
        office=offices.organisation,
        topic="work_permission",
        message="Matrix-Frage",
        due_date=TODAY + datetime.timedelta(days=7),
    )
    users = {
        "anonymous": None,
        "candidate_self": self_user,
        "candidate_other": other_candidate_user,
        "case_manager_own": case_manager_team.own,
        "case_manager_colleague": case_manager_team.colleague,
        "case_manager_lead": new_member("case_manager", organisation=org, lead=True),
        "case_manager_other_org": case_manager_team.outsider,
        "case_manager_other_municipality": case_manager_team.elsewhere,
        "job_coach_own_org": new_member("job_coach", organisation=org),
        "volunteer_assigned": volunteer,
        "volunteer_unassigned": unassigned,
        "employer": team("employer").own,
        "unverified_employer": team("unverified_employer").own,
        "chamber_editor": team("chamber_editor").own,
        "coordinator_own_municipality": coordinators.own,
        "coordinator_responsible": coordinator_responsible,
        "coordinator_other_municipality": coordinators.elsewhere,
        "immigration_office_own": offices.own,
        "immigration_office_other_office": offices.outsider,
        "immigration_office_other_municipality": offices.elsewhere,
    }
    from candidates.services import appointment_create

    appointment = appointment_create(
        case=case,
        actor=case_manager_team.own,
        kind="follow_up",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=1),
        place="Matrix-Ort",
    )
    from candidates.services import work_permit_procedure_save

    procedure = work_permit_procedure_save(case=case, actor=case_manager_team.own, ba_approval="zustimmung")
    return World(
        procedure=procedure,
        question=question,
        closed_case=closed_case,
        appointment=appointment,
        case=case,
        goal=goal,
        step=step,
        language=language,
        consent=consent,
        qualification=qualification,
        own_occupation=own_occupation,
        users=users,
        own_step=own_step,
    )
