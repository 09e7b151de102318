"""The hire (issue 12): the employer records date, contract type and hours in a form that works in
a browser; the employment gets its responsible job coach; the person's other open introductions
close with a kind notice to their employers.

Found: the date field was empty in Chromium (prefilled "15.01.2027", which a date input rejects),
the case manager was made job coach by default, and the other employers were not told.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from employers import notices as employer_notices
from employers import services
from employers.models import Employment, Introduction
from notifications.models import Notification
from tests.clock import TODAY
from tests.factories import (
    MembershipFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
    open_case,
)
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

Stage = Introduction.Stage


@pytest.fixture
def candidate(municipality, cook_taxonomy, coach):
    c = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    open_case(c, coach)
    return c


@pytest.fixture
def team_coach(coach):
    """A job coach in the office responsible for the case (the case manager ``coach`` is none)."""
    return new_member(Role.JOB_COACH, organisation=coach.memberships.first().organisation)


def _accepted(placement, candidate, employer, coach):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    return services.introduction_answer(introduction=intro, actor=coach, accept=True, note="EW-1")


def _hire(intro, employer, **kwargs):
    kwargs.setdefault("start_date", TODAY + timedelta(days=14))
    return services.introduction_hire(introduction=intro, actor=employer.own, **kwargs)


# --- the form in the browser ---------------------------------------------------------------------------


def test_the_hire_forms_date_is_an_iso_date_a_date_input_accepts(
    placement, candidate, employer, coach, signed_in
):
    start = TODAY + timedelta(days=45)
    placement.start_date = start
    placement.save(update_fields=["start_date"])
    intro = _accepted(placement, candidate, employer, coach)
    page = signed_in(employer.own).get(reverse("employers:introduction_detail", args=[intro.reference]))
    html = page.content.decode()
    field = re.search(r'<input type="date" name="start_date"[^>]*>', html)
    assert field is not None, html
    value = re.search(r'value="([^"]*)"', field.group(0)).group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    assert value == start.isoformat()
    assert re.search(r'min="\d{4}-\d{2}-\d{2}"', field.group(0))
    assert re.search(r'max="\d{4}-\d{2}-\d{2}"', field.group(0))
    # Contract type and hours are asked for, the hours prefilled from the placement.
    assert 'name="contract_type"' in html
    assert re.search(r'name="hours_per_week"[^>]*value="40"|value="40"[^>]*name="hours_per_week"', html)


def test_a_placement_start_in_the_past_leaves_the_date_empty_with_a_hint(
    placement, candidate, employer, coach, signed_in
):
    placement.start_date = date(2020, 1, 1)
    placement.save(update_fields=["start_date"])
    intro = _accepted(placement, candidate, employer, coach)
    html = (
        signed_in(employer.own)
        .get(reverse("employers:introduction_detail", args=[intro.reference]))
        .content.decode()
    )
    field = re.search(r'<input type="date" name="start_date"[^>]*>', html).group(0)
    assert "value=" not in field
    assert "Erster Arbeitstag" in html


def test_a_date_out_of_range_is_refused_clearly_and_the_input_kept(
    placement, candidate, employer, coach, signed_in
):
    intro = _accepted(placement, candidate, employer, coach)
    client = signed_in(employer.own)
    url = reverse("employers:introduction_action", args=[intro.reference, "hire"])
    response = client.post(
        url, {"start_date": "2099-01-04", "contract_type": "fixed_term", "hours_per_week": "32"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte ein Datum zwischen dem" in html
    assert 'value="2099-01-04"' in html and 'value="32"' in html
    assert re.search(r'<option value="fixed_term" selected>', html)
    assert not Employment.objects.exists()
    hours = client.post(url, {"start_date": "", "contract_type": "", "hours_per_week": "80"})
    assert hours.status_code == 400
    for message in (
        "Bitte den ersten Arbeitstag angeben.",
        "Bitte eine Vertragsart auswählen.",
        "Bitte eine ganze Zahl von 1 bis 60 angeben.",
    ):
        assert message in hours.content.decode()


def test_the_employer_hires_through_the_page_with_contract_hours_and_the_teams_coach(
    placement, candidate, employer, coach, team_coach, signed_in
):
    intro = _accepted(placement, candidate, employer, coach)
    client = signed_in(employer.own)
    html = client.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    assert re.search(rf'<option value="{team_coach.pk}" selected>', html)  # the team's coach preselected
    start = TODAY + timedelta(days=10)
    response = client.post(
        reverse("employers:introduction_action", args=[intro.reference, "hire"]),
        {
            "start_date": start.isoformat(),
            "contract_type": "permanent",
            "hours_per_week": "30",
            "job_coach": "",
        },
    )
    assert response.status_code == 302
    employment = Employment.objects.get(candidate=candidate)
    assert (employment.start_date, employment.contract_type, employment.hours_per_week) == (
        start,
        "permanent",
        30,
    )
    assert employment.job_coach == team_coach
    # The hired page links to "Unterstützung anfragen" for exactly this employment.
    page = client.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    assert f"?employment={employment.reference}" in page


# --- the responsible job coach ------------------------------------------------------------------------


def test_the_case_manager_is_never_made_job_coach_silently(placement, candidate, employer, coach):
    intro = _accepted(placement, candidate, employer, coach)
    employment = _hire(intro, employer)
    assert employment.job_coach is None  # no job coach anywhere: nobody, not the case manager


def test_a_case_manager_who_is_also_a_job_coach_there_is_the_default(
    placement, candidate, employer, coach, team_coach
):
    MembershipFactory(user=coach, organisation=coach.memberships.first().organisation, role=Role.JOB_COACH)
    intro = _accepted(placement, candidate, employer, coach)
    assert _hire(intro, employer).job_coach == coach


def test_a_job_coach_chosen_at_hire(placement, candidate, employer, coach, team_coach, municipality):
    partner = new_member(Role.JOB_COACH, municipality=municipality)
    intro = _accepted(placement, candidate, employer, coach)
    assert _hire(intro, employer, job_coach=partner).job_coach == partner


def test_a_coach_from_elsewhere_or_without_the_role_cannot_be_chosen(
    placement, candidate, employer, coach, other_municipality
):
    intro = _accepted(placement, candidate, employer, coach)
    for wrong in (new_member(Role.JOB_COACH, municipality=other_municipality), coach, UserFactory()):
        with pytest.raises(ValidationError):
            _hire(intro, employer, job_coach=wrong)
    assert not Employment.objects.exists()


# --- the other open introductions -----------------------------------------------------------------------


def test_hiring_closes_the_other_introductions_and_tells_their_employers_kindly(
    placement, candidate, employer, coach, django_capture_on_commit_callbacks, signed_in
):
    other_placement = make_placement(
        make_profile(employer.other_organisation), placement.occupation, openings=2
    )
    other = services.introduction_select(
        placement=other_placement, candidate=candidate, actor=employer.outsider
    )
    finished = services.introduction_select(
        placement=make_placement(make_profile(employer.other_organisation), placement.occupation),
        candidate=candidate,
        actor=employer.outsider,
    )
    services.introduction_answer(introduction=finished, actor=coach, accept=False)
    intro = _accepted(placement, candidate, employer, coach)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _hire(intro, employer, contract_type="permanent", hours_per_week=38)
    other.refresh_from_db()
    assert (other.stage, other.close_reason) == (Stage.CLOSED, "hired_elsewhere")
    notices = Notification.objects.filter(kind=employer_notices.CLOSED_EMPLOYER)
    assert {n.target_id for n in notices} == {other.pk}  # not the declined one, not the hire
    assert set(notices.values_list("recipient_id", flat=True)) == {employer.outsider.pk}
    notice_mail = [m for m in mail.outbox if m.to == [employer.outsider.email]]
    assert len(notice_mail) == 1
    body = notice_mail[0].body
    assert "Eine Vorstellung bei Ihnen wurde beendet" in body
    for secret in (candidate.first_name, candidate.last_name, candidate.email, candidate.phone):
        assert secret not in body
    # The employer's inbox says why in words, without the person.
    page_text = signed_in(employer.outsider).get(reverse("notifications:inbox")).content.decode()
    assert str(Introduction.CloseReason.HIRED_ELSEWHERE.label) in page_text
    assert candidate.last_name not in page_text


def test_a_hire_posted_after_the_introduction_closed_says_why(
    placement, candidate, employer, coach, signed_in
):
    intro = _accepted(placement, candidate, employer, coach)
    services.introduction_close(introduction=intro, actor=employer.own, reason="not_suitable")
    response = signed_in(employer.own).post(
        reverse("employers:introduction_action", args=[intro.reference, "hire"]),
        {
            "start_date": (TODAY + timedelta(days=7)).isoformat(),
            "contract_type": "permanent",
            "hours_per_week": "20",
        },
    )
    assert response.status_code == 400
    assert "Einstellen ist erst nach der Zustimmung der Person möglich." in response.content.decode()
    assert not Employment.objects.exists()


def test_an_eq_placement_prefills_einstiegsqualifizierung_and_the_hire_keeps_it(
    placement, candidate, employer, coach, signed_in
):
    placement.kind = "eq"
    placement.save(update_fields=["kind"])
    intro = _accepted(placement, candidate, employer, coach)
    client = signed_in(employer.own)
    html = client.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    assert re.search(r'<option value="eq" selected>Einstiegsqualifizierung \(EQ\)</option>', html)
    response = client.post(
        reverse("employers:introduction_action", args=[intro.reference, "hire"]),
        {
            "start_date": (TODAY + timedelta(days=10)).isoformat(),
            "contract_type": "eq",
            "hours_per_week": "35",
        },
    )
    assert response.status_code == 302
    assert Employment.objects.get(candidate=candidate).contract_type == "eq"
