"""The re-ranker learns from what employers did with introductions."""

import pytest

from employers.matching import introduction_outcomes
from employers.models import Introduction
from matching import services
from organisations.models import OrganisationKind
from tests.factories import (
    EmployerProfileFactory,
    IntroductionFactory,
    IntroductionStageFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlacementFactory,
    PlacementSkillFactory,
    make_candidate,
)


@pytest.fixture
def kitchen(esco):
    from taxonomy.models import Occupation

    cook = Occupation.objects.filter(isco_code="5120").order_by("uri").first()
    municipality = MunicipalityFactory()
    employer = EmployerProfileFactory(
        organisation=OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER),
        sector="gastronomie",
        contact_name="",
    )
    placement = PlacementFactory(
        employer=employer,
        municipality=municipality,
        title="Koch/Köchin",
        occupation=cook,
        postcode="34117",
        hours_per_week=40,
        status="open",
        min_german_spoken=None,
    )
    skills = list(cook.skills.order_by("pk")[:6])
    for skill in skills:
        PlacementSkillFactory(placement=placement, skill=skill, relation="essential")
    return placement, cook, skills


def introduce(placement, candidate, stages, *, reason=""):
    intro = IntroductionFactory(placement=placement, candidate=candidate, stage="selected")
    for stage in stages:
        IntroductionStageFactory(introduction=intro, stage=stage)
    Introduction.objects.filter(pk=intro.pk).update(stage=stages[-1], close_reason=reason)
    return intro


def test_outcomes_label_interviews_and_hires_positive_and_unsuitable_negative(kitchen):
    placement, cook, skills = kitchen
    municipality = placement.municipality
    hired = make_candidate(municipality, postcode="34117", occupation=cook, skills=skills, last_name="Hired")
    interviewed = make_candidate(
        municipality, postcode="34117", occupation=cook, skills=skills[:4], last_name="Interviewed"
    )
    unsuitable = make_candidate(municipality, postcode="34117", skills=skills[:1], last_name="Unsuitable")
    elsewhere = make_candidate(municipality, postcode="34117", skills=skills[:2], last_name="Elsewhere")
    running = make_candidate(municipality, postcode="34117", skills=skills[:2], last_name="Running")
    introduce(placement, hired, ["accepted", "interview", "offer", "hired"])
    introduce(placement, interviewed, ["accepted", "interview", "closed"], reason="offer_declined")
    introduce(placement, unsuitable, ["closed"], reason="not_suitable")
    introduce(placement, elsewhere, ["closed"], reason="hired_elsewhere")  # says nothing about the match
    introduce(placement, running, ["accepted"])  # not decided yet

    samples = introduction_outcomes()
    labels = sorted(label for _components, label in samples)
    assert labels == [0, 1, 1]
    positive_skills = [c["skills"] for c, label in samples if label == 1]
    negative_skills = [c["skills"] for c, label in samples if label == 0]
    assert min(positive_skills) > max(negative_skills)


def test_training_waits_for_enough_real_decisions(kitchen):
    placement, cook, skills = kitchen
    for i in range(5):
        person = make_candidate(
            placement.municipality, postcode="34117", skills=skills[: 1 + i % 5], last_name=f"P{i}"
        )
        introduce(
            placement,
            person,
            ["accepted", "interview", "hired"] if i % 2 else ["closed"],
            reason="" if i % 2 else "not_suitable",
        )
    assert services.reranker_train() is None  # five decisions are not enough to learn from
