from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from employers.models import EmployerProfile, Placement, PlacementSkill, PlacementStatus, Sector
from organisations.models import OrganisationKind, VerificationStatus
from taxonomy.models import Occupation, OccupationSkill, Skill
from tests.factories import (
    EmployerProfileFactory,
    OccupationFactory,
    OrganisationFactory,
    PlacementSkillFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def occupation() -> Occupation:
    return OccupationFactory(uri="test:occ:cook", label_de="Koch/Köchin", isco_code="5120")


@pytest.fixture
def skill() -> Skill:
    return SkillFactory(uri="test:skill:hygiene", label_de="Lebensmittelhygiene einhalten")


@pytest.fixture
def employer() -> EmployerProfile:
    org = OrganisationFactory(kind=OrganisationKind.EMPLOYER, name="Gasthaus Zur Linde")
    return EmployerProfileFactory(organisation=org, sector=Sector.GASTRONOMIE, contact_name="")


def make_placement(employer: EmployerProfile, occupation: Occupation, **kwargs) -> Placement:
    # A direct create: these tests check the model's own defaults (a draft) and its constraints.
    return Placement.objects.create(
        employer=employer,
        municipality=employer.organisation.municipality,
        title="Koch/Köchin (m/w/d)",
        occupation=occupation,
        postcode="34117",
        **kwargs,
    )


def test_employer_verification_follows_the_organisation(employer):
    assert employer.is_verified
    employer.organisation.verification_status = VerificationStatus.PENDING
    employer.organisation.save()
    assert not EmployerProfile.objects.get(pk=employer.pk).is_verified


def test_an_organisation_has_at_most_one_employer_profile(employer):
    # A direct create: the factory would fetch the existing profile; the constraint is checked.
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployerProfile.objects.create(organisation=employer.organisation, sector=Sector.HANDEL)


def test_a_new_placement_is_a_draft_until_published(employer, occupation):
    placement = make_placement(employer, occupation)
    assert placement.status == PlacementStatus.DRAFT and not placement.is_open


def test_a_placement_offers_at_least_one_opening(employer, occupation):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_placement(employer, occupation, openings=0)


def test_a_placement_lists_each_skill_once(employer, occupation, skill):
    placement = make_placement(employer, occupation)
    PlacementSkillFactory(placement=placement, skill=skill, relation=OccupationSkill.Relation.ESSENTIAL)
    with pytest.raises(IntegrityError), transaction.atomic():  # the create is what is checked
        PlacementSkill.objects.create(
            placement=placement, skill=skill, relation=OccupationSkill.Relation.OPTIONAL
        )
    assert [ps.relation for ps in placement.skills.all()] == ["essential"]
