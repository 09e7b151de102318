"""The employer's browse list served from its last drawing (organisations.kept_page) while every row
the drawing read is unchanged: each serve audits the cards shown, its forms work, and a revocation
(through the service or a bare UPDATE), a newly listed person, a saved search or a filter is shown at
once; cards drawn from the worker's kept cards are shown no later than their time; each user, filter
and htmx request has a page of its own; the drawing reads no cache but the worker's kept cards."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate, Consent, ConsentScope
from candidates.services import consent_revoke
from employers import browse_results, views
from organisations import kept_page
from tests.factories import make_candidate
from tests.fixtures.users import login_with_mfa
from tests.organisations.helpers import drawings, kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_today"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL"),
]

URL = "/app/employers/candidates/"


@pytest.fixture
def draws(monkeypatch) -> list[int]:
    """How often the browse page was drawn (not served kept)."""
    return drawings(monkeypatch, views, "_browse_page")


def _cards(body: str) -> int:
    return body.count('data-testid="candidate-card"')


def test_the_url_is_the_browse_pages():
    assert reverse("employers:browse") == URL


def test_a_browse_page_asked_again_is_kept_audited_on_every_serve_and_its_forms_work(
    employer, cooks, draws, cards_audited
):
    client = login_with_mfa(Client(enforce_csrf_checks=True), employer.own)
    first = kept(client, URL)
    again = client.get(URL).content.decode()
    assert len(draws) == 2 and _cards(first) == _cards(again) == 4
    people = sorted((c.pk, c.municipality_id) for c in cooks)
    assert len(cards_audited) == 3 and all(sorted(a) == people for a in cards_audited)
    token = again.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        reverse("employers:saved_search_create"),
        {"csrfmiddlewaretoken": token, "name": "Köche in Dortmund", "query": ""},
    )
    assert answer.status_code == 302
    assert "Köche in Dortmund" in client.get(URL).content.decode()  # the new saved search: drawn anew


def _revoke(cooks, coach) -> None:
    consent_revoke(consent=Consent.objects.get(candidate=cooks[2], scope=ConsentScope.LISTING), actor=coach)


def _revoke_bare(cooks, coach) -> None:
    Consent.objects.filter(candidate=cooks[2], scope=ConsentScope.LISTING).update(revoked_at=timezone.now())


@pytest.mark.parametrize("revoke", [_revoke, _revoke_bare], ids=["through the service", "a bare UPDATE"])
def test_a_revoked_listing_leaves_a_kept_browse_page_at_once(employer, cooks, coach, draws, revoke):
    client = login_with_mfa(Client(), employer.own)
    assert cooks[2].public_ref in kept(client, URL)
    revoke(cooks, coach)
    body = client.get(URL).content.decode()
    assert cooks[2].public_ref not in body and _cards(body) == 3
    assert len(draws) == 3


def test_a_newly_listed_person_shows_at_once(employer, cooks, municipality, cook_taxonomy, draws):
    client = login_with_mfa(Client(), employer.own)
    assert _cards(kept(client, URL)) == 4
    newcomer = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:1])
    body = client.get(URL).content.decode()
    assert newcomer.public_ref in body and _cards(body) == 5


def test_cards_from_the_workers_memory_show_no_later_than_their_time(employer, cooks, draws, monkeypatch):
    client = login_with_mfa(Client(), employer.own)
    client.get(URL)
    kept(client, URL)  # drawn from the cards the first visit kept in the worker's memory
    # A card field changed by a bare UPDATE reaches neither the listing token nor the index.
    Candidate.objects.filter(pk=cooks[0].pk).update(hours_per_week_max=31)
    assert "20–31" not in client.get(URL).content.decode()  # within the cards' time: may show late
    monkeypatch.setattr(browse_results, "KEEP_SECONDS", 0)  # their time is up
    assert "20–31" in client.get(URL).content.decode()


def test_each_user_filter_and_htmx_request_has_a_page_of_its_own(employer, cooks, draws):
    own = login_with_mfa(Client(), employer.own)
    assert _cards(kept(own, URL)) == 4
    filtered = f"{URL}?german=C2"
    assert _cards(kept(own, filtered)) == 0
    htmx = own.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{URL}")
    assert "<html" not in htmx.content.decode() and _cards(htmx.content.decode()) == 4
    assert "<html" in own.get(URL).content.decode()
    colleague = login_with_mfa(Client(), employer.colleague)
    assert [_cards(colleague.get(URL).content.decode()) for _ in range(3)] == [4] * 3
    # Another employer of the municipality browses the same people on a page of its own; one of
    # another municipality never sees them.
    outsider = login_with_mfa(Client(), employer.outsider)
    assert [_cards(outsider.get(URL).content.decode()) for _ in range(3)] == [4] * 3
    elsewhere = login_with_mfa(Client(), employer.elsewhere)
    answers = [elsewhere.get(URL).content.decode() for _ in range(3)]
    assert all(cooks[0].public_ref not in body for body in answers)
    # Drawn: the page and the filtered page twice each (a first visit, the drawing kept), the htmx
    # answer once, the plain page then served kept; each other user's page twice.
    assert len(draws) == 2 + 2 + 1 + 0 + 2 + 2 + 2


def test_the_browse_drawing_reads_no_cache_but_the_workers_kept_cards(employer, cooks, monkeypatch):
    """A value read from a cache could change while every row stays the same: the drawing reads
    only the cards the worker keeps under the listing's state (rows it reads), whose time it watches."""
    client = login_with_mfa(Client(), employer.own)
    client.get(URL)
    draw = views._browse_page
    read: list[str] = []

    def drawing(request, keep):
        with pytest.MonkeyPatch.context() as patch:
            for alias in caches.settings:
                backend = caches[alias]
                for method in ("get", "get_many", "has_key", "get_or_set", "incr", "add"):
                    original = getattr(backend, method)

                    def recording(*args, _m=method, _a=alias, _original=original, **kwargs):
                        if not keep.inside:  # (an every-time act, not part of the page)
                            read.append(f"{_a} {_m} {str(args[0]).split(':')[0] if args else ''}")
                        return _original(*args, **kwargs)

                    patch.setattr(backend, method, recording)
            return draw(request, keep)

    monkeypatch.setattr(views, "_browse_page", drawing)
    assert _cards(client.get(URL).content.decode()) == 4
    assert kept_page._pages  # kept
    assert set(read) <= {"process get browse-page"}
