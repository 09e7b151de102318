"""Speed dating scheduled from matches (issue 15): a coordinator sets up the session with businesses,
the matcher proposes consenting people, their case manager invites them (inbox, e-mail in their
language with an .ics), the rounds are planned without double booking, and a mutual interest on the
day becomes an introduction in the pipeline with one click."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from candidates.models import Consent, ConsentScope
from employers import notices
from employers import speeddating as sd
from employers.models import Introduction, SpeedDatingCandidate, SpeedDatingMeeting
from notifications.models import Notification
from organisations import access
from tests.factories import OrganisationFactory


def test_the_matcher_proposes_consenting_people_and_their_case_manager_hears_it(speed_dating_world, coach):
    assert (
        sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator) == 2
    )
    proposed = set(SpeedDatingCandidate.objects.values_list("candidate_id", flat=True))
    assert proposed == {
        speed_dating_world.candidate.pk,
        speed_dating_world.other.pk,
    }  # not the person without a listing consent
    assert Notification.objects.filter(recipient=coach, kind=notices.SPEED_DATING_PROPOSED_STAFF).count() == 2
    # Proposing again adds nobody and tells nobody twice.
    assert (
        sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator) == 0
    )
    assert Notification.objects.filter(recipient=coach, kind=notices.SPEED_DATING_PROPOSED_STAFF).count() == 2


def test_a_revoked_listing_consent_is_not_proposed(speed_dating_world):
    Consent.objects.filter(candidate=speed_dating_world.other, scope=ConsentScope.LISTING).update(
        revoked_at=timezone.now()
    )
    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    assert list(SpeedDatingCandidate.objects.values_list("candidate_id", flat=True)) == [
        speed_dating_world.candidate.pk
    ]


def test_only_the_case_manager_invites_and_the_invitation_comes_in_the_persons_language(
    speed_dating_world, coach, candidate_user, django_capture_on_commit_callbacks
):
    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    participant = SpeedDatingCandidate.objects.get(candidate=speed_dating_world.candidate)
    with pytest.raises(PermissionDenied):
        sd.speed_dating_decide(participant=participant, actor=speed_dating_world.coordinator, invite=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sd.speed_dating_decide(participant=participant, actor=coach, invite=True)
    assert Notification.objects.filter(
        recipient=candidate_user, kind=notices.SPEED_DATING_INVITED_CANDIDATE
    ).exists()
    [message] = [m for m in mail.outbox if m.to == ["person@example.org"]]
    assert "Speed-Dating" in message.subject
    assert "Guten Tag" not in message.body  # Arabic, the person's language
    [(name, ics, mimetype)] = message.attachments
    assert name == "speed-dating.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics and "Rathaus" in ics


def test_the_plan_books_nobody_twice_respects_the_pause_and_beats_nobody_by_name(
    speed_dating_world, coach, signed_in
):
    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    for participant in SpeedDatingCandidate.objects.all():
        sd.speed_dating_decide(participant=participant, actor=coach, invite=True)
    result = sd.speed_dating_schedule(
        session=speed_dating_world.session, actor=speed_dating_world.coordinator
    )
    assert result.total_fit >= result.greedy_fit
    meetings = list(SpeedDatingMeeting.objects.all())
    # Two people, two businesses with one table each, rounds 1 and 3 (2 is the pause): everyone
    # meets both businesses.
    assert len(meetings) == 4
    assert {m.round for m in meetings} == {1, 3}
    assert len({(m.round, m.participant_id) for m in meetings}) == 4
    page = signed_in(speed_dating_world.coordinator).get(
        reverse("employers:speed_dating_detail", args=[speed_dating_world.session.pk])
    )
    content = page.content.decode()
    assert page.status_code == 200 and content.count('data-testid="meeting"') == 4
    # The coordinator is responsible for nobody here: references, not names.
    assert (
        speed_dating_world.candidate.last_name not in content
        and speed_dating_world.candidate.public_ref in content
    )
    assert (
        speed_dating_world.candidate.last_name
        in signed_in(coach).get(page.request["PATH_INFO"]).content.decode()
    )


def test_a_mutual_interest_becomes_an_introduction_with_one_click(
    speed_dating_world, coach, signed_in, employer
):
    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    for participant in SpeedDatingCandidate.objects.all():
        sd.speed_dating_decide(participant=participant, actor=coach, invite=True)
    sd.speed_dating_schedule(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    meeting = SpeedDatingMeeting.objects.filter(participant__candidate=speed_dating_world.candidate).first()
    client = signed_in(coach)
    base = [speed_dating_world.session.pk, meeting.pk]
    client.post(
        reverse("employers:speed_dating_outcome", args=base),
        {"candidate_interest": "yes", "business_interest": "yes"},
    )
    response = client.post(reverse("employers:speed_dating_introduce", args=base))
    assert response.status_code == 302
    intro = Introduction.objects.get(candidate=speed_dating_world.candidate)
    assert (intro.source, intro.stage, intro.placement_id) == (
        Introduction.Source.EVENT,
        Introduction.Stage.SUGGESTED,
        meeting.placement_id,
    )
    # A second click makes no second introduction; a new plan no longer overwrites the outcomes.
    client.post(reverse("employers:speed_dating_introduce", args=base))
    assert Introduction.objects.filter(candidate=speed_dating_world.candidate).count() == 1
    response = client.post(
        reverse("employers:speed_dating_schedule", args=[speed_dating_world.session.pk]), follow=True
    )
    assert "schon Ergebnisse erfasst" in response.content.decode()


def test_the_person_sees_the_invitation_and_downloads_the_calendar_file(
    speed_dating_world, coach, candidate_user, signed_in
):
    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    participant = SpeedDatingCandidate.objects.get(candidate=speed_dating_world.candidate)
    client = signed_in(candidate_user)
    assert (
        "Azubi-Speed-Dating Gastro" not in client.get(reverse("employers:my_speed_dating")).content.decode()
    )
    sd.speed_dating_decide(participant=participant, actor=coach, invite=True)
    assert "Azubi-Speed-Dating Gastro" in client.get(reverse("employers:my_speed_dating")).content.decode()
    ics = client.get(reverse("employers:my_speed_dating_ics", args=[participant.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"SUMMARY" in ics.content


def test_bad_input_keeps_the_form(speed_dating_world, signed_in):
    response = signed_in(speed_dating_world.coordinator).post(
        reverse("employers:speed_dating_create"),
        {
            "title": "Neu",
            "place": "Halle",
            "starts_at": "kein Datum",
            "rounds": "5",
            "pause_round": "9",
            "minutes_per_round": "10",
            "max_meetings": "4",
            "proposals_per_placement": "10",
            "municipality": str(speed_dating_world.municipality.pk),
        },
    )
    assert response.status_code == 400
    assert 'value="Halle"' in response.content.decode()


def test_another_municipalitys_organisers_do_not_reach_the_session(
    speed_dating_world, make_member, other_municipality
):
    outsider = make_member(
        Role.COORDINATOR, organisation=OrganisationFactory(municipality=other_municipality)
    )
    with pytest.raises(access.NotFound):
        sd.speed_dating_get(user=outsider, pk=speed_dating_world.session.pk)


def test_the_persons_export_names_the_speed_dating_and_erasure_removes_it(
    speed_dating_world, candidate_user, coach
):
    from privacy.services import gdpr_erase, gdpr_export

    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    exported = gdpr_export(subject_user=candidate_user, actor=candidate_user)["employers.speed_dating"]
    assert exported == [
        {
            "event": "Azubi-Speed-Dating Gastro",
            "at": speed_dating_world.session.starts_at.isoformat(),
            "status": "proposed",
        }
    ]
    gdpr_erase(subject_user=candidate_user, actor=candidate_user)
    assert not SpeedDatingCandidate.objects.filter(candidate=speed_dating_world.candidate).exists()
    assert SpeedDatingCandidate.objects.filter(candidate=speed_dating_world.other).exists()


def test_each_business_sees_its_own_tables_with_anonymised_profiles_only(
    speed_dating_world, coach, employer, signed_in, django_assert_max_num_queries
):
    """Issue 15 §2: "the employer gets anonymised profiles until the day". Each business sees the
    slots of its own tables with the anonymised card (no name), a business elsewhere sees nothing of
    it, and a person who withdraws their listing consent shows no card any more (read live)."""
    from privacy.models import AuditEntry

    sd.speed_dating_propose(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    for participant in SpeedDatingCandidate.objects.all():
        sd.speed_dating_decide(participant=participant, actor=coach, invite=True)
    sd.speed_dating_schedule(session=speed_dating_world.session, actor=speed_dating_world.coordinator)
    url = reverse("employers:employer_speed_dating")
    client = signed_in(employer.own)
    assert url in client.get(reverse("employers:home")).content.decode()  # found by clicking
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    ours = SpeedDatingMeeting.objects.filter(business__employer__organisation=employer.organisation)
    assert page.count('data-testid="business-slot"') == ours.count() == 2
    assert page.count('data-testid="candidate-card"') == 2
    assert speed_dating_world.candidate.public_ref in page and speed_dating_world.other.public_ref in page
    for person in (speed_dating_world.candidate, speed_dating_world.other):
        assert person.last_name not in page and person.first_name not in page
    assert AuditEntry.objects.filter(
        actor_id=employer.own.pk, record_id=str(speed_dating_world.candidate.pk), note="speed dating schedule"
    ).exists()
    # A business in another municipality takes part in nothing here.
    elsewhere = signed_in(employer.elsewhere).get(url).content.decode()
    assert (
        'data-testid="business-slot"' not in elsewhere
        and speed_dating_world.candidate.public_ref not in elsewhere
    )
    # Consent withdrawn: the slot stays (the table is booked), the profile goes.
    Consent.objects.filter(candidate=speed_dating_world.other, scope=ConsentScope.LISTING).update(
        revoked_at=timezone.now()
    )
    page = client.get(url).content.decode()
    assert page.count('data-testid="candidate-card"') == 1 and speed_dating_world.other.public_ref not in page
    assert "nicht mehr freigegeben" in page
