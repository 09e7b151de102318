"""The browse page's count is cached (issue 21), yet every listing change shows on the next request."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import Consent, ConsentScope, ListingVersion
from tests.factories import MunicipalityFactory, make_candidate

BROWSE = "employers:browse"

pytestmark = pytest.mark.usefixtures("frozen_today")


def _listed(client) -> tuple[int, set[str]]:
    response = client.get(reverse(BROWSE))
    assert response.status_code == 200
    return response.context["page"].paginator.count, {card.ref for card in response.context["cards"]}


@pytest.fixture
def three(municipality, cook_taxonomy):
    return [make_candidate(municipality, occupation=cook_taxonomy.cook) for _ in range(3)]


def test_a_revoked_listing_leaves_count_and_cards_on_the_next_request(employer, three, signed_in):
    client = signed_in(employer.own)
    assert _listed(client) == (3, {c.public_ref for c in three})
    assert _listed(client)[0] == 3  # now from the cache

    consent = Consent.objects.live().get(candidate=three[0], scope=ConsentScope.LISTING)
    candidate_services.consent_revoke(consent=consent, actor=three[0].created_by or employer.own)

    assert _listed(client) == (2, {three[1].public_ref, three[2].public_ref})


def test_a_new_listing_consent_counts_at_once(employer, three, municipality, cook_taxonomy, signed_in):
    client = signed_in(employer.own)
    assert _listed(client)[0] == 3
    newcomer = make_candidate(municipality, occupation=cook_taxonomy.cook, listed=False)
    assert _listed(client)[0] == 3
    candidate_services.consent_grant(candidate=newcomer, scope=ConsentScope.LISTING, actor=employer.own)
    count, refs = _listed(client)
    assert count == 4 and newcomer.public_ref in refs


def test_erasure_and_a_move_count_at_once(employer, three, signed_in):
    client = signed_in(employer.own)
    assert _listed(client)[0] == 3
    candidate_services.candidate_erase(candidate=three[0], actor=employer.own)
    assert _listed(client)[0] == 2
    # a move saved through the model (an admin's edit): both municipalities get a new token
    moved = type(three[1]).objects.get(pk=three[1].pk)
    moved.municipality = MunicipalityFactory()
    moved.save()
    assert _listed(client) == (1, {three[2].public_ref})


def test_the_token_changes_inside_the_revoking_transaction(employer, three, municipality, signed_in):
    """Invalidated before the commit, not after it: no request can pair the old token with the
    new state of the listing."""
    signed_in(employer.own).get(reverse(BROWSE))
    before = ListingVersion.objects.get(municipality=municipality).token
    consent = Consent.objects.live().get(candidate=three[0], scope=ConsentScope.LISTING)
    with transaction.atomic():
        candidate_services.consent_revoke(consent=consent, actor=employer.own)
        assert ListingVersion.objects.get(municipality=municipality).token != before


def test_a_filtered_page_counts_live(employer, three, signed_in):
    client = signed_in(employer.own)
    response = client.get(reverse(BROWSE), {"german": "A1"})
    assert response.context["page"].paginator.count == 3
    Consent.objects.filter(candidate=three[0], scope=ConsentScope.LISTING).delete()
    response = client.get(reverse(BROWSE), {"german": "A1"})
    assert response.context["page"].paginator.count == 2


def test_a_revocation_leaves_the_matches_page_at_once_while_the_index_lags(
    placement, employer, municipality, cook_taxonomy, signed_in
):
    """The matches page keeps who among the index's people is no longer listed under the listing
    tokens; a revocation (its index refresh not run yet) shows on the next page all the same."""
    from matching.index import forget_indexes

    people = [
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
        for _ in range(4)
    ]
    forget_indexes()
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])

    def shown() -> tuple[int, set[str]]:
        matches = client.get(url).context["matches"]
        return matches.paginator.count, {row.card.ref for row in matches.object_list}

    assert shown() == (4, {p.public_ref for p in people})
    assert shown()[0] == 4  # now from the per-process answer
    consent = Consent.objects.live().get(candidate=people[1], scope=ConsentScope.LISTING)
    candidate_services.consent_revoke(consent=consent, actor=employer.own)
    assert shown() == (3, {people[0].public_ref, people[2].public_ref, people[3].public_ref})


def test_a_revocation_past_the_token_never_shows_the_person(
    placement, employer, municipality, cook_taxonomy, signed_in
):
    """A raw UPDATE gives no new token; the rows are read live, and the page asks again when one
    of its people turned out unlisted, so it stays full and without them."""
    from django.utils import timezone

    from matching.index import forget_indexes

    people = [
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
        for _ in range(3)
    ]
    forget_indexes()
    client = signed_in(employer.own)
    url = reverse("employers:placement_matches", args=[placement.pk])
    client.get(url)
    Consent.objects.filter(candidate=people[0], scope=ConsentScope.LISTING).update(revoked_at=timezone.now())
    matches = client.get(url).context["matches"]
    assert {row.card.ref for row in matches.object_list} == {people[1].public_ref, people[2].public_ref}
