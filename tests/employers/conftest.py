"""Fixtures for the employers tests: a small synthetic ESCO corner, listed candidates, placements.

The real ESCO data is not needed here (and not loaded): a cook with four skills is enough to
exercise suggestions, filters and explanations quickly.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from candidates.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    Consent,
    ConsentScope,
    Gender,
    LanguageSkill,
    WorkPermission,
)
from employers.models import EmployerProfile, Placement, PlacementSkill, PlacementStatus, Sector
from organisations.models import OrganisationKind
from taxonomy.models import Occupation, OccupationSkill, Skill
from tests.factories import OrganisationFactory, UserFactory

_seq = itertools.count(1)

# Identifying details every listed test candidate carries, so tests can look for leaks.
SECRET_FIRST = "Zainab"
SECRET_LAST = "Qasemi"
SECRET_NATIONALITY = "afghanisch"
SECRET_BIRTH = date(1993, 4, 27)
SECRET_STREET = "Geheimweg 17"
SECRET_EMAIL_DOMAIN = "private-mail.example"


@pytest.fixture
def cook_taxonomy(db):
    occupation = Occupation.objects.create(
        uri="http://esco.test/occupation/cook", label_de="Koch/Köchin", label_en="cook", isco_code="5120"
    )
    other = Occupation.objects.create(
        uri="http://esco.test/occupation/welder",
        label_de="Schweißer/Schweißerin",
        label_en="welder",
        isco_code="7212",
    )
    skills = [
        Skill.objects.create(uri=f"http://esco.test/skill/{key}", label_de=label, label_en=key)
        for key, label in [
            ("knife", "Messer handhaben"),
            ("hygiene", "Lebensmittelhygiene einhalten"),
            ("menu", "Menüs planen"),
            ("stock", "Lagerbestand kontrollieren"),
        ]
    ]
    for skill, relation in zip(skills, ["essential", "essential", "optional", "optional"], strict=True):
        OccupationSkill.objects.create(occupation=occupation, skill=skill, relation=relation)
    from matching.index import forget_indexes
    from matching.services import taxonomy_index_invalidate

    taxonomy_index_invalidate()
    forget_indexes()
    yield type("Taxonomy", (), {"cook": occupation, "welder": other, "skills": skills})
    taxonomy_index_invalidate()
    forget_indexes()


def make_candidate(
    municipality, *, occupation=None, years=3, skills=(), german="B1", listed=True, user=None, **fields
) -> Candidate:
    n = next(_seq)
    defaults = dict(
        first_name=f"{SECRET_FIRST}{n}",
        last_name=f"{SECRET_LAST}{n}",
        nationality=SECRET_NATIONALITY,
        birth_date=SECRET_BIRTH,
        gender=Gender.FEMALE,
        street=SECRET_STREET,
        postcode="44135",
        city="Dortmund",
        email=f"zq{n}@{SECRET_EMAIL_DOMAIN}",
        phone=f"+49 170 99{n:05d}",
        hours_per_week_min=20,
        hours_per_week_max=40,
        work_permission=WorkPermission.UNRESTRICTED,
        available_from=timezone.localdate() + timedelta(days=14),
    )
    defaults.update(fields)
    candidate = Candidate.objects.create(municipality=municipality, user=user, **defaults)
    if occupation is not None:
        CandidateOccupation.objects.create(candidate=candidate, occupation=occupation, years_experience=years)
    for skill in skills:
        CandidateSkill.objects.create(candidate=candidate, skill=skill)
    if german:
        LanguageSkill.objects.create(candidate=candidate, language="de", spoken=german, written=german)
    LanguageSkill.objects.create(
        candidate=candidate, language="ar", spoken="C2", written="C1", is_native=True
    )
    if listed:
        Consent.objects.create(candidate=candidate, scope=ConsentScope.LISTING)
    return candidate


def make_profile(organisation) -> EmployerProfile:
    return EmployerProfile.objects.get_or_create(
        organisation=organisation, defaults={"sector": Sector.GASTRONOMIE, "contact_name": "Frau Chefin"}
    )[0]


def make_placement(
    profile: EmployerProfile, occupation, *, skills=(), openings=1, status=PlacementStatus.OPEN, **fields
) -> Placement:
    placement = Placement.objects.create(
        employer=profile,
        municipality=profile.organisation.municipality,
        title=fields.pop("title", "Koch (m/w/d)"),
        occupation=occupation,
        postcode=fields.pop("postcode", "44135"),
        openings=openings,
        status=status,
        min_german_spoken=fields.pop("min_german_spoken", "A2"),
        hours_per_week=40,
        **fields,
    )
    for skill, relation in skills:
        PlacementSkill.objects.create(placement=placement, skill=skill, relation=relation)
    return placement


@pytest.fixture
def employer(employer_team):
    """The employer team with a profile for each organisation."""
    for org in (
        employer_team.organisation,
        employer_team.other_organisation,
        employer_team.foreign_organisation,
    ):
        make_profile(org)
    return employer_team


@pytest.fixture
def placement(employer, cook_taxonomy):
    skills = cook_taxonomy.skills
    return make_placement(
        make_profile(employer.organisation),
        cook_taxonomy.cook,
        skills=[(skills[0], "essential"), (skills[1], "essential"), (skills[2], "optional")],
    )


@pytest.fixture
def coach(municipality):
    """A case manager with an organisation responsible for cases in the municipality."""
    org = OrganisationFactory(municipality=municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE)
    from tests.factories import MembershipFactory

    return MembershipFactory(user=UserFactory(), organisation=org, role=Role.CASE_MANAGER).user


@pytest.fixture
def candidate_user(db):
    """A self-service login for ``candidate``."""
    return UserFactory(is_candidate=True)


@pytest.fixture
def candidate(municipality, cook_taxonomy, candidate_user, coach):
    """A listed cook with a self-service login and an open case with ``coach``."""
    c = make_candidate(
        municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], user=candidate_user
    )
    open_case(c, coach)
    return c


def open_case(candidate, coach) -> Case:
    membership = coach.memberships.first()
    return Case.objects.create(
        candidate=candidate,
        municipality=candidate.municipality,
        responsible_organisation=membership.organisation,
        case_manager=coach,
    )
