"""Placement descriptions on the match pages and "Stellen für mich"; 25 matches a page, queries constant."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employers.models import Placement
from organisations.kept_page import forget_pages
from tests.factories import make_candidate, make_placement, make_profile

DESCRIPTION = "Wir backen jeden Morgen ab 4 Uhr.\nEin freundliches Team wartet auf Sie."


def _queries(client, url: str) -> tuple[int, str]:
    forget_pages()  # a drawing is measured, not a page kept from the last one (organisations.kept_page)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_description_the_employer_typed_is_shown_where_the_placement_is_matched(
    placement, candidate, candidate_user, coach, employer, signed_in
):
    Placement.objects.filter(pk=placement.pk).update(description=DESCRIPTION)
    pages = [
        (candidate_user, reverse("employers:my_jobs")),
        (coach, reverse("employers:candidate_jobs", args=[candidate.pk])),
        (employer.own, reverse("employers:placement_matches", args=[placement.pk])),
        (employer.own, reverse("employers:placement_detail", args=[placement.pk])),
    ]
    for user, url in pages:
        body = signed_in(user).get(url).content.decode()
        assert "Wir backen jeden Morgen ab 4 Uhr.<br>Ein freundliches Team wartet auf Sie." in body, url


def test_matches_come_25_a_page_with_the_same_number_of_queries(
    placement, employer, municipality, cook_taxonomy, signed_in
):
    for _ in range(27):
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    client.get(url)  # builds the matching index
    client.get(f"{url}?seite=2")  # both pages' card views are audited once a day: now both seen
    first, body = _queries(client, url)
    assert body.count('data-testid="match"') == 25 and "?seite=2" in body and "Seite 1 von 2" in body
    second, body = _queries(client, f"{url}?seite=2")
    assert body.count('data-testid="match"') == 2
    assert first == second
    for _ in range(30):
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    from matching.index import forget_indexes

    forget_indexes()  # the refresh task runs on commit, which this test's transaction never reaches
    client.get(url)
    client.get(f"{url}?seite=2")  # its new cards' views audited (one insert): measured seen, as above
    more, body = _queries(client, f"{url}?seite=2")
    assert body.count('data-testid="match"') == 25 and "Seite 2 von 3" in body
    assert more == first
    # A page number out of range or not a number gives the nearest page, never a 500.
    assert client.get(f"{url}?seite=99").status_code == 200
    assert client.get(f"{url}?seite=x").status_code == 200


def test_jobs_for_me_come_25_a_page_with_the_same_number_of_queries(
    candidate, candidate_user, employer, cook_taxonomy, signed_in
):
    profile = make_profile(employer.organisation)
    for n in range(27):
        make_placement(
            profile, cook_taxonomy.cook, title=f"Koch {n}", skills=[(cook_taxonomy.skills[0], "essential")]
        )
    client = signed_in(candidate_user)
    url = reverse("employers:my_jobs")
    client.get(url)  # the session's first request does its own bookkeeping
    first, body = _queries(client, url)
    assert body.count('data-testid="job"') == 25 and "?seite=2" in body
    second, body = _queries(client, f"{url}?seite=2")
    assert body.count('data-testid="job"') == 2
    assert first == second
    for n in range(30):
        make_placement(profile, cook_taxonomy.cook, title=f"Beikoch {n}")
    more, _body = _queries(client, f"{url}?seite=2")
    assert more == first


def test_a_page_shows_exactly_the_whole_rankings_listed_people_even_when_the_index_lags(
    placement, employer, municipality, cook_taxonomy, signed_in
):
    """The page ranks only its own people (issue 21): the first and the second page are the whole
    ranking filtered by live listing consent, also while the index still holds people whose
    consent was revoked (the refresh task has not run yet) - they must not leave a page short."""
    import random

    from django.utils import timezone

    from candidates.models import Candidate, Consent, ConsentScope
    from employers.matching import placement_record
    from matching.index import candidate_index, forget_indexes
    from matching.services import match_candidates

    rng = random.Random(4)
    skills = cook_taxonomy.skills
    for _ in range(60):
        make_candidate(
            municipality,
            occupation=rng.choice([cook_taxonomy.cook, cook_taxonomy.welder, None]),
            years=rng.randint(0, 9),
            skills=rng.sample(skills, k=rng.randint(0, 4)),
            german=rng.choice(["A1", "A2", "B1", "B2", None]),
            hours_per_week_max=rng.choice([20, 30, 40]),
            postcode=rng.choice(["44135", "44137", "45127", "48143"]),
        )
    forget_indexes()
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    client.get(url)  # builds the index with everyone listed
    index = candidate_index(municipality_id=placement.municipality_id)
    whole = [
        int(m.candidate_id) for m in match_candidates(placement=placement_record(placement), candidates=index)
    ]
    assert len(whole) > 30
    # Revoked behind the index's back: four from the top of the ranking, one from the second page.
    revoked = [whole[0], whole[3], whole[10], whole[11], whole[27]]
    Consent.objects.filter(candidate_id__in=revoked, scope=ConsentScope.LISTING).update(
        revoked_at=timezone.now()
    )
    assert candidate_index(municipality_id=placement.municipality_id) is index  # still holds them
    listed = [pk for pk in whole if pk not in revoked]
    refs = dict(Candidate.objects.values_list("pk", "public_ref"))
    pages = -(-len(listed) // 25)
    for number, expected in [(1, listed[:25]), (2, listed[25:50])]:
        body = client.get(f"{url}?seite={number}").content.decode()
        shown = [ref for ref in (refs[pk] for pk in listed) if f'name="candidate" value="{ref}"' in body]
        positions = sorted(shown, key=lambda ref: body.index(f'name="candidate" value="{ref}"'))
        assert positions == [refs[pk] for pk in expected], number
        assert f"Seite {number} von {pages}" in body
        assert not any(f'value="{refs[pk]}"' in body for pk in revoked)


def test_the_ranking_is_remembered_until_the_index_or_the_placement_changes(
    placement, employer, municipality, cook_taxonomy, signed_in, monkeypatch
):
    """Issue 21: the page ranks once per placement, index state and filter in a process, not on
    every request; a change of the index or of the placement ranks again (and shows it)."""
    from candidates.models import Candidate
    from employers.models import PlacementSkill
    from matching.engine.scoring import Matcher
    from matching.index import forget_indexes

    rankings = []
    original = Matcher.rank_candidates

    def counting(self, *args, **kwargs):
        rankings.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Matcher, "rank_candidates", counting)
    for _ in range(3):
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    forget_indexes()
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    first = client.get(url).content.decode()
    assert client.get(url).content.decode().count('data-testid="match"') == 3
    client.get(f"{url}?seite=1")
    assert len(rankings) == 1 and first.count('data-testid="match"') == 3

    newcomer = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    forget_indexes()  # the refresh task runs on commit, which this test's transaction never reaches
    body = client.get(url).content.decode()
    assert len(rankings) == 2 and body.count('data-testid="match"') == 4
    assert Candidate.objects.get(pk=newcomer.pk).public_ref in body

    PlacementSkill.objects.filter(placement=placement).first().delete()
    client.get(url)
    assert len(rankings) == 3


def test_a_request_reads_the_taxonomy_token_once(placement, employer, candidate, signed_in, monkeypatch):
    """Issue 21: the matches page asks for the ESCO index four times; the token comes from the cache
    once per request, and a reload between requests is seen by the next one."""
    from matching import services

    reads = []
    real = services.cache

    class Counting:
        def get(self, key, *args, **kwargs):
            if key == services._TAXONOMY_VERSION_KEY:
                reads.append(key)
            return real.get(key, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(services, "cache", Counting())
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    client.get(url)
    reads.clear()
    assert client.get(url).status_code == 200
    assert len(reads) == 1
    before = services.taxonomy_index()
    services.taxonomy_index_invalidate()
    assert services.taxonomy_index() is not before  # outside a request: read every time
    reads.clear()
    assert client.get(url).status_code == 200
    assert len(reads) == 1
