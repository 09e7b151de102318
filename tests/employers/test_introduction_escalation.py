"""An employer's selection waits for the person's answer LOTSE_INTRODUCTION_ANSWER_DAYS days; then it
goes to the case manager's team lead (else the coordinator), once, and they can answer it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from employers import services
from employers.models import Introduction
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

Stage = Introduction.Stage


@pytest.fixture
def lead(coach):
    """The lead of the case manager's team (same organisation)."""
    org = coach.memberships.first().organisation
    return MembershipFactory(user=UserFactory(), organisation=org, role=Role.CASE_MANAGER, is_lead=True).user


@pytest.fixture
def coordinator(make_member):
    return make_member(Role.COORDINATOR)


@pytest.fixture
def selected(placement, candidate, employer):
    return services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)


def _later(days: int):
    return timezone.now() + timedelta(days=days, hours=1)


def _notices(intro, kind):
    return set(
        Notification.objects.filter(target_id=intro.pk, kind=kind).values_list("recipient_id", flat=True)
    )


def test_the_list_shows_the_answer_deadline(selected, coach, signed_in, settings):
    settings.LOTSE_INTRODUCTION_ANSWER_DAYS = 5
    due = timezone.localdate(selected.created_at) + timedelta(days=5)
    page = signed_in(coach).get(reverse("employers:staff_introductions")).content.decode()
    assert f"Antwort bis {due:%d.%m.%Y}" in page


def test_nothing_escalates_before_the_deadline(selected, lead, coordinator):
    assert services.introductions_escalate(now=_later(4)) == 0
    selected.refresh_from_db()
    assert selected.escalated_at is None and selected.escalated_to is None


def test_an_overdue_selection_goes_to_the_team_lead_once_with_notices(
    selected, coach, lead, coordinator, signed_in
):
    assert services.introductions_escalate(now=_later(6)) == 1
    assert services.introductions_escalate(now=_later(7)) == 0  # a second run changes nothing
    selected.refresh_from_db()
    assert selected.escalated_to == lead and selected.escalated_at is not None
    assert _notices(selected, "employers.escalated.lead") == {lead.pk}
    assert _notices(selected, "employers.escalated.staff") == {coach.pk}
    note = Notification.objects.get(target_id=selected.pk, kind="employers.escalated.lead")
    assert note.path() == reverse("employers:staff_introductions")
    page = signed_in(coach).get(reverse("employers:staff_introductions")).content.decode()
    assert "Antwort überfällig seit" in page and str(lead) in page


def test_without_a_team_lead_the_coordinator_gets_it(selected, coach, coordinator):
    services.introductions_escalate(now=_later(6))
    selected.refresh_from_db()
    assert selected.escalated_to == coordinator
    assert _notices(selected, "employers.escalated.lead") == {coordinator.pk}


def test_answered_selections_do_not_escalate(selected, candidate_user, lead):
    services.introduction_answer(introduction=selected, actor=candidate_user, accept=False)
    assert services.introductions_escalate(now=_later(6)) == 0
    selected.refresh_from_db()
    assert selected.escalated_at is None


def test_the_coordinator_finds_the_escalated_request_and_answers_it(
    selected, coach, coordinator, signed_in, employer
):
    client = signed_in(coordinator)
    url = reverse("employers:introduction_answer", args=[selected.reference])
    # Before the escalation the coordinator has nothing to answer here.
    assert selected.reference not in client.get(reverse("employers:staff_introductions")).content.decode()
    assert client.post(url, {"answer": "accept", "note": "tel."}).status_code == 404
    services.introductions_escalate(now=_later(6))
    assert (
        client.get(reverse("accounts:home")).content.decode().count(reverse("employers:staff_introductions"))
    )
    page = client.get(reverse("employers:staff_introductions")).content.decode()
    assert url in page
    assert client.post(url, {"answer": "accept", "note": "telefonisch"}).status_code == 302
    selected.refresh_from_db()
    assert selected.stage == Stage.ACCEPTED
    assert Notification.objects.filter(
        target_id=selected.pk, kind="employers.accepted.employer", recipient=employer.own
    ).exists()


def test_the_team_lead_answers_the_escalated_request(selected, lead, signed_in):
    services.introductions_escalate(now=_later(6))
    client = signed_in(lead)
    url = reverse("employers:introduction_answer", args=[selected.reference])
    assert url in client.get(reverse("employers:staff_introductions")).content.decode()
    assert client.post(url, {"answer": "decline", "note": "telefonisch"}).status_code == 302
    selected.refresh_from_db()
    assert selected.stage == Stage.DECLINED


def test_a_daily_beat_task_runs_the_escalation(selected, lead, settings):
    from employers.tasks import escalate_overdue_introductions

    entry = settings.CELERY_BEAT_SCHEDULE["employers-escalate-introductions"]
    assert entry["task"] == escalate_overdue_introductions.name
    assert entry["schedule"] == 60 * 60 * 24
    Introduction.objects.filter(pk=selected.pk).update(created_at=timezone.now() - timedelta(days=6))
    assert escalate_overdue_introductions() == 1
    selected.refresh_from_db()
    assert selected.escalated_to == lead
