"""Matching on real rows: records carry nothing protected, the index follows changes."""

from datetime import date

import pytest
from django.utils import timezone

from candidates.matching import candidate_records
from candidates.models import (
    Candidate,
    Consent,
    ConsentScope,
    Gender,
    LanguageSkill,
    ResidenceStatus,
    WorkPermission,
)
from matching import services
from matching.engine.records import PlacementRecord
from matching.index import candidate_index, forget_indexes
from tests.factories import (
    CandidateFactory,
    CandidateOccupationFactory,
    CandidateSkillFactory,
    ConsentFactory,
    MunicipalityFactory,
    make_candidate,
)

COOK_ISCO = "5120"
KASSEL = "34117"  # where the cook's placement is; make_candidate's people live in Dortmund


@pytest.fixture
def cook(esco):
    from taxonomy.models import Occupation

    return Occupation.objects.filter(isco_code=COOK_ISCO).order_by("uri").first()


@pytest.fixture(autouse=True)
def _fresh_indexes():
    forget_indexes()
    yield
    forget_indexes()


def cook_placement(cook, skills):
    return PlacementRecord(
        id="kitchen",
        occupation=cook.uri,
        essential=tuple(s.uri for s in skills),
        min_german="A2",
        postcode=KASSEL,
        hours=40,
        start=date(2027, 1, 4),
    )


def test_records_cost_the_same_queries_for_few_and_many(esco, cook, django_assert_num_queries):
    municipality = MunicipalityFactory()
    skills = list(cook.skills.all()[:3])
    for i in range(3):
        make_candidate(municipality, postcode=KASSEL, occupation=cook, skills=skills, last_name=f"A{i}")
    # candidates, occupations, skills, German, recognised qualifications (issue 14 §3)
    with django_assert_num_queries(5):
        few = candidate_records(queryset=Candidate.objects.filter(municipality=municipality))
    for i in range(12):
        make_candidate(municipality, postcode=KASSEL, occupation=cook, skills=skills, last_name=f"B{i}")
    with django_assert_num_queries(5):
        many = candidate_records(queryset=Candidate.objects.filter(municipality=municipality))
    assert (len(few), len(many)) == (3, 15)
    assert many[0].german == "B1" and many[0].permit == "may_work" and many[0].occupations[0].uri == cook.uri


def test_swapping_protected_attributes_leaves_ranks_unchanged(esco, cook):
    """Nationality, gender, age, residence status (same permit category) never move a rank."""
    municipality = MunicipalityFactory()
    skills = list(cook.skills.order_by("pk")[:6])
    a = make_candidate(
        municipality,
        postcode=KASSEL,
        occupation=cook,
        skills=skills[:4],
        years=2,
        nationality="syrisch",
        gender=Gender.FEMALE,
        birth_date=date(1995, 3, 1),
        residence_status=ResidenceStatus.AUFENTHALTSERLAUBNIS,
    )
    b = make_candidate(
        municipality,
        occupation=cook,
        skills=skills[2:],
        years=5,
        nationality="ukrainisch",
        gender=Gender.MALE,
        birth_date=date(1971, 8, 9),
        residence_status=ResidenceStatus.NIEDERLASSUNGSERLAUBNIS,
        postcode="34119",
    )
    placement = cook_placement(cook, skills)

    def ranking():
        records = candidate_records(queryset=Candidate.objects.filter(pk__in=[a.pk, b.pk]))
        return [
            (m.candidate_id, m.score)
            for m in services.match_candidates(placement=placement, candidates=records)
        ]

    before = ranking()
    swapped = ("nationality", "gender", "birth_date", "residence_status")
    values_a = {f: getattr(a, f) for f in swapped}
    values_b = {f: getattr(b, f) for f in swapped}
    Candidate.objects.filter(pk=a.pk).update(**values_b)
    Candidate.objects.filter(pk=b.pk).update(**values_a)
    after = ranking()
    assert len(before) == 2
    assert before == after


def test_index_follows_profile_and_consent_changes(esco, cook, django_capture_on_commit_callbacks):
    municipality = MunicipalityFactory()
    skills = list(cook.skills.order_by("pk")[:4])
    placement = cook_placement(cook, skills)
    with django_capture_on_commit_callbacks(execute=True):
        strong = make_candidate(
            municipality, postcode=KASSEL, occupation=cook, skills=skills[:2], last_name="Strong"
        )
        weak = make_candidate(municipality, postcode=KASSEL, skills=skills[:1], last_name="Weak")
        unlisted = make_candidate(
            municipality, occupation=cook, skills=skills, listed=False, last_name="Hidden"
        )

    def ranked_ids():
        index = candidate_index(municipality_id=municipality.pk)
        return [m.candidate_id for m in services.match_candidates(placement=placement, candidates=index)]

    assert ranked_ids() == [str(strong.pk), str(weak.pk)]  # no listing consent, never listed

    with django_capture_on_commit_callbacks(execute=True):
        for skill in skills[1:]:
            CandidateSkillFactory(candidate=weak, skill=skill)
        CandidateOccupationFactory(candidate=weak, occupation=cook, years_experience=9)
        LanguageSkill.objects.filter(candidate=weak).update(spoken="C1")  # update() sends no signal…
        weak.save()  # …so the profile save announces the change (services always save)
    assert ranked_ids()[0] == str(weak.pk)

    with django_capture_on_commit_callbacks(execute=True):
        Consent.objects.filter(candidate=strong).update(revoked_at=timezone.now())
        strong.save()
        ConsentFactory(candidate=unlisted, scope=ConsentScope.LISTING)
    assert set(ranked_ids()) == {str(weak.pk), str(unlisted.pk)}


def test_match_with_empty_profile_and_unknown_postcode_does_not_fail(esco, cook):
    municipality = MunicipalityFactory()
    empty = CandidateFactory(
        municipality=municipality,
        first_name="X",
        last_name="Y",
        postcode="00000",
        work_permission=WorkPermission.UNRESTRICTED,
        # The model's blanks, not the factory's details: the profile is empty.
        birth_date=None,
        email="",
        phone="",
        city="",
    )
    records = candidate_records(queryset=Candidate.objects.filter(pk=empty.pk))
    ranked = services.match_candidates(placement=cook_placement(cook, []), candidates=records)
    assert len(ranked) == 1
    explanation = ranked[0].explanation
    assert explanation.distance_km is None and explanation.german is None
    assert explanation.essential_missing  # the placement's ESCO skills, none met


def test_the_ranking_keeps_the_berlin_date_not_the_servers(esco, cook, freeze_now):
    """Issue 19: just after midnight in Berlin the server's UTC date is still yesterday. A placement
    that started already takes people from today on: someone free from the Berlin today is in time."""
    import dataclasses
    import datetime

    from matching.engine.scoring import Matcher

    with pytest.raises(TypeError):
        Matcher(None)  # the core has no clock: every caller says which day it is
    # 23:30 UTC on 31 December is 00:30 on 1 January in Berlin.
    freeze_now(datetime.datetime(2029, 12, 31, 23, 30, tzinfo=datetime.UTC))
    assert timezone.localdate() == date(2030, 1, 1)
    person = make_candidate(
        MunicipalityFactory(), postcode=KASSEL, occupation=cook, available_from=date(2030, 1, 1)
    )
    placement = dataclasses.replace(cook_placement(cook, []), start=date(2029, 12, 1))
    records = candidate_records(queryset=Candidate.objects.filter(pk=person.pk))
    (ranked,) = services.match_candidates(placement=placement, candidates=records)
    assert ranked.explanation.available_in_time is True
