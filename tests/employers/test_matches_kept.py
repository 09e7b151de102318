"""A matches page kept in the worker's memory (employers.selectors.placement_matches, issue 21):
cheaper when seen again, the shortlist and the listing always live, never older than a change."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import Candidate, Consent, ConsentScope
from candidates.services import consent_revoke
from employers import selectors
from employers.services import shortlist_add
from privacy.models import AuditEntry
from tests.factories import LanguageSkillFactory, make_candidate


def _get(client, placement, language: str = "de"):
    with translation.override(language):
        url = reverse("employers:placement_matches", args=[placement.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def _refs(response) -> list[str]:
    return [m.card.ref for m in response.context["matches"]]


def _sections(response) -> list[str]:
    return [card + explanation for _m, card, explanation in response.context["match_cards"]]


def test_a_page_seen_again_is_the_same_for_fewer_queries_and_audited(placement, cooks, employer, signed_in):
    own = signed_in(employer.own)
    first, read = _get(own, placement)
    again, kept = _get(own, placement)
    assert kept < read
    assert _sections(again) == _sections(first) and len(_sections(first)) == 4
    assert again.context["matches"].paginator.count == 4
    colleague, _ = _get(signed_in(employer.colleague), placement)
    assert _refs(colleague) == _refs(first)
    audited = AuditEntry.objects.filter(actor_id=employer.colleague.pk).values_list("record_id", flat=True)
    assert set(audited) == {str(c.pk) for c in cooks}


def test_the_shortlist_is_read_anew_on_a_kept_page(placement, cooks, employer, signed_in):
    own = signed_in(employer.own)
    _get(own, placement)
    shortlist_add(placement=placement, candidate=cooks[1], actor=employer.own, note="Probearbeit Montag")
    page, _ = _get(own, placement)
    row = next(m for m in page.context["matches"] if m.card.ref == cooks[1].public_ref)
    assert row.shortlisted and row.note == "Probearbeit Montag"
    assert 'value="Probearbeit Montag"' in page.content.decode()


def test_a_revocation_through_the_service_leaves_the_page_and_the_count(
    placement, cooks, employer, coach, signed_in
):
    own = signed_in(employer.own)
    _get(own, placement)
    consent_revoke(consent=Consent.objects.get(candidate=cooks[2], scope=ConsentScope.LISTING), actor=coach)
    page, _ = _get(own, placement)
    assert cooks[2].public_ref not in _refs(page)
    assert page.context["matches"].paginator.count == 3


def test_a_revocation_without_any_signal_leaves_the_page(placement, cooks, employer, signed_in):
    own = signed_in(employer.own)
    _get(own, placement)
    Consent.objects.filter(candidate=cooks[3], scope=ConsentScope.LISTING).update(revoked_at=timezone.now())
    assert cooks[3].public_ref not in _refs(_get(own, placement)[0])


def test_a_change_to_a_card_shows_after_its_commit(
    placement, cooks, employer, signed_in, django_capture_on_commit_callbacks
):
    own = signed_in(employer.own)
    before, _ = _get(own, placement)
    assert "Ukrainisch" not in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        LanguageSkillFactory(candidate=cooks[0], language="uk", spoken="B2", written="B1")
    after, _ = _get(own, placement)
    card = next(m.card for m in after.context["matches"] if m.card.ref == cooks[0].public_ref)
    assert any(name == "Ukrainisch" for name, *_levels in card.languages)


def test_kept_pages_are_per_language(placement, cooks, employer, signed_in):
    own = signed_in(employer.own)
    german, _ = _get(own, placement, "de")
    english, _ = _get(own, placement, "en")
    assert "Arabisch" in _sections(german)[0] and "Arabic" in _sections(english)[0]
    assert "Arabic" not in _sections(_get(own, placement, "de")[0])[0]


def test_a_kept_page_is_read_anew_after_its_time(placement, cooks, employer, signed_in, monkeypatch):
    own = signed_in(employer.own)
    _get(own, placement)
    # A write that reaches neither the listing token nor the index (a bare UPDATE of a card field):
    # a kept page may show it late, never later than its time.
    Candidate.objects.filter(pk=cooks[0].pk).update(hours_per_week_max=31)
    monkeypatch.setattr(selectors, "KEPT_SECONDS", 0)
    page, _ = _get(own, placement)
    card = next(m.card for m in page.context["matches"] if m.card.ref == cooks[0].public_ref)
    assert card.hours_max == 31


def test_another_employers_placement_never_gets_this_page(
    placement, cooks, employer, signed_in, cook_taxonomy
):
    from tests.factories import make_placement, make_profile

    _get(signed_in(employer.own), placement)
    theirs = make_placement(make_profile(employer.other_organisation), cook_taxonomy.cook)
    assert signed_in(employer.outsider).get(
        reverse("employers:placement_matches", args=[placement.pk])
    ).status_code in (403, 404)
    page, _ = _get(signed_in(employer.outsider), theirs)
    assert page.context["matches"].paginator.count == 4
    assert all(f"placement={theirs.pk}" in section for section in _sections(page))


def test_a_listing_ending_on_another_page_moves_the_kept_pages_up(
    placement, employer, coach, municipality, cook_taxonomy, signed_in
):
    people = [
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
        for _ in range(27)
    ]
    own = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    first = own.get(url).context["matches"]
    second = own.get(f"{url}?seite=2").context["matches"]
    assert (first.paginator.count, len(second.object_list)) == (27, 2)
    leaving = next(p for p in people if p.public_ref == first.object_list[0].card.ref)
    consent_revoke(consent=Consent.objects.get(candidate=leaving, scope=ConsentScope.LISTING), actor=coach)
    second = own.get(f"{url}?seite=2").context["matches"]
    assert (second.paginator.count, len(second.object_list)) == (26, 1)
