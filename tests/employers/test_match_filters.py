"""The matches page's filter (issue 16): distance, German level, available by the start. It narrows
the ranked list (scores and explanations unchanged), keeps bad input with its error, survives
paging, and costs no query more however many people match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employers import selectors
from matching.index import forget_indexes
from organisations.kept_page import forget_pages
from tests.clock import TODAY
from tests.factories import make_candidate
from tests.fixtures.employers import four_cooks

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def people(placement, municipality, cook_taxonomy):
    """Four cooks for a placement in Dortmund (44135) that starts in 30 days and asks for A2."""
    return four_cooks(placement, municipality, cook_taxonomy, today=TODAY)


def _shown(body: str, people: dict) -> set[str]:
    return {name for name, c in people.items() if f'name="candidate" value="{c.public_ref}"' in body}


def test_each_filter_narrows_the_matches_to_the_people_it_fits(placement, employer, people, signed_in):
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    start = placement.start_date.isoformat()
    assert _shown(client.get(url).content.decode(), people) == {"near", "muenster", "a2", "late"}
    for query, expected in [
        ("radius=20", {"near", "a2", "late"}),  # Münster is about 60 km away
        ("german=B1", {"near", "muenster", "late"}),
        (f"available_by={start}", {"near", "muenster", "a2"}),  # "late" starts 60 days after
        (f"radius=20&german=B1&available_by={start}", {"near"}),
        ("radius=20&german=C2", set()),
    ]:
        body = client.get(f"{url}?{query}").content.decode()
        assert _shown(body, people) == expected, query
    body = client.get(f"{url}?radius=20&german=C2").content.decode()
    assert 'data-testid="filter-empty"' in body
    # The form shows what was asked for, and the start of the placement beside the date.
    body = client.get(f"{url}?radius=20&german=B1&available_by={start}").content.decode()
    assert 'name="radius" value="20"' in body and f'value="{start}"' in body
    assert '<option value="B1" selected>' in body
    assert "Beginn der Stelle: " + placement.start_date.strftime("%d.%m.%Y") in body


def test_the_filter_changes_who_is_listed_never_their_score_or_explanation(placement, employer, people):
    whole = {row.card.ref: row for row in selectors.placement_matches(user=employer.own, placement=placement)}
    narrowed = selectors.placement_matches(user=employer.own, placement=placement, max_km=20, min_german="B1")
    assert [row.card.ref for row in narrowed] == [
        ref for ref in whole if ref in {people["near"].public_ref, people["late"].public_ref}
    ]
    for row in narrowed:
        assert row == whole[row.card.ref]


def test_bad_filter_input_is_said_and_kept_and_the_valid_rest_still_filters(
    placement, employer, people, signed_in
):
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    response = client.get(f"{url}?radius=zehn&german=B1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bitte eine ganze Zahl von 1 bis 300 angeben." in body and 'value="zehn"' in body
    assert _shown(body, people) == {"near", "muenster", "late"}  # German still narrows
    for query, message in [
        ("radius=0", "Bitte eine ganze Zahl von 1 bis 300 angeben."),
        ("radius=99999999999999999999", "Bitte eine ganze Zahl von 1 bis 300 angeben."),
        ("german=Z9", "Bitte ein Niveau von A1 bis C2 auswählen."),
        ("available_by=2027-13-45", "Bitte ein gültiges Datum angeben"),
        ("available_by=0001-01-01", "Bitte ein Datum zwischen"),
    ]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200 and message in response.content.decode(), query
        assert _shown(response.content.decode(), people) == {"near", "muenster", "a2", "late"}, query


def test_paging_keeps_the_filter(placement, employer, municipality, cook_taxonomy, signed_in):
    for _ in range(27):
        make_candidate(
            municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], german="B2"
        )
    for _ in range(3):
        make_candidate(
            municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], german="A2"
        )
    forget_indexes()
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    body = client.get(f"{url}?german=B2").content.decode()
    assert "Seite 1 von 2" in body and 'href="?german=B2&amp;seite=2"' in body
    body = client.get(f"{url}?german=B2&seite=2").content.decode()
    assert body.count('data-testid="match"') == 2 and 'href="?german=B2&amp;seite=1"' in body


def _queries(client, url: str) -> int:
    forget_pages()  # a drawing is measured, not a page kept from the last one (organisations.kept_page)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_a_filtered_page_costs_the_same_queries_however_many_people_match(
    placement, employer, municipality, cook_taxonomy, signed_in
):
    def add(n: int) -> None:
        for i in range(n):
            make_candidate(
                municipality,
                occupation=cook_taxonomy.cook,
                skills=cook_taxonomy.skills[:2],
                german="B2",
                postcode="44137" if i % 2 else "48143",  # half within 20 km
            )
        forget_indexes()  # the refresh task runs on commit, which this test's transaction never reaches

    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk]) + "?radius=20&german=B1"
    add(6)
    client.get(url)  # builds the index; the cards' views are audited once a day: now seen
    few = _queries(client, url)
    assert client.get(url).content.decode().count('data-testid="match"') == 3
    add(60)
    client.get(url)
    many = _queries(client, url)
    assert client.get(url).content.decode().count('data-testid="match"') == 25
    assert many == few


def test_jobs_for_me_filter_by_distance_for_the_person_and_their_case_manager(
    candidate, candidate_user, coach, employer, cook_taxonomy, signed_in
):
    from tests.factories import make_placement, make_profile

    profile = make_profile(employer.organisation)
    near = make_placement(profile, cook_taxonomy.cook, title="Koch Dortmund", postcode="44137")
    far = make_placement(profile, cook_taxonomy.cook, title="Koch Münster", postcode="48143")

    def shown(body: str) -> set[str]:
        return {p.title for p in (near, far) if f'id="job-{p.pk}"' in body}

    for user, url in [
        (candidate_user, reverse("employers:my_jobs")),
        (coach, reverse("employers:candidate_jobs", args=[candidate.pk])),
    ]:
        client = signed_in(user)
        assert shown(client.get(url).content.decode()) == {"Koch Dortmund", "Koch Münster"}
        body = client.get(f"{url}?radius=20").content.decode()
        assert shown(body) == {"Koch Dortmund"} and 'name="radius" value="20"' in body
        body = client.get(f"{url}?radius=-3").content.decode()
        assert "Bitte eine ganze Zahl von 1 bis 300 angeben." in body and 'value="-3"' in body
        assert shown(body) == {"Koch Dortmund", "Koch Münster"}
    # "Interessiert mich" brings the person back to the list as they had filtered it.
    response = signed_in(candidate_user).post(
        reverse("employers:job_interest", args=[near.pk]), {"seite": "1", "radius": "20"}
    )
    assert response.status_code == 302 and response.url.endswith(f"?radius=20&seite=1#job-{near.pk}")
