"""A placement's matches served from their last drawing (organisations.kept_page) while every row the
drawing read and the taxonomy it ranked with are unchanged: each serve audits the cards shown, and a
revocation (through the service or a bare UPDATE), a new shortlist entry, a changed card (through the
candidate index's change log) or a reloaded taxonomy is shown at once. A drawing that built an index
is not kept, and the drawing reads no cache but the taxonomy's version."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Consent, ConsentScope
from candidates.services import consent_revoke
from employers import views
from employers.services import shortlist_add
from matching.index import forget_indexes
from matching.services import taxonomy_index_invalidate
from organisations import kept_page
from tests.factories import LanguageSkillFactory
from tests.fixtures.users import login_with_mfa
from tests.organisations.helpers import drawings, kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL"),
]


@pytest.fixture
def draws(monkeypatch) -> list[int]:
    """How often the matches page was drawn (not served kept)."""
    return drawings(monkeypatch, views, "_placement_matches")


def _url(placement) -> str:
    return reverse("employers:placement_matches", args=[placement.pk])


def test_a_matches_page_asked_again_is_kept_and_audited_on_every_serve(
    placement, cooks, employer, draws, cards_audited
):
    client = login_with_mfa(Client(enforce_csrf_checks=True), employer.own)
    first = kept(client, _url(placement))
    again = client.get(_url(placement)).content.decode()
    assert len(draws) == 2 and first.count('data-testid="match"') == 4
    assert again.count('data-testid="match"') == 4
    people = sorted((c.pk, c.municipality_id) for c in cooks)
    assert len(cards_audited) == 3 and all(sorted(a) == people for a in cards_audited)
    # The kept page's shortlist form works: its CSRF token is this request's.
    token = again.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        reverse("employers:shortlist_add", args=[placement.pk]),
        {"csrfmiddlewaretoken": token, "candidate": cooks[1].public_ref, "note": "Probearbeit Montag"},
    )
    assert answer.status_code == 302 and placement.shortlist.get().note == "Probearbeit Montag"


def _revoke(cooks, coach) -> None:
    consent_revoke(consent=Consent.objects.get(candidate=cooks[2], scope=ConsentScope.LISTING), actor=coach)


def _revoke_bare(cooks, coach) -> None:
    Consent.objects.filter(candidate=cooks[2], scope=ConsentScope.LISTING).update(revoked_at=timezone.now())


@pytest.mark.parametrize("revoke", [_revoke, _revoke_bare], ids=["through the service", "a bare UPDATE"])
def test_a_revoked_listing_leaves_a_kept_page_at_once(placement, cooks, employer, coach, draws, revoke):
    client = login_with_mfa(Client(), employer.own)
    assert cooks[2].public_ref in kept(client, _url(placement))
    revoke(cooks, coach)
    body = client.get(_url(placement)).content.decode()
    assert cooks[2].public_ref not in body and body.count('data-testid="match"') == 3
    assert len(draws) == 3


def test_a_shortlist_entry_shows_at_once(placement, cooks, employer, draws):
    client = login_with_mfa(Client(), employer.own)
    assert "Probearbeit Montag" not in kept(client, _url(placement))
    shortlist_add(
        placement=placement, candidate=cooks[1], actor=employer.colleague, note="Probearbeit Montag"
    )
    assert 'value="Probearbeit Montag"' in client.get(_url(placement)).content.decode()
    assert len(draws) == 3


def test_a_changed_card_shows_at_once_after_its_commit(
    placement, cooks, employer, draws, django_capture_on_commit_callbacks
):
    client = login_with_mfa(Client(), employer.own)
    assert "Ukrainisch" not in kept(client, _url(placement))
    with django_capture_on_commit_callbacks(execute=True):  # the index's change log is written
        LanguageSkillFactory(candidate=cooks[0], language="uk", spoken="B2", written="B1")
    assert "Ukrainisch" in client.get(_url(placement)).content.decode()
    assert len(draws) == 3


def test_a_reloaded_taxonomy_draws_the_page_anew(placement, cooks, employer, draws):
    client = login_with_mfa(Client(), employer.own)
    kept(client, _url(placement))
    taxonomy_index_invalidate()
    client.get(_url(placement))
    assert len(draws) == 3


def test_a_drawing_that_built_an_index_is_not_kept(placement, cooks, employer, draws):
    client = login_with_mfa(Client(), employer.own)
    client.get(_url(placement))  # a first visit
    forget_indexes()
    client.get(_url(placement))  # builds the candidate index again: its reads are no rows to check
    assert kept_page._pages == {}
    kept(client, _url(placement))  # the index found in memory: kept
    assert len(draws) == 3


def test_each_employer_user_has_a_page_of_their_own_and_an_outsider_none(
    placement, cooks, employer, draws, cook_taxonomy
):
    own = login_with_mfa(Client(), employer.own)
    kept(own, _url(placement))
    colleague = login_with_mfa(Client(), employer.colleague)
    assert [colleague.get(_url(placement)).status_code for _ in range(3)] == [200] * 3
    assert len(draws) == 4  # the colleague's first visit and drawing; then served kept
    for stranger in (employer.outsider, employer.elsewhere):  # another organisation, municipality
        client = login_with_mfa(Client(), stranger)
        assert [client.get(_url(placement)).status_code for _ in range(3)] == [404] * 3


def test_the_matches_drawing_reads_no_cache_but_the_taxonomys_version(
    placement, cooks, employer, monkeypatch
):
    """A value read from a cache could change while every row stays the same: the drawing reads only
    the ESCO taxonomy's version (watched). What the audit of the cards reads runs on every serve."""
    client = login_with_mfa(Client(), employer.own)
    client.get(_url(placement))
    draw = views._placement_matches
    read: list[str] = []

    def drawing(request, pk, keep):
        backends = [caches[alias] for alias in caches.settings]
        with pytest.MonkeyPatch.context() as patch:
            for backend in backends:
                for method in ("get", "get_many", "has_key", "get_or_set", "incr", "add"):
                    original = getattr(backend, method)

                    def recording(*args, _m=method, _original=original, **kwargs):
                        if not keep.inside:  # (an every-time act, not part of the page)
                            read.append(f"{_m} {args[0] if args else ''}")
                        return _original(*args, **kwargs)

                    patch.setattr(backend, method, recording)
            return draw(request, pk, keep)

    monkeypatch.setattr(views, "_placement_matches", drawing)
    assert client.get(_url(placement)).content.decode().count('data-testid="match"') == 4
    assert read == ["get matching:taxonomy-version"]
