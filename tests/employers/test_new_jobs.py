"""Jobs for me for many people at once (issue 16, "build once, rank many"): the daily "new jobs
that fit you" notice ranks everyone of a municipality over one index of the new placements, with
the same answer as each person's own ranking."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from candidates.matching import candidate_record
from employers.jobs import NEW_JOBS_TOP, jobs_for_many, new_jobs_notify, open_placements
from employers.matching import placement_records
from employers.models import Placement
from employers.notices import NEW_JOBS_CANDIDATE
from matching.engine import scoring
from matching.services import match_placements
from notifications.models import Notification
from tests.factories import UserFactory, make_candidate, make_placement, make_profile


def test_jobs_for_many_builds_one_index_and_ranks_as_one_by_one(
    employer, municipality, cook_taxonomy, monkeypatch
):
    profile = make_profile(employer.organisation)
    skills = cook_taxonomy.skills
    for n, postcode in enumerate(["44135", "44137", "45127", "48143", "44135"]):
        make_placement(
            profile,
            cook_taxonomy.cook if n % 2 else cook_taxonomy.welder,
            title=f"Stelle {n}",
            postcode=postcode,
            skills=[(skills[n % len(skills)], "essential")],
        )
    for n in range(8):
        make_candidate(
            municipality,
            occupation=[cook_taxonomy.cook, cook_taxonomy.welder, None][n % 3],
            skills=skills[: n % 4],
            german=["A2", "B1", "B2", None][n % 4],
            postcode=["44135", "45127", "48143"][n % 3],
        )
    from candidates.models import Candidate

    people = Candidate.objects.filter(municipality=municipality)
    placements = open_placements(municipality_id=municipality.pk)

    builds = []
    real = scoring.PlacementIndex.__init__

    def counting(self, *args, **kwargs):
        builds.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(scoring.PlacementIndex, "__init__", counting)
    together = jobs_for_many(candidates=people, placements=placements)
    assert len(builds) == 1  # one index for all eight people
    assert len(together) == 8
    records = placement_records(queryset=placements)
    for person in people:
        alone = match_placements(candidate=candidate_record(person), placements=records, top=NEW_JOBS_TOP)
        assert together[person.pk] == alone
    assert any(together.values())
    assert len(builds) == 1 + 8  # one by one: an index for each person


def test_people_with_a_login_hear_once_of_new_jobs_that_fit_them(
    employer, municipality, cook_taxonomy, candidate, candidate_user
):
    profile = make_profile(employer.organisation)
    skills = cook_taxonomy.skills
    old = make_placement(profile, cook_taxonomy.cook, title="Koch alt", skills=[(skills[0], "essential")])
    Placement.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    welder_user = UserFactory(is_candidate=True)
    make_candidate(municipality, occupation=cook_taxonomy.welder, user=welder_user)  # fits no cook job
    make_candidate(municipality, occupation=cook_taxonomy.cook, skills=skills[:2])  # no login: no notice

    assert new_jobs_notify() == 0  # only an old placement: nothing new
    make_placement(profile, cook_taxonomy.cook, title="Koch neu", skills=[(skills[0], "essential")])
    assert new_jobs_notify() == 1
    notice = Notification.objects.get(kind=NEW_JOBS_CANDIDATE)
    assert notice.recipient == candidate_user and notice.url_name == "employers:my_jobs"
    assert notice.params == {"count": 1}
    assert not Notification.objects.filter(kind=NEW_JOBS_CANDIDATE, recipient=welder_user).exists()
    assert new_jobs_notify() == 0  # the same day again: told once
