"""Browsing anonymised candidates: nothing identifying leaks, filters work, queries stay constant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate, Consent, ConsentScope, WorkPermission
from employers.models import SavedSearch
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import (
    SECRET_BIRTH,
    SECRET_EMAIL_DOMAIN,
    SECRET_FIRST,
    SECRET_LAST,
    SECRET_NATIONALITY,
    SECRET_STREET,
    QualificationFactory,
    make_candidate,
)

BROWSE = "employers:browse"

# The filters are built from TODAY (the parameters at import): the clock stands at noon in Berlin
# that day (tests/clock.py).
pytestmark = pytest.mark.usefixtures("frozen_today")


def _leaks(text: str) -> list[str]:
    secrets = [
        SECRET_FIRST,
        SECRET_LAST,
        SECRET_NATIONALITY,
        SECRET_STREET,
        SECRET_EMAIL_DOMAIN,
        "+49 170",
        SECRET_BIRTH.isoformat(),
        SECRET_BIRTH.strftime("%d.%m.%Y"),
        "weiblich",
        "female",
    ]
    return [s for s in secrets if s.lower() in text.lower()]


@pytest.fixture
def listed(municipality, cook_taxonomy):
    skills = cook_taxonomy.skills
    return {
        "cook": make_candidate(
            municipality, occupation=cook_taxonomy.cook, years=6, skills=skills[:2], german="B2"
        ),
        "junior": make_candidate(
            municipality,
            occupation=cook_taxonomy.cook,
            years=0,
            skills=skills[:1],
            german="A2",
            work_permission=WorkPermission.NEEDS_APPROVAL,
        ),
        "welder": make_candidate(
            municipality,
            occupation=cook_taxonomy.welder,
            years=2,
            german="B1",
            postcode="80331",
            available_from=TODAY + timedelta(days=200),
        ),
        "unlisted": make_candidate(municipality, occupation=cook_taxonomy.cook, listed=False),
    }


def _refs(response) -> list[int]:
    return [card.ref for card in response.context["cards"]]


def test_cards_show_work_facts_and_nothing_identifying(employer, listed, signed_in):
    response = signed_in(employer.own).get(reverse(BROWSE))
    html = response.content.decode()
    assert response.status_code == 200
    assert _leaks(html) == []
    assert "Koch/Köchin" in html and "Messer handhaben" in html
    assert "Deutsch" in html and "mündlich B2" in html
    assert "darf arbeiten" in html and "braucht Zustimmung der Ausländerbehörde" in html
    assert "ca. 0 km" in html  # same postcode as the employer


def test_only_live_listing_consents_appear(employer, listed, signed_in):
    client = signed_in(employer.own)
    assert listed["unlisted"].public_ref not in _refs(client.get(reverse(BROWSE)))
    Consent.objects.filter(candidate=listed["cook"], scope=ConsentScope.LISTING).update(
        revoked_at=timezone.now()
    )
    refs = _refs(client.get(reverse(BROWSE)))
    assert listed["cook"].public_ref not in refs and listed["junior"].public_ref in refs


def test_employers_of_another_municipality_see_none_of_them(employer, listed, signed_in):
    assert _refs(signed_in(employer.elsewhere).get(reverse(BROWSE))) == []


def test_csv_export_is_anonymous_too(employer, listed, signed_in):
    response = signed_in(employer.own).get(reverse("employers:browse_export"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert _leaks(text) == []
    assert "Koch/Köchin (6)" in text and listed["cook"].public_ref in text


def test_select_and_introduction_pages_stay_anonymous_before_acceptance(
    employer, listed, signed_in, cook_taxonomy
):
    from employers import services
    from tests.factories import make_placement, make_profile

    client = signed_in(employer.own)
    page = client.get(reverse("employers:select_candidate", args=[listed["cook"].public_ref]))
    assert page.status_code == 200 and _leaks(page.content.decode()) == []
    placement = make_placement(make_profile(employer.organisation), cook_taxonomy.cook)
    intro = services.introduction_select(placement=placement, candidate=listed["cook"], actor=employer.own)
    detail = client.get(reverse("employers:introduction_detail", args=[intro.reference]))
    assert _leaks(detail.content.decode()) == []
    matches = client.get(reverse("employers:placement_matches", args=[placement.pk]))
    assert matches.status_code == 200 and _leaks(matches.content.decode()) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"occupation": "http://esco.test/occupation/cook"}, {"cook", "junior"}),
        ({"skills": ["http://esco.test/skill/knife", "http://esco.test/skill/hygiene"]}, {"cook"}),
        (
            {
                "skills": ["http://esco.test/skill/knife", "http://esco.test/skill/hygiene"],
                "skills_mode": "any",
            },
            {"cook", "junior"},
        ),
        ({"german": "B1"}, {"cook", "welder"}),
        ({"postcode": "44135", "radius": "30"}, {"cook", "junior"}),
        ({"kind": "job"}, {"cook", "welder"}),
        ({"available_by": (TODAY + timedelta(days=30)).isoformat()}, {"cook", "junior"}),
    ],
)
def test_filters(employer, listed, signed_in, query, expected):
    refs = set(_refs(signed_in(employer.own).get(reverse(BROWSE), query)))
    assert refs == {listed[name].public_ref for name in expected}


def test_sorting_by_experience_puts_the_most_experienced_first(employer, listed, signed_in):
    refs = _refs(signed_in(employer.own).get(reverse(BROWSE), {"sort": "experience"}))
    assert refs[0] == listed["cook"].public_ref


def test_an_unknown_postcode_is_a_form_error_with_the_input_kept(employer, listed, signed_in):
    response = signed_in(employer.own).get(reverse(BROWSE), {"postcode": "00000", "radius": "10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Diese Postleitzahl gibt es nicht." in html and 'value="00000"' in html


def test_htmx_requests_get_only_the_results(employer, listed, signed_in):
    response = signed_in(employer.own).get(reverse(BROWSE), {"german": "B1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="candidate-card"' in html


def test_a_filter_with_errors_is_said_out_of_band_in_the_htmx_answer(employer, listed, signed_in):
    """The htmx answer redraws the results only: what is wrong with the filter comes along out of
    band, at the top of the form, each error with the field it belongs to; a corrected filter
    empties that region again."""
    client = signed_in(employer.own)
    response = client.get(
        reverse(BROWSE),
        {"postcode": "44135", "radius": "500"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    region = html[html.index('<div id="browse-filter-errors" hx-swap-oob="true">') :]
    assert 'href="#id_radius">Umkreis (km)</a>:' in region and 'role="alert"' in region
    wrong = "http://testserver/app/employers/candidates/?postcode=44135&radius=500"
    # Asked again from the page that shows that error (any field changed): the list is left alone,
    # not inserted again to be read out again.
    response = client.get(
        reverse(BROWSE),
        {"postcode": "44135", "radius": "500", "german": "B1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=wrong,
    )
    assert "browse-filter-errors" not in response.content.decode()
    # Corrected: the list comes along, empty.
    response = client.get(
        reverse(BROWSE),
        {"postcode": "44135", "radius": "30"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=wrong,
    )
    html = response.content.decode()
    assert '<div id="browse-filter-errors" hx-swap-oob="true">' in html
    assert 'role="alert"' not in html and 'data-testid="candidate-card"' in html
    # A radius of 2.5 is no whole number here either (the matches filter's rule).
    response = client.get(reverse(BROWSE), {"postcode": "44135", "radius": "2.5"}, HTTP_HX_REQUEST="true")
    assert "Bitte eine ganze Zahl von 1 bis 300 angeben." in response.content.decode()


def test_saved_search_round_trip(employer, listed, signed_in):
    client = signed_in(employer.own)
    client.post(reverse("employers:saved_search_create"), {"name": "Köche", "query": "german=B1&sort=hours"})
    search = SavedSearch.objects.get(user=employer.own)
    assert search.query == "german=B1&sort=hours"
    page = client.get(reverse(BROWSE)).content.decode()
    assert "Köche" in page and "?german=B1&amp;sort=hours" in page
    # Someone else's saved search cannot be deleted: 404.
    assert (
        signed_in(employer.colleague)
        .post(reverse("employers:saved_search_delete", args=[search.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("size", [10, 50])
def test_queries_per_page_do_not_grow_with_page_size(
    employer, municipality, cook_taxonomy, signed_in, django_assert_max_num_queries, size
):
    for i in range(60):
        make_candidate(
            municipality, occupation=cook_taxonomy.cook, years=i % 7, skills=cook_taxonomy.skills[:3]
        )
    client = signed_in(employer.own)
    # 11 for the page (occupations, skills and recognised qualifications of the cards in one query,
    # issue 21), 1 for the unread count in the navigation (tests/notifications), 2 for the audit of
    # the cards shown (which were seen today, then one insert for the others), 1 for the state the
    # page is kept under (employers.browse_results: a page seen again costs fewer).
    with django_assert_max_num_queries(15):
        response = client.get(
            reverse(BROWSE),
            {"size": size, "german": "A1", "sort": "experience", "postcode": "44135", "radius": "50"},
        )
    assert len(response.context["cards"]) == size


def _browse_queries(client, **query) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(BROWSE), query)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["cards"])


def test_queries_per_page_do_not_grow_with_the_number_of_people_listed(
    employer, municipality, cook_taxonomy, signed_in
):
    """The same page costs the same queries with 6 and with 30 people listed, every card carrying
    occupations, skills, languages and a recognised qualification (issue 21)."""
    client = signed_in(employer.own)
    counts = []
    for total in (6, 30):
        while Candidate.objects.filter(municipality=municipality).count() < total:
            i = Candidate.objects.count()
            candidate = make_candidate(
                municipality,
                occupation=cook_taxonomy.cook,
                years=i % 7,
                skills=cook_taxonomy.skills[: 1 + i % 3],
            )
            QualificationFactory(
                candidate=candidate,
                title="Aşçılık",
                kind="vocational",
                country="Türkei",
                recognition_status="partial",
                recognition_occupation=cook_taxonomy.cook,
            )
        # seen before today: every card is audited again (the page's largest write path)
        AuditEntry.objects.all().delete()
        counts.append(_browse_queries(client, size=25, german="A1", sort="experience"))
    assert counts[0][1] == 6 and counts[1][1] == 25
    assert counts[0][0] == counts[1][0] <= 15  # the page read anew (new people, new state): see above
