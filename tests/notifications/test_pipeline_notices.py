"""The selection pipeline tells each side, in words addressed to them, with a link to where they act."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone, translation

from employers import services
from notifications import registry
from notifications.models import Notification
from notifications.selectors import inbox
from tests.factories import make_placement, make_profile


def _kinds(user) -> list[str]:
    return list(inbox(user=user).values_list("kind", flat=True))


def test_selection_addresses_the_candidate_and_the_case_manager_differently(
    placement,
    candidate,
    employer,
    coach,
    candidate_user,
):
    services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    [mine] = inbox(user=candidate_user)
    [staff] = inbox(user=coach)
    with translation.override("de"):
        assert mine.title() == "Ein Betrieb möchte Sie kennenlernen"
        assert staff.title() == "Ein Betrieb möchte eine Person aus Ihrer Fallverantwortung kennenlernen"
        # Each is led to where they answer: the case manager to the team's introductions page.
        assert mine.path() == reverse("employers:my_introductions")
        assert staff.path() == reverse("employers:staff_introductions")
    with translation.override("uk"):
        assert staff.path().startswith("/uk/app/")
    # The person is never named in a notice.
    assert candidate.last_name not in f"{staff.params} {mine.params}"


def test_the_answer_tells_the_employer_and_marks_the_answerers_notice_read(
    placement,
    candidate,
    employer,
    coach,
    candidate_user,
):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    services.introduction_answer(introduction=intro, actor=coach, accept=True)
    assert _kinds(employer.own) == ["employers.accepted.employer"]
    assert inbox(user=employer.own).get().path() == reverse(
        "employers:introduction_detail", args=[intro.reference]
    )
    # The case manager's POST answered it: their notice is read; the candidate's is not.
    assert inbox(user=coach).get().read_at is not None
    assert inbox(user=candidate_user).get().read_at is None


def test_interview_offer_and_hire_notify_the_candidate_and_the_case_manager(
    placement,
    candidate,
    employer,
    coach,
    candidate_user,
):
    other_placement = make_placement(
        make_profile(employer.other_organisation), placement.occupation, openings=2
    )
    other = services.introduction_select(
        placement=other_placement, candidate=candidate, actor=employer.outsider
    )
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    intro = services.introduction_answer(introduction=intro, actor=candidate_user, accept=True)
    at = timezone.make_aware(datetime(2027, 1, 12, 10, 30))
    services.introduction_schedule_interview(
        introduction=intro, actor=employer.own, at=at, place="Hafenstraße 3, Dortmund"
    )
    services.introduction_offer(introduction=intro, actor=employer.own)
    services.introduction_hire(introduction=intro, actor=employer.own, start_date=date(2027, 2, 1))

    for user, audience in ((candidate_user, "candidate"), (coach, "staff")):
        kinds = _kinds(user)
        for step in ("interview", "offer", "hired"):
            assert f"employers.{step}.{audience}" in kinds, (audience, step)
    interview = Notification.objects.get(recipient=coach, kind="employers.interview.staff")
    with translation.override("de"):
        # Date and place, on the page and in the mail.
        assert "12.01.2027 10:30" in interview.detail()
        assert "Hafenstraße 3, Dortmund" in interview.detail()
        mail_line = registry.get("employers.interview.candidate").mail_detail(interview.params)
        assert "12.01.2027 10:30" in mail_line and "Hafenstraße 3, Dortmund" in mail_line
        hired = Notification.objects.get(recipient=candidate_user, kind="employers.hired.candidate")
        assert "01.02.2027" in hired.detail()
    # The other employer learns, kindly, that their introduction ended.
    other.refresh_from_db()
    assert other.stage == "closed"
    closed = Notification.objects.get(recipient=employer.outsider, kind="employers.closed.employer")
    with translation.override("de"):
        assert "anderswo eingestellt" in closed.detail()
