"""Issue 14 §4: a case closes only with an evaluation; the phases keep their dates; the six-month
question after an employment; reopening is audited; a team lead hands on departed colleagues' cases."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from candidates import services, tasks
from candidates.models import CaseEvaluation, CasePhase, CasePhaseChange, GoalStatus
from notifications.models import Notification
from organisations.models import Membership
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import CandidateFactory, GoalFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def case(case_manager_team, municipality):
    """An open case opened through the service (so its first phase is on record)."""
    candidate = CandidateFactory(municipality=municipality, user=new_member("candidate"))
    opened = services.case_open(
        candidate=candidate,
        actor=case_manager_team.own,
        responsible_organisation=case_manager_team.organisation,
        case_manager=case_manager_team.own,
    )
    services.case_set_phase(case=opened, actor=case_manager_team.own, phase=CasePhase.LINKING)
    return opened


def _client(user) -> Client:
    return login_with_mfa(Client(), user)


def test_a_case_closes_only_with_an_evaluation(case, case_manager_team):
    reached, open_goal = GoalFactory(case=case, title="B1-Zertifikat"), GoalFactory(case=case)
    client = _client(case_manager_team.own)
    url = reverse("candidates:case_close", args=[case.pk])
    assert "B1-Zertifikat" in client.get(url).content.decode()
    # No reason: the form again with its error and the note kept; the case stays open.
    page = client.post(url, {"note": "Meine Bemerkung", "goals_reached": [reached.pk]})
    assert page.status_code == 200
    assert "Bitte wählen Sie den Grund des Abschlusses." in page.content.decode()
    assert "Meine Bemerkung" in page.content.decode()
    case.refresh_from_db()
    assert case.phase == CasePhase.LINKING and not CaseEvaluation.objects.exists()

    response = client.post(url, {"reason": "employment", "goals_reached": [reached.pk], "note": "Lager"})
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:case_closure", args=[case.pk])
    case.refresh_from_db()
    assert case.phase == CasePhase.CLOSED and case.closed_at is not None
    evaluation = CaseEvaluation.objects.get(case=case)
    assert list(evaluation.goals_reached.all()) == [reached]
    assert evaluation.follow_up_due == TODAY + datetime.timedelta(days=182)
    reached.refresh_from_db(), open_goal.refresh_from_db()
    assert reached.status == GoalStatus.ACHIEVED and open_goal.status == GoalStatus.OPEN
    # The closing page shows the evaluation and the dated phases.
    page = client.get(response["Location"]).content.decode()
    assert "Beschäftigung aufgenommen" in page and "B1-Zertifikat" in page
    assert [c.to_phase for c in CasePhaseChange.objects.filter(case=case)] == ["intake", "linking", "closed"]
    # A reason other than employment asks nothing after six months.
    other = services.case_open(
        candidate=case.candidate,
        actor=case_manager_team.own,
        responsible_organisation=case_manager_team.organisation,
    )
    assert (
        services.case_close(case=other, actor=case_manager_team.own, reason="moved_away").follow_up_due
        is None
    )


def test_the_phase_cannot_be_set_to_closed_anywhere_else(case, case_manager_team):
    with pytest.raises(ValidationError):
        services.case_set_phase(case=case, actor=case_manager_team.own, phase=CasePhase.CLOSED)
    client = _client(case_manager_team.own)
    page = client.post(
        reverse("candidates:case_detail", args=[case.pk]),
        {"phase": "closed", "legal_circle": "none", "case_manager": case_manager_team.own.pk},
    )
    assert page.status_code == 200  # the case form offers no "closed": an error, nothing saved
    case.refresh_from_db()
    assert case.phase == CasePhase.LINKING
    # The case page links to the closing form and shows the phase history with its dates.
    page = client.get(reverse("candidates:case_detail", args=[case.pk])).content.decode()
    assert reverse("candidates:case_close", args=[case.pk]) in page
    assert 'data-testid="phase-history"' in page and "Vermittlung" in page
    # ... and the admin shows the phase read-only.
    from candidates.admin import CaseAdmin

    assert "phase" in CaseAdmin.readonly_fields and "closed_at" in CaseAdmin.readonly_fields


def test_six_months_after_an_employment_the_case_staff_are_asked_once(case, case_manager_team):
    evaluation = services.case_close(case=case, actor=case_manager_team.own, reason="employment")
    assert services.closure_follow_ups_remind() == 0  # not yet due
    assert settings.CELERY_BEAT_SCHEDULE["candidates-closure-follow-ups"]["task"] == (
        "candidates.tasks.send_closure_follow_ups"
    )
    later = evaluation.follow_up_due
    assert services.closure_follow_ups_remind(today=later) == 1
    assert services.closure_follow_ups_remind(today=later) == 0  # once
    notice = Notification.objects.get(kind="candidates.closure_follow_up.staff")
    assert notice.recipient == case_manager_team.own
    assert notice.url_name == "candidates:case_closure"
    # The case manager answers from the closing page (the closed case is no longer in the caseload).
    client = _client(case_manager_team.own)
    CaseEvaluation.objects.filter(pk=evaluation.pk).update(follow_up_due=TODAY)
    closed_list = client.get(reverse("candidates:closed_list")).content.decode()
    assert reverse("candidates:case_closure", args=[case.pk]) in closed_list and "fällig" in closed_list
    url = reverse("candidates:closure_follow_up", args=[case.pk])
    assert client.post(url, {}).status_code == 200  # no answer: the page with its error
    assert client.post(url, {"answer": "running"}).status_code == 302
    evaluation.refresh_from_db()
    assert (
        evaluation.follow_up_answer == "running" and evaluation.follow_up_answered_by == case_manager_team.own
    )


def test_the_task_asks_a_colleague_when_the_case_manager_left(case, case_manager_team):
    evaluation = services.case_close(case=case, actor=case_manager_team.own, reason="employment")
    CaseEvaluation.objects.filter(pk=evaluation.pk).update(follow_up_due=TODAY)
    Membership.objects.filter(user=case_manager_team.own).update(is_active=False)
    assert tasks.send_closure_follow_ups.delay().get() == 1
    assert Notification.objects.get(kind="candidates.closure_follow_up.staff").recipient == (
        case_manager_team.colleague
    )


def test_reopening_needs_a_reason_and_is_audited(case, case_manager_team):
    services.case_close(case=case, actor=case_manager_team.own, reason="no_longer_wanted")
    client = _client(case_manager_team.colleague)
    url = reverse("candidates:case_reopen", args=[case.pk])
    page = client.post(url, {"reason": ""})
    assert page.status_code == 200 and "Bitte begründen Sie" in page.content.decode()
    response = client.post(url, {"reason": "Sie möchte doch wieder Unterstützung."})
    assert response["Location"] == reverse("candidates:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.phase == CasePhase.LINKING and case.closed_at is None  # back where it was closed from
    evaluation = CaseEvaluation.objects.get(case=case)
    assert evaluation.reopened_by == case_manager_team.colleague
    assert AuditEntry.objects.filter(
        record_id=str(case.candidate_id), actor_id=case_manager_team.colleague.pk, note="reopened"
    ).exists()
    assert [c.to_phase for c in CasePhaseChange.objects.filter(case=case)] == [
        "intake",
        "linking",
        "closed",
        "linking",
    ]
    # Closed again later: a second evaluation, the first one stays on record.
    services.case_close(case=case, actor=case_manager_team.own, reason="training")
    assert CaseEvaluation.objects.filter(case=case).count() == 2


def test_a_team_lead_hands_on_the_cases_of_a_departed_colleague(case, case_manager_team):
    org = case_manager_team.organisation
    lead = new_member("case_manager", organisation=org, lead=True)
    successor = case_manager_team.colleague
    Membership.objects.filter(user=case_manager_team.own, organisation=org).update(is_active=False)
    url = reverse("candidates:reassign")
    # Only a lead: a colleague without the lead flag is refused.
    assert _client(successor).get(url).status_code == 403
    client = _client(lead)
    assert "Fälle ausgeschiedener Kolleg*innen" in client.get(reverse("accounts:home")).content.decode()
    page = client.get(url).content.decode()
    assert case.candidate.full_name in page
    # No target: the form again with its error, the case still with the departed case manager.
    page = client.post(url, {"organisation": org.pk, "cases": [case.pk]})
    assert page.status_code == 200 and "Bitte wählen Sie eine aktive Fachkraft." in page.content.decode()
    # The departed colleague is not a choice.
    page = client.post(url, {"organisation": org.pk, "cases": [case.pk], "to_user": case_manager_team.own.pk})
    assert page.status_code == 200
    response = client.post(url, {"organisation": org.pk, "cases": [case.pk], "to_user": successor.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.case_manager == successor
    told = Notification.objects.get(kind="candidates.new_contact.candidate")
    assert told.recipient == case.candidate.user
    assert Notification.objects.filter(kind="candidates.cases_assigned.staff", recipient=successor).exists()
    assert case.candidate.full_name not in client.get(url).content.decode()


def test_a_lead_cannot_reassign_another_organisations_cases(case, case_manager_team):
    lead_elsewhere = new_member("case_manager", organisation=case_manager_team.other_organisation, lead=True)
    Membership.objects.filter(user=case_manager_team.own).update(is_active=False)
    client = _client(lead_elsewhere)
    assert case.candidate.full_name not in client.get(reverse("candidates:reassign")).content.decode()
    page = client.post(
        reverse("candidates:reassign"),
        {"organisation": case_manager_team.organisation.pk, "cases": [case.pk], "to_user": lead_elsewhere.pk},
    )
    assert page.status_code == 404
    with pytest.raises(ValidationError):
        services.cases_reassign(
            actor=lead_elsewhere,
            organisation=case_manager_team.organisation,
            cases=[case],
            to_user=case_manager_team.colleague,
        )


def test_the_persons_export_names_the_evaluation_and_erasure_drops_its_words(case, case_manager_team):
    from privacy.document import missing_labels

    services.case_close(
        case=case, actor=case_manager_team.own, reason="employment", note="Vertrauliche Bemerkung"
    )
    data = {"candidates": services.candidate_export(candidate=case.candidate)}
    exported = data["candidates"]["cases"][0]
    assert exported["evaluations"][0]["reason"] == "employment"
    assert [p["phase"] for p in exported["phase_history"]] == ["intake", "linking", "closed"]
    assert missing_labels(data) == set()
    services.candidate_erase(candidate=case.candidate, actor=case_manager_team.own)
    evaluation = CaseEvaluation.objects.get(case=case)
    assert evaluation.note == "" and evaluation.reason == "employment"  # the count stays, the words go
