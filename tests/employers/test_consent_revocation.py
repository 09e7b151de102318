"""Journey 8: revoking a consent asks first, says what ends, then closes the introductions it carried."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from candidates.models import Consent, ConsentScope
from employers import notices as employer_notices
from employers import services
from employers.models import Employment, Introduction
from employers.selectors import introduction_contact
from notifications.models import Notification
from tests.factories import ConsentFactory

Stage = Introduction.Stage


def _accepted(placement, candidate, employer, candidate_user) -> Introduction:
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    return services.introduction_answer(introduction=intro, actor=candidate_user, accept=True)


def _contact(candidate) -> Consent:
    return Consent.objects.get(candidate=candidate, scope=ConsentScope.CONTACT)


def test_the_candidate_sees_what_ends_before_anything_changes(
    placement, candidate, employer, candidate_user, signed_in
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    consent = _contact(candidate)
    client = signed_in(candidate_user)
    body = client.get(reverse("candidates:consent_revoke", args=[consent.pk])).content.decode()
    name = employer.organisation.name
    assert f"Der Betrieb {name} sieht Ihre Kontaktdaten nicht mehr." in body
    assert f"Die Vorstellung für die Stelle „{placement.title}“ bei {name} wird beendet." in body
    # A GET changes nothing.
    consent.refresh_from_db()
    intro.refresh_from_db()
    assert consent.is_live and intro.stage == Stage.ACCEPTED


def test_posting_revokes_closes_the_introduction_and_tells_the_employer(
    placement, candidate, employer, candidate_user, signed_in
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    consent = _contact(candidate)
    Notification.objects.all().delete()
    response = signed_in(candidate_user).post(reverse("candidates:consent_revoke", args=[consent.pk]))
    assert response.status_code == 302 and response.url == reverse("candidates:my_consents")
    consent.refresh_from_db()
    intro.refresh_from_db()
    assert not consent.is_live
    assert intro.stage == Stage.CLOSED and intro.close_reason == Introduction.CloseReason.CONSENT_REVOKED
    assert intro.history.last().by == candidate_user
    assert introduction_contact(user=employer.own, introduction=intro) is None
    about = Notification.objects.filter(kind=employer_notices.CLOSED_EMPLOYER, target_id=intro.pk)
    told = set(about.values_list("recipient_id", flat=True))
    assert employer.own.pk in told and candidate_user.pk not in told
    # A second post (another tab) neither closes nor notifies twice.
    signed_in(candidate_user).post(reverse("candidates:consent_revoke", args=[consent.pk]))
    assert about.count() == len(told)
    assert intro.history.filter(stage=Stage.CLOSED).count() == 1


def test_the_case_manager_records_it_and_reads_the_persons_name(
    placement, candidate, employer, candidate_user, coach, signed_in
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    consent = _contact(candidate)
    client = signed_in(coach)
    body = client.get(reverse("candidates:consent_revoke", args=[consent.pk])).content.decode()
    assert f"sieht die Kontaktdaten von {candidate.full_name} nicht mehr" in body
    response = client.post(reverse("candidates:consent_revoke", args=[consent.pk]))
    assert response.url == reverse("candidates:consents", args=[candidate.pk])
    intro.refresh_from_db()
    assert intro.close_reason == Introduction.CloseReason.CONSENT_REVOKED
    assert intro.history.last().by == coach


def test_a_hire_stays_a_hire_and_the_page_says_so(placement, candidate, employer, candidate_user, signed_in):
    import datetime

    intro = _accepted(placement, candidate, employer, candidate_user)
    services.introduction_hire(introduction=intro, actor=employer.own, start_date=datetime.date(2027, 1, 15))
    consent = _contact(candidate)
    client = signed_in(candidate_user)
    body = client.get(reverse("candidates:consent_revoke", args=[consent.pk])).content.decode()
    assert f"Ihre Stelle bei {employer.organisation.name} bleibt bestehen." in body
    assert "wird beendet" not in body
    client.post(reverse("candidates:consent_revoke", args=[consent.pk]))
    intro.refresh_from_db()
    assert intro.stage == Stage.HIRED
    assert Employment.objects.get(introduction=intro).end_reason == ""


def test_revoking_the_listing_ends_unanswered_requests_only(
    placement, candidate, employer, candidate_user, signed_in
):
    asked = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    listing = Consent.objects.get(candidate=candidate, scope=ConsentScope.LISTING)
    client = signed_in(candidate_user)
    body = client.get(reverse("candidates:consent_revoke", args=[listing.pk])).content.decode()
    assert "Geprüfte Betriebe aus Ihrer Region finden Ihr Profil nicht mehr." in body
    assert (
        f"Die Anfrage von {employer.organisation.name} zur Stelle „{placement.title}“ wird beendet." in body
    )
    client.post(reverse("candidates:consent_revoke", args=[listing.pk]))
    asked.refresh_from_db()
    assert asked.close_reason == Introduction.CloseReason.CONSENT_REVOKED


def test_the_lists_name_the_placement_not_an_internal_reference(
    placement, candidate, employer, candidate_user, coach, signed_in
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    own = signed_in(candidate_user).get(reverse("candidates:my_consents")).content.decode()
    staff = signed_in(coach).get(reverse("candidates:consents", args=[candidate.pk])).content.decode()
    for body in (own, staff):
        assert f"introduction:{intro.pk}" not in body
        assert f"Vorstellung für die Stelle „{placement.title}“" in body
        assert employer.organisation.name in body
        # The list links to the confirmation page instead of revoking on one click.
        assert reverse("candidates:consent_revoke", args=[_contact(candidate).pk]) in body


def test_the_confirmation_speaks_the_readers_language(
    placement, candidate, employer, candidate_user, signed_in
):
    _accepted(placement, candidate, employer, candidate_user)
    with translation.override("de"):
        path = reverse("candidates:consent_revoke", args=[_contact(candidate).pk])
    body = signed_in(candidate_user).get(f"/uk{path}").content.decode()
    name = employer.organisation.name
    assert "sieht Ihre Kontaktdaten nicht mehr" not in body
    assert f"{name} більше не бачить ваших контактних даних." in body


def test_a_staff_typed_reference_is_kept(candidate, coach, signed_in, employer):
    ConsentFactory(
        candidate=candidate,
        scope=ConsentScope.CASE_DATA,
        recipient_organisation=employer.organisation,
        reference="Übergabe Jobcenter",
    )
    body = signed_in(coach).get(reverse("candidates:consents", args=[candidate.pk])).content.decode()
    assert "Übergabe Jobcenter" in body
