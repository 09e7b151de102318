"""The selection pipeline: select → answer → contact → interview → offer → hired / closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from candidates.hooks import status_items
from candidates.models import Consent, ConsentScope
from employers import services
from employers.models import Employment, Introduction, PlacementStatus
from employers.selectors import introduction_contact
from notifications.models import Notification
from privacy.models import AuditEntry
from tests.factories import IntroductionFactory, make_candidate, make_placement, make_profile

Stage = Introduction.Stage


def _accepted(placement, candidate, employer, candidate_user):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    return services.introduction_answer(introduction=intro, actor=candidate_user, accept=True)


def test_selecting_notifies_candidate_and_case_manager_in_app_and_by_mail(
    placement, candidate, employer, coach, candidate_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    assert intro.stage == Stage.SELECTED
    assert set(Notification.objects.filter(target_id=intro.pk).values_list("recipient_id", flat=True)) == {
        candidate_user.pk,
        coach.pk,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([candidate_user.email, coach.email])
    # The e-mail says that something happened, not who the candidate is.
    assert all(candidate.last_name not in m.body for m in mail.outbox)


def test_candidate_accepts_and_only_this_employer_sees_the_contact(
    placement, candidate, employer, candidate_user
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    consent = Consent.objects.get(candidate=candidate, scope=ConsentScope.CONTACT)
    assert consent.recipient_organisation_id == employer.organisation.pk
    assert consent.reference == f"introduction:{intro.pk}"
    contact = introduction_contact(user=employer.own, introduction=intro)
    assert contact.name == candidate.full_name and contact.phone == candidate.phone
    # The other employer of the same town gets nothing, even for its own introduction of the same person.
    other_placement = make_placement(make_profile(employer.other_organisation), placement.occupation)
    other = services.introduction_select(
        placement=other_placement, candidate=candidate, actor=employer.outsider
    )
    assert introduction_contact(user=employer.outsider, introduction=other) is None
    assert introduction_contact(user=employer.outsider, introduction=intro) is None


def test_revoking_the_contact_consent_hides_the_contact_at_once(
    placement, candidate, employer, candidate_user
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    Consent.objects.filter(candidate=candidate, scope=ConsentScope.CONTACT).update(revoked_at=timezone.now())
    assert introduction_contact(user=employer.own, introduction=intro) is None


def test_coach_records_a_decline_and_no_contact_is_granted(placement, candidate, employer, coach):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    services.introduction_answer(introduction=intro, actor=coach, accept=False, note="telefonisch")
    intro.refresh_from_db()
    assert intro.stage == Stage.DECLINED
    assert not Consent.objects.filter(candidate=candidate, scope=ConsentScope.CONTACT).exists()
    assert introduction_contact(user=employer.own, introduction=intro) is None


def test_a_stranger_cannot_answer_for_the_candidate(placement, candidate, employer):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    with pytest.raises(PermissionDenied):
        services.introduction_answer(introduction=intro, actor=employer.own, accept=True)


def test_full_pipeline_to_hire_with_history_and_filled_placement(
    placement, candidate, employer, candidate_user
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    services.introduction_contact_reveal(introduction=intro, actor=employer.own)
    services.introduction_contact_viewed(introduction=intro, actor=employer.own)
    services.introduction_schedule_interview(
        introduction=intro, actor=employer.own, at=timezone.now() + timedelta(days=3), place="Telefon"
    )
    services.introduction_offer(introduction=intro, actor=employer.own)
    employment = services.introduction_hire(
        introduction=intro, actor=employer.own, start_date=date(2027, 1, 4)
    )
    intro.refresh_from_db()
    placement.refresh_from_db()
    assert intro.stage == Stage.HIRED
    assert [h.stage for h in intro.history.all()] == [
        "selected",
        "accepted",
        "contact_revealed",
        "interview",
        "offer",
        "hired",
    ]
    assert intro.history.get(stage="accepted").by == candidate_user
    assert intro.history.get(stage="hired").by == employer.own
    assert (placement.openings, placement.status) == (0, PlacementStatus.FILLED)
    assert (employment.candidate, employment.kind, employment.start_date) == (
        candidate,
        "job",
        date(2027, 1, 4),
    )
    assert AuditEntry.objects.filter(action="view", record_id=str(candidate.pk)).exists()


def test_hiring_closes_other_open_introductions_as_hired_elsewhere(
    placement, candidate, employer, candidate_user
):
    other_placement = make_placement(
        make_profile(employer.other_organisation), placement.occupation, openings=2
    )
    other = services.introduction_select(
        placement=other_placement, candidate=candidate, actor=employer.outsider
    )
    intro = _accepted(placement, candidate, employer, candidate_user)
    services.introduction_hire(introduction=intro, actor=employer.own, start_date=date(2027, 1, 4))
    other.refresh_from_db()
    assert (other.stage, other.close_reason) == (Stage.CLOSED, "hired_elsewhere")
    texts = {item.status for item in status_items(candidate)}
    assert "Beendet, weil Sie eine andere Stelle gefunden haben." in texts


def test_no_hire_before_the_candidate_accepted(placement, candidate, employer):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    with pytest.raises(ValidationError):
        services.introduction_hire(introduction=intro, actor=employer.own, start_date=date(2027, 1, 4))
    assert not Employment.objects.exists()
    placement.refresh_from_db()
    assert placement.openings == 1


def test_a_candidate_is_not_hired_twice(placement, candidate, employer, candidate_user):
    other_placement = make_placement(
        make_profile(employer.organisation), placement.occupation, openings=3, title="Beikoch"
    )
    first = _accepted(placement, candidate, employer, candidate_user)
    second = _accepted(other_placement, candidate, employer, candidate_user)
    services.introduction_hire(introduction=first, actor=employer.own, start_date=date(2027, 1, 4))
    with pytest.raises(ValidationError):
        services.introduction_hire(introduction=second, actor=employer.own, start_date=date(2027, 1, 4))
    other_placement.refresh_from_db()
    assert other_placement.openings == 3
    assert Employment.objects.filter(candidate=candidate).count() == 1


def test_a_closed_introduction_keeps_its_reason_and_reads_kindly(placement, candidate, employer):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    services.introduction_close(introduction=intro, actor=employer.own, reason="not_suitable")
    intro.refresh_from_db()
    assert (intro.stage, intro.close_reason) == (Stage.CLOSED, "not_suitable")
    status = [item.status for item in status_items(candidate)][0]
    assert "nicht gepasst" in status and "not_suitable" not in status and "passt nicht" not in status


def test_candidate_never_sees_the_internal_suggested_stage(placement, candidate, employer):
    IntroductionFactory(placement=placement, candidate=candidate, stage=Stage.SUGGESTED)
    assert status_items(candidate) == []


def test_selecting_an_unlisted_candidate_fails(placement, employer, municipality, cook_taxonomy):
    hidden = make_candidate(municipality, occupation=cook_taxonomy.cook, listed=False)
    with pytest.raises(ValidationError):
        services.introduction_select(placement=placement, candidate=hidden, actor=employer.own)
    assert not Introduction.objects.exists()


def test_candidate_accepts_in_self_service_through_the_page(
    placement, candidate, employer, candidate_user, signed_in
):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    client = signed_in(candidate_user)
    page = client.get(reverse("employers:my_introductions"))
    assert "Ein Betrieb möchte Sie kennenlernen" in page.content.decode()
    response = client.post(
        reverse("employers:introduction_answer", args=[intro.reference]), {"answer": "accept"}
    )
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.stage == Stage.ACCEPTED
    owner = signed_in(employer.own)
    # Opening the page moves no stage; the employer reveals the contact with a POST.
    owner.get(reverse("employers:introduction_detail", args=[intro.reference]))
    intro.refresh_from_db()
    assert intro.stage == Stage.ACCEPTED
    owner.post(reverse("employers:introduction_action", args=[intro.reference, "reveal"]))
    detail = owner.get(reverse("employers:introduction_detail", args=[intro.reference]))
    assert candidate.phone in detail.content.decode()
    intro.refresh_from_db()
    assert intro.stage == Stage.CONTACT_REVEALED


@pytest.mark.parametrize(
    ("action", "sent", "kept"),
    [
        ("offer", {"note": "Angebot: 14,50 € " * 40}, "Angebot: 14,50 €"),  # over 500 characters
        (
            "close",
            {"reason": "gibt-es-nicht", "note": "Wir haben uns anders entschieden."},
            "anders entschieden",
        ),
    ],
)
def test_an_offer_or_closing_sent_with_errors_comes_back_as_typed(
    placement, candidate, employer, candidate_user, signed_in, action, sent, kept
):
    """The note was lost: the page came back with a general message only."""
    intro = _accepted(placement, candidate, employer, candidate_user)
    client = signed_in(employer.own)
    response = client.post(reverse("employers:introduction_action", args=[intro.reference, action]), sent)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in page and kept in page
    assert 'class="kern-error' in page  # the error beside its field
    intro.refresh_from_db()
    assert intro.stage == Stage.ACCEPTED
    # The page is drawn at the form's address: the language switch (a GET there) leads back to it.
    back = client.get(reverse("employers:introduction_action", args=[intro.reference, action]))
    assert back.status_code == 302
    assert back.url == reverse("employers:introduction_detail", args=[intro.reference])


def test_a_closing_after_the_introduction_ended_says_so(
    placement, candidate, employer, candidate_user, signed_in
):
    intro = _accepted(placement, candidate, employer, candidate_user)
    # Closed in another tab meanwhile.
    services.introduction_close(introduction=intro, actor=employer.own, reason="not_suitable")
    response = signed_in(employer.own).post(
        reverse("employers:introduction_action", args=[intro.reference, "close"]), {"reason": "not_suitable"}
    )
    assert response.status_code == 400
    assert "Diese Vorstellung ist schon abgeschlossen." in response.content.decode()


def test_employer_steps_through_the_pages_to_hire(placement, candidate, employer, candidate_user, signed_in):
    intro = _accepted(placement, candidate, employer, candidate_user)
    client = signed_in(employer.own)
    url = lambda action: reverse("employers:introduction_action", args=[intro.reference, action])  # noqa: E731
    missing = client.post(url("interview"), {"interview_at": "2027-01-02T10:00", "interview_place": " "})
    assert missing.status_code == 400
    assert 'value="2027-01-02T10:00"' in missing.content.decode()  # the date stays as typed
    client.post(url("interview"), {"interview_at": "2027-01-02T10:00", "interview_place": "Hauptstr. 5"})
    intro.refresh_from_db()
    assert intro.interview_place == "Hauptstr. 5"
    assert (
        "Hauptstr. 5"
        in client.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    )
    client.post(url("offer"), {"note": ""})
    bad = client.post(
        url("hire"), {"start_date": "kein Datum", "contract_type": "permanent", "hours_per_week": "40"}
    )
    assert bad.status_code == 400
    assert "Bitte ein gültiges Datum angeben" in bad.content.decode()
    client.post(
        url("hire"), {"start_date": "2027-01-04", "contract_type": "permanent", "hours_per_week": "40"}
    )
    intro.refresh_from_db()
    assert intro.stage == Stage.HIRED
    assert Employment.objects.get(candidate=candidate).start_date == date(2027, 1, 4)
