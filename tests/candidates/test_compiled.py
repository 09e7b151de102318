"""Queries compiled once (candidates.compiled): the same people as the ORM's selector, whatever
changes between two calls, and nothing that would go stale frozen into the SQL."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.utils import timezone

from candidates import compiled
from candidates.models import Candidate, Consent, ConsentScope, ListingVersion
from candidates.selectors import (
    listed_candidates_for_employer,
    listing_state,
    listing_tokens,
    still_listed_for_employer,
)
from candidates.services import candidate_erase
from matching.models import IndexChange
from tests.factories import ConsentFactory, make_candidate


@pytest.fixture
def mixed(municipality, other_municipality, cook_taxonomy, employer):
    """People the employer may and may not browse, in both municipalities."""
    listed = [make_candidate(municipality, occupation=cook_taxonomy.cook) for _ in range(3)]
    unlisted = make_candidate(municipality, listed=False)
    # Contact data for this very employer is no listing.
    ConsentFactory(
        candidate=unlisted, scope=ConsentScope.CONTACT, recipient_organisation=employer.organisation
    )
    revoked = make_candidate(municipality)
    Consent.objects.filter(candidate=revoked).update(revoked_at=timezone.now())
    twice = make_candidate(municipality, listed=False)  # one grant revoked, one live: still listed
    once = ConsentFactory(candidate=twice, scope=ConsentScope.LISTING)
    Consent.objects.filter(pk=once.pk).update(revoked_at=F("granted_at"))
    ConsentFactory(candidate=twice, scope=ConsentScope.LISTING)
    elsewhere = make_candidate(other_municipality)
    return {"listed": listed, "others": [unlisted, revoked, elsewhere], "twice": twice}


def _orm(user, ids) -> set[int]:
    return set(listed_candidates_for_employer(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def test_still_listed_is_the_selectors_answer_for_every_kind_of_person(employer, mixed, coach):
    user = employer.own
    everyone = list(Candidate.objects.values_list("pk", flat=True))
    expected = {c.pk for c in mixed["listed"]} | {mixed["twice"].pk}
    assert still_listed_for_employer(user=user, ids=everyone) == _orm(user, everyone) == expected
    # Other values of the same shape (the compiled SQL again), and other shapes.
    for ids in (everyone[::-1], everyone[:2], everyone[1:], [mixed["others"][0].pk]):
        assert still_listed_for_employer(user=user, ids=ids) == _orm(user, ids)
    # What changes between two calls shows at once: a revocation, an erasure.
    Consent.objects.filter(candidate=mixed["listed"][0]).update(revoked_at=timezone.now())
    candidate_erase(candidate=mixed["listed"][1], actor=coach)
    assert (
        still_listed_for_employer(user=user, ids=everyone)
        == _orm(user, everyone)
        == {
            mixed["listed"][2].pk,
            mixed["twice"].pk,
        }
    )


def test_an_employer_elsewhere_or_without_verification_gets_nobody(employer, mixed, team):
    everyone = list(Candidate.objects.values_list("pk", flat=True))
    assert still_listed_for_employer(user=employer.elsewhere, ids=everyone) == {mixed["others"][2].pk}
    unverified = team("unverified_employer").own
    assert still_listed_for_employer(user=unverified, ids=everyone) == set()
    assert still_listed_for_employer(user=employer.own, ids=[]) == set()


def test_listing_state_follows_tokens_and_changes(employer, mixed, django_capture_on_commit_callbacks):
    user = employer.own
    state = listing_state(user=user)
    assert state is not None
    assert [(m, token) for m, token, _ in state] == list(listing_tokens(user=user))
    assert [(m, token) for m, token, _ in state] == [
        (v.municipality_id, v.token.hex)
        for v in ListingVersion.objects.filter(municipality_id__in=[m for m, _, _ in state]).order_by(
            "municipality_id"
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        mixed["listed"][0].save()  # a change to a card: a change row right after the commit
    ((municipality, token, last),) = listing_state(user=user)
    assert last == IndexChange.objects.filter(municipality_id=municipality).latest("pk").pk > state[0][2]
    assert token == state[0][1]  # who is listed did not change
    Consent.objects.filter(candidate=mixed["listed"][1]).first().delete()  # a listing ends
    assert listing_state(user=user)[0][1] != token


def _by_date(ids):
    return Candidate.objects.filter(pk__in=ids, created_at__gte=timezone.now()).values_list("pk")


def _dropping(ids):
    return Candidate.objects.filter(pk__in=ids[:1]).values_list("pk")


def test_a_value_that_would_go_stale_is_refused(db):
    with pytest.raises(TypeError):
        compiled.run(_by_date, [1, 2])
    with pytest.raises(ValueError):
        compiled.run(_dropping, [1, 2])


def _twice(ids):
    inner = Candidate.objects.filter(pk__in=ids).values("pk")
    return Candidate.objects.filter(pk__in=ids).filter(pk__in=inner).values_list("pk")


def test_a_value_used_twice_goes_everywhere_it_is_used(mixed):
    some = [c.pk for c in mixed["listed"][:2]]
    assert {pk for (pk,) in compiled.run(_twice, some)} == set(some)
    # Other values of the same shape: nothing of the first call stayed in the SQL.
    other = [mixed["twice"].pk, mixed["others"][0].pk]
    assert {pk for (pk,) in compiled.run(_twice, other)} == set(other)
    # Ids as an index keeps them (strings) are compared as numbers; None is no id.
    assert {pk for (pk,) in compiled.run(_twice, [str(p) for p in other])} == set(other)
    with pytest.raises(TypeError):
        compiled.run(_twice, [other[0], None])
