"""Issue 21: an employer who sees a person's anonymised card appears in the person's "Wer hat meine
Daten angesehen?" — as "ein Betrieb", by name once the person lets that business contact them —
once a day, however often the list is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.models import ConsentScope
from candidates.services import consent_grant
from privacy.models import AuditEntry

pytestmark = pytest.mark.django_db


def _trail(client) -> str:
    return client.get(reverse("candidates:my_audit")).content.decode()


def test_card_views_reach_the_persons_trail_as_a_business_then_by_name(
    employer, placement, candidate, candidate_user, signed_in
):
    business = signed_in(employer.own)
    assert candidate.public_ref in business.get(reverse("employers:browse")).content.decode()
    assert (
        candidate.public_ref
        in business.get(reverse("employers:placement_matches", args=[placement.pk])).content.decode()
    )
    business.get(reverse("employers:browse"))
    # Shown three times today on two pages: one entry.
    assert (
        AuditEntry.objects.filter(
            record_type="candidates.candidate", record_id=str(candidate.pk), actor_id=employer.own.pk
        ).count()
        == 1
    )

    person = signed_in(candidate_user, mfa=False)
    trail = _trail(person)
    assert "ein Betrieb" in trail
    assert "anonymisiertes Profil angesehen" in trail
    assert employer.organisation.name not in trail

    consent_grant(
        candidate=candidate,
        scope=ConsentScope.CONTACT,
        actor=candidate_user,
        recipient_organisation=employer.organisation,
    )
    assert employer.organisation.name in _trail(person)


def test_the_browse_page_does_not_grow_in_queries_with_the_audit(
    employer, candidate, signed_in, django_assert_max_num_queries
):
    business = signed_in(employer.own)
    business.get(reverse("employers:browse"))  # warm caches (taxonomy labels, sessions)
    with django_assert_max_num_queries(25):
        business.get(reverse("employers:browse"))


def test_views_recorded_today_are_remembered_only_once_committed(
    employer, candidate, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Issue 21: a page shown again skips the "already recorded today?" query for people whose
    entry of today this process committed; a rolled-back write is not remembered, a new person
    is written as before."""
    from candidates.models import Candidate
    from privacy.services import audit_record_views_once_a_day
    from tests.factories import make_candidate

    def shown(*people: Candidate) -> int:
        return audit_record_views_once_a_day(
            actor=employer.own,
            record_type="candidates.candidate",
            records=[(p.pk, p.municipality_id) for p in people],
            fields=["anonymous_card"],
            note="card",
        )

    assert shown(candidate) == 1  # not committed (the test's transaction): not remembered
    with django_assert_num_queries(1):
        assert shown(candidate) == 0  # asked the database
    with django_capture_on_commit_callbacks(execute=True):
        assert shown(candidate) == 0
    with django_assert_num_queries(0):
        assert shown(candidate) == 0  # remembered
    other = make_candidate(candidate.municipality)
    with django_assert_num_queries(2), django_capture_on_commit_callbacks(execute=True):
        assert shown(candidate, other) == 1
    with django_assert_num_queries(0):
        assert shown(other, candidate) == 0
    assert AuditEntry.objects.filter(actor_id=employer.own.pk, note="card").count() == 2


def test_the_card_on_an_introduction_page_reaches_the_persons_trail(
    employer, placement, candidate, candidate_user, signed_in
):
    from employers import services

    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    business = signed_in(employer.own)
    page = business.get(reverse("employers:introduction_detail", args=[intro.reference]))
    assert page.status_code == 200
    assert 'data-testid="candidate-card"' in page.content.decode()
    business.get(reverse("employers:introduction_detail", args=[intro.reference]))
    entries = AuditEntry.objects.filter(
        record_type="candidates.candidate", record_id=str(candidate.pk), actor_id=employer.own.pk
    )
    # Opened twice today: one entry, the card's.
    assert [e.fields for e in entries] == [["anonymous_card"]]
    assert "ein Betrieb" in _trail(signed_in(candidate_user, mfa=False))
