"""GDPR erasure leaves nothing personal; the expiry watch warns once per permit."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from candidates import services, tasks
from candidates.models import Candidate, Case, Consent, ConsentScope, PermitExpiryWarning
from notifications.models import Notification
from privacy.models import AuditEntry
from privacy.registry import registry
from tests.candidates.helpers import all_candidate_data_as_text
from tests.clock import TODAY
from tests.factories import GoalFactory, LanguageSkillFactory, StepFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_erasure_removes_every_personal_detail_and_keeps_anonymous_case_counts(desk, signed_in, make_member):
    candidate = desk.candidate
    Candidate.objects.filter(pk=candidate.pk).update(
        first_name="Zainab",
        last_name="Quraishi",
        email="zainab.q@mail.example",
        phone="+49 170 9876543",
        street="Lindenweg 12",
        nationality="afghanisch",
        preferences_own_words="Ich möchte Zahnarzthelferin werden",
        preferences_staff_notes="Zainab braucht Kinderbetreuung",
        residence_title_kind="§ 25 Abs. 2",
    )
    LanguageSkillFactory(candidate=candidate, language="fa", spoken="C2")
    StepFactory(goal=GoalFactory(case=desk.case, title="Zainab: Anerkennung Zahnmedizin"), title="Termin IQ")
    services.note_add(case=desk.case, actor=desk.user, text="Zainab Quraishi kam pünktlich")
    services.consent_grant(
        candidate=candidate,
        scope=ConsentScope.VOLUNTEER,
        actor=desk.user,
        recipient_user=make_member("volunteer"),
        paper_form_reference="Ordner Quraishi",
    )
    signed_in(desk.user).get(reverse("candidates:detail", args=[candidate.pk]))
    before = all_candidate_data_as_text()
    assert "Quraishi" in before  # the check below can fail

    response = signed_in(desk.user).post(reverse("candidates:erase", args=[candidate.pk]), {"confirm": "on"})
    assert response.status_code == 302

    after = all_candidate_data_as_text()
    for personal in (
        "Zainab",
        "Quraishi",
        "zainab.q@mail.example",
        "9876543",
        "Lindenweg",
        "afghanisch",
        "Zahnarzthelferin",
        "Kinderbetreuung",
        "§ 25",
        "1990-05-17",
        "Ordner",
    ):
        assert personal not in after, personal
    # Anonymous aggregates survive: the case with its phase, legal circle and organisation.
    case = Case.objects.get(pk=desk.case.pk)
    assert (
        case.phase == "intake" and case.responsible_organisation_id == desk.case.responsible_organisation_id
    )
    assert not Consent.objects.filter(candidate=candidate).exists()
    # And the erased person is gone from every page.
    assert signed_in(desk.user).get(reverse("candidates:detail", args=[candidate.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="erase", record_id=str(candidate.pk)).exists()


def test_erasure_needs_the_confirmation(desk, signed_in):
    response = signed_in(desk.user).post(reverse("candidates:erase", args=[desk.candidate.pk]), {})
    assert response.status_code == 200
    assert Candidate.objects.get(pk=desk.candidate.pk).erased_at is None


def test_the_privacy_registry_exports_and_erases_a_linked_candidate(desk, candidate_team):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    assert "candidates" in registry.names()
    exported = registry.export(candidate_team.own)["candidates"]
    assert exported["profile"]["first_name"] == desk.candidate.first_name
    registry.erase(candidate_team.own)
    assert Candidate.objects.get(pk=desk.candidate.pk).erased_at is not None


def _expiring(desk, **dates) -> Candidate:
    Candidate.objects.filter(pk=desk.candidate.pk).update(**dates)
    return desk.candidate


def test_the_case_manager_is_warned_eight_weeks_ahead_once(desk, django_capture_on_commit_callbacks):
    _expiring(
        desk,
        work_permission_expires=TODAY + datetime.timedelta(weeks=8),
        residence_expires=TODAY + datetime.timedelta(weeks=20),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.permit_expiry_warn(today=TODAY) == 1
        assert services.permit_expiry_warn(today=TODAY) == 0
        assert services.permit_expiry_warn(today=TODAY + datetime.timedelta(days=1)) == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [desk.user.email]
    assert "Arbeitserlaubnis" in mail.outbox[0].subject
    # No name in an e-mail: the link leads to the case file behind the login, and it is absolute.
    assert desk.candidate.last_name not in mail.outbox[0].body + mail.outbox[0].subject
    path = reverse("candidates:detail", kwargs={"pk": desk.candidate.pk})
    assert f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}" in mail.outbox[0].body
    # And in the case manager's inbox.
    assert Notification.objects.filter(
        recipient=desk.user, kind="candidates.work_permission_expiring.staff"
    ).exists()
    assert PermitExpiryWarning.objects.get().kind == "work"


def test_a_renewed_permit_is_watched_again(desk):
    _expiring(desk, residence_expires=TODAY + datetime.timedelta(days=10))
    assert services.permit_expiry_warn(today=TODAY) == 1
    _expiring(desk, residence_expires=TODAY + datetime.timedelta(days=400))
    assert services.permit_expiry_warn(today=TODAY) == 0
    assert services.permit_expiry_warn(today=TODAY + datetime.timedelta(days=400 - 50)) == 1


def test_permits_far_ahead_or_already_expired_are_not_warned(desk):
    _expiring(
        desk,
        residence_expires=TODAY + datetime.timedelta(weeks=9),
        work_permission_expires=TODAY - datetime.timedelta(days=1),
    )
    assert services.permit_expiry_warn(today=TODAY) == 0
    assert mail.outbox == []


def test_the_daily_beat_task_runs_the_watch(desk, django_capture_on_commit_callbacks):
    schedule = settings.CELERY_BEAT_SCHEDULE["candidates-warn-expiring-permits"]
    assert schedule["task"] == "candidates.tasks.warn_expiring_permits"
    assert schedule["schedule"] == 60 * 60 * 24
    _expiring(desk, residence_expires=TODAY + datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.warn_expiring_permits.delay().get() == 1
        assert tasks.warn_expiring_permits.delay().get() == 0
    assert len(mail.outbox) == 1


def test_erasing_a_person_with_a_login_runs_every_apps_eraser_once(desk, signed_in, candidate_team):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    response = signed_in(desk.user).post(
        reverse("candidates:erase", args=[desk.candidate.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(pk=desk.candidate.pk)
    assert candidate.erased_at is not None and candidate.user_id is None
    assert AuditEntry.objects.filter(action="erase", record_type="candidates.candidate").count() == 1
