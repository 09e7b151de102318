"""Placement descriptions on the match pages and "Stellen für mich"; 25 matches a page, queries constant."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employers.models import Placement
from tests.employers.conftest import make_candidate, make_placement, make_profile

DESCRIPTION = "Wir backen jeden Morgen ab 4 Uhr.\nEin freundliches Team wartet auf Sie."


def _queries(client, url: str) -> tuple[int, str]:
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
