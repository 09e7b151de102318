"""Ending an employment: the service (dates, twice, audit) and the staff page (bad input, who may)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers import services
from employers.models import Employment, EmploymentEndReason, Introduction
from privacy.models import AuditEntry
from tests.factories import UserFactory, make_candidate, make_profile, open_case

START = date(2025, 3, 1)


@pytest.fixture
def candidate(municipality, cook_taxonomy, coach):
    c = make_candidate(municipality, occupation=cook_taxonomy.cook, user=UserFactory(is_candidate=True))
    open_case(c, coach)
    return c


@pytest.fixture
def employment(candidate, placement, employer):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    services.introduction_answer(introduction=intro, actor=candidate.user, accept=True)
    return services.introduction_hire(introduction=intro, actor=employer.own, start_date=START)


def _url(employment) -> str:
    return reverse("employers:employment_end", args=[employment.reference])


# --- the service -------------------------------------------------------------------------------


def test_ending_records_date_reason_and_an_audit_entry(employment, employer):
    services.employment_end(
        employment=employment,
        actor=employer.own,
        end_date=date(2025, 8, 31),
        end_reason=EmploymentEndReason.COMPLETED,
    )

    employment.refresh_from_db()
    assert employment.end_date == date(2025, 8, 31)
    assert employment.end_reason == EmploymentEndReason.COMPLETED
    assert not employment.is_running
    entry = AuditEntry.objects.get(record_type="employers.employment", record_id=str(employment.pk))
    assert entry.actor_id == employer.own.pk
    assert entry.action == AuditEntry.Action.CHANGE
    assert entry.fields == ["end_date", "end_reason"]
    assert entry.municipality_id == employment.candidate.municipality_id


def test_the_last_day_may_be_the_first_day(employment, employer):
    services.employment_end(
        employment=employment, actor=employer.own, end_date=START, end_reason=EmploymentEndReason.PROBATION
    )
    employment.refresh_from_db()
    assert employment.end_date == START


def test_an_end_before_the_start_is_refused_with_the_start_date(employment, employer):
    with pytest.raises(ValidationError) as exc:
        services.employment_end(
            employment=employment,
            actor=employer.own,
            end_date=START - timedelta(days=1),
            end_reason=EmploymentEndReason.MUTUAL,
        )

    assert "01.03.2025" in " ".join(exc.value.message_dict["end_date"])
    employment.refresh_from_db()
    assert employment.is_running and employment.end_date is None
    assert not AuditEntry.objects.filter(record_type="employers.employment").exists()


def test_ending_twice_is_refused_and_the_first_end_stays(employment, employer, coach):
    services.employment_end(
        employment=employment,
        actor=employer.own,
        end_date=date(2025, 5, 31),
        end_reason=EmploymentEndReason.MOVED,
    )
    stale = Employment.objects.get(pk=employment.pk)

    with pytest.raises(ValidationError, match="schon beendet"):
        services.employment_end(
            employment=stale, actor=coach, end_date=date(2025, 9, 30), end_reason=EmploymentEndReason.OTHER
        )

    employment.refresh_from_db()
    assert (employment.end_date, employment.end_reason) == (date(2025, 5, 31), EmploymentEndReason.MOVED)
    assert AuditEntry.objects.filter(record_type="employers.employment").count() == 1


def test_an_unknown_reason_is_refused(employment, employer):
    with pytest.raises(ValidationError) as exc:
        services.employment_end(
            employment=employment, actor=employer.own, end_date=date(2025, 5, 31), end_reason="vanished"
        )
    assert "end_reason" in exc.value.message_dict
    employment.refresh_from_db()
    assert employment.is_running


def test_after_the_end_the_person_can_be_hired_again(employment, employer, candidate, cook_taxonomy):
    from tests.factories import make_placement

    services.employment_end(
        employment=employment,
        actor=employer.own,
        end_date=date(2025, 5, 31),
        end_reason=EmploymentEndReason.MUTUAL,
    )
    second = make_placement(make_profile(employer.organisation), cook_taxonomy.cook, title="Beikoch")
    intro = services.introduction_select(placement=second, candidate=candidate, actor=employer.own)
    services.introduction_answer(introduction=intro, actor=candidate.user, accept=True)

    new = services.introduction_hire(introduction=intro, actor=employer.own, start_date=date(2025, 7, 1))
    assert new.is_running and new.pk != employment.pk


# --- the page -----------------------------------------------------------------------------------


def test_case_manager_ends_it_on_the_page(employment, coach, signed_in):
    client = signed_in(coach)
    page = client.get(_url(employment))
    assert page.status_code == 200
    assert "Koch (m/w/d)" in page.content.decode() and "01.03.2025" in page.content.decode()

    response = client.post(
        _url(employment), {"end_date": "2025-10-31", "end_reason": "candidate_resigned"}, follow=True
    )

    employment.refresh_from_db()
    assert employment.end_reason == EmploymentEndReason.CANDIDATE_RESIGNED
    html = response.content.decode()
    assert "Das Ende der Beschäftigung ist gespeichert." in html
    assert "Beendet am 31.10.2025" in html
    assert 'name="end_date"' not in html  # nothing left to end


def test_an_end_before_the_start_shows_the_error_and_keeps_the_input(employment, employer, signed_in):
    response = signed_in(employer.own).post(
        _url(employment), {"end_date": "2025-02-01", "end_reason": "mutual"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Das Ende kann nicht vor dem Beginn am 01.03.2025 liegen." in html
    assert 'value="2025-02-01"' in html
    assert '<option value="mutual" selected>' in html
    employment.refresh_from_db()
    assert employment.is_running


@pytest.mark.parametrize(
    "data, message",
    [
        ({"end_date": "31.02.2025", "end_reason": "mutual"}, "Bitte ein gültiges Datum angeben"),
        ({"end_date": "", "end_reason": "mutual"}, "Bitte den letzten Arbeitstag angeben."),
        ({"end_date": "2025-06-30", "end_reason": "<script>"}, "Bitte einen Grund für das Ende auswählen."),
        ({"end_date": "2025-06-30", "end_reason": ""}, "Bitte einen Grund für das Ende auswählen."),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_changes(employment, employer, signed_in, data, message):
    response = signed_in(employer.own).post(_url(employment), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    employment.refresh_from_db()
    assert employment.is_running and employment.end_date is None


def test_posting_to_an_ended_employment_says_so(employment, employer, signed_in):
    services.employment_end(
        employment=employment,
        actor=employer.own,
        end_date=date(2025, 5, 31),
        end_reason=EmploymentEndReason.MOVED,
    )

    response = signed_in(employer.own).post(
        _url(employment), {"end_date": "2025-09-30", "end_reason": "other"}
    )

    assert response.status_code == 200
    assert "Diese Beschäftigung ist schon beendet." in response.content.decode()
    employment.refresh_from_db()
    assert employment.end_reason == EmploymentEndReason.MOVED


def test_a_tampered_reference_or_an_id_is_a_404(employment, employer, signed_in):
    client = signed_in(employer.own)
    for path in (
        "/app/employers/employments/ABCDE-FGHJK/end/",
        f"/app/employers/employments/{employment.pk}/end/",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path, {"end_date": "2025-06-30", "end_reason": "mutual"}).status_code == 404
    employment.refresh_from_db()
    assert employment.is_running


def test_the_hired_introduction_links_to_the_end_page(employment, employer, signed_in):
    intro = Introduction.objects.get(employment=employment)
    html = (
        signed_in(employer.own)
        .get(reverse("employers:introduction_detail", args=[intro.reference]))
        .content.decode()
    )
    assert _url(employment) in html
