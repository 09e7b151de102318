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
