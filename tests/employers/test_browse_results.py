"""A page of the browse list kept in the worker's memory (employers.browse_results, issue 21):
cheaper when seen again, never older than the last change, never shown to whom it does not belong."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import Consent, ConsentScope
from candidates.services import candidate_erase, consent_revoke
from privacy.models import AuditEntry
from tests.factories import CandidateSkillFactory, make_candidate

BROWSE = "employers:browse"

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def people(municipality, cook_taxonomy):
    return [
        make_candidate(municipality, occupation=cook_taxonomy.cook, years=i, skills=cook_taxonomy.skills[:1])
        for i in range(4)
    ]


def _get(client, language: str = "de", **query):
    with translation.override(language):
        url = reverse(BROWSE)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def _refs(response) -> list[str]:
    return [card.ref for card in response.context["cards"]]


def test_a_page_seen_again_is_the_same_list_for_fewer_queries_and_is_audited(employer, people, signed_in):
    own = signed_in(employer.own)
    first, read = _get(own, sort="experience")
    again, kept = _get(own, sort="experience")
    assert kept < read
    assert [str(html) for html in again.context["cards_html"]] == [
        str(html) for html in first.context["cards_html"]
    ]
    assert again.context["page"].paginator.count == first.context["page"].paginator.count == 4
    # A colleague gets the same kept page: their own views of the cards are audited all the same.
    colleague, _ = _get(signed_in(employer.colleague), sort="experience")
    assert _refs(colleague) == _refs(first)
    audited = set(
        AuditEntry.objects.filter(
            actor_id=employer.colleague.pk, record_type="candidates.candidate"
        ).values_list("record_id", flat=True)
    )
    assert audited == {str(p.pk) for p in people}


def test_a_profile_change_shows_on_the_next_page_after_its_commit(
    employer, people, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    own = signed_in(employer.own)
    before, _ = _get(own)
    new_skill = cook_taxonomy.skills[2]
    assert all(new_skill.label_de not in card.skills for card in before.context["cards"])
    with django_capture_on_commit_callbacks(execute=True):
        CandidateSkillFactory(candidate=people[0], skill=new_skill)
    after, _ = _get(own)
    card = next(c for c in after.context["cards"] if c.ref == people[0].public_ref)
    assert new_skill.label_de in card.skills


def test_a_revocation_through_the_service_removes_the_card_at_once(employer, people, coach, signed_in):
    own = signed_in(employer.own)
    assert people[1].public_ref in _refs(_get(own)[0])
    consent = Consent.objects.get(candidate=people[1], scope=ConsentScope.LISTING)
    consent_revoke(consent=consent, actor=coach)
    after, _ = _get(own)
    assert people[1].public_ref not in _refs(after)
    assert after.context["page"].paginator.count == 3


def test_a_revocation_written_without_any_signal_still_removes_the_card(employer, people, signed_in):
    own = signed_in(employer.own)
    _get(own)
    assert people[2].public_ref in _refs(_get(own)[0])  # kept by now
    # A bare UPDATE: no signal, no new token, no change row. Only the live check can see it.
    Consent.objects.filter(candidate=people[2], scope=ConsentScope.LISTING).update(revoked_at=timezone.now())
    assert people[2].public_ref not in _refs(_get(own)[0])


def test_an_erased_person_is_gone_from_a_kept_page(employer, people, coach, signed_in):
    own = signed_in(employer.own)
    _get(own)
    _get(own)
    candidate_erase(candidate=people[3], actor=coach)
    assert people[3].public_ref not in _refs(_get(own)[0])


def test_kept_pages_are_per_language(employer, people, signed_in):
    own = signed_in(employer.own)
    german, _ = _get(own, "de")
    english, _ = _get(own, "en")
    german_again, _ = _get(own, "de")
    assert "Deutsch" in str(german.context["cards_html"][0])
    assert "German" in str(english.context["cards_html"][0])
    assert "German" not in str(german_again.context["cards_html"][0])


def test_distances_are_measured_from_each_employers_own_address(employer, people, signed_in):
    employer.organisation.postcode = "44135"  # Dortmund, where the people live
    employer.organisation.save(update_fields=["postcode"])
    employer.other_organisation.postcode = "10115"  # Berlin
    employer.other_organisation.save(update_fields=["postcode"])
    near, _ = _get(signed_in(employer.own))
    far, _ = _get(signed_in(employer.outsider))
    assert {card.distance_km for card in near.context["cards"]} == {0}
    assert all(card.distance_km > 300 for card in far.context["cards"])
    assert near.context["origin"] == "44135" and far.context["origin"] == "10115"


def test_an_employer_elsewhere_never_gets_this_municipalitys_page(
    employer, people, other_municipality, cook_taxonomy, signed_in
):
    _get(signed_in(employer.own))
    _get(signed_in(employer.own))
    theirs = make_candidate(other_municipality, occupation=cook_taxonomy.cook)
    elsewhere, _ = _get(signed_in(employer.elsewhere))
    assert _refs(elsewhere) == [theirs.public_ref]
    assert elsewhere.context["page"].paginator.count == 1


def test_the_filter_without_the_users_listing_lists_no_one(people):
    from employers.filters import CandidateBrowseFilter

    assert list(CandidateBrowseFilter(None).qs) == []
    assert list(CandidateBrowseFilter(QueryDict("sort=recent")).qs) == []
