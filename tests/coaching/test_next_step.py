"""The next step while employed (issue 20): in a helper job the job coach sees the pathways that fit
on the follow-along page, and the 6- and 12-month follow-ups ask about them."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching import pathway_selectors, services
from coaching.models import FollowUp, FollowUpDue
from employers.models import Employment, EmploymentQuality
from tests.clock import TODAY
from tests.coaching.helpers import quality
from tests.factories import RiskFlagFactory, make_employment
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _page(user, employment) -> str:
    client = login_with_mfa(Client(), user)
    response = client.get(reverse("coaching:employment_detail", args=[employment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_helper_job_shows_the_coach_the_pathways_that_fit(world, person):
    quality(world.employment, job_level=1)
    html = _page(world.coach, world.employment)
    assert 'data-testid="next-step"' in html
    pathway_url = reverse("coaching:pathway", args=[world.case.pk])
    # The proposals of the pathway page, best first: the specialist shares 3 essential skills.
    proposals = html.split('data-testid="next-step-proposals"')[1].split("</ul>")[0]
    assert proposals.index("Fachkraft für Lagerlogistik") < proposals.index("Bürokraft")
    assert f"{pathway_url}?target=http%3A//esco.test/occupation/specialist" in proposals
    # The link leads to a page the coach may open.
    client = login_with_mfa(Client(), world.coach)
    target = client.get(pathway_url, {"target": "http://esco.test/occupation/specialist"})
    assert target.status_code == 200 and "Gefahrgutvorschriften" in target.content.decode()


def test_a_job_at_the_persons_level_and_a_reader_without_the_file_see_no_panel(world, person):
    record = quality(world.employment, job_level=2)
    assert 'data-testid="next-step"' not in _page(world.coach, world.employment)
    # Below the person's qualification counts as a helper job too.
    EmploymentQuality.objects.filter(pk=record.pk).update(person_skill_level=4, below_qualification=True)
    assert 'data-testid="next-step"' in _page(world.coach, world.employment)
    # A coordinator who is not responsible reads only the risks escalated to them, not the file.
    RiskFlagFactory(
        employment=world.employment,
        kind="dropout",
        raised_by=world.coach,
        escalated_to=world.coordinator,
        escalated_at=timezone.now(),
    )
    assert 'data-testid="next-step"' not in _page(world.coordinator, world.employment)


def _at_month(world, months: int):
    """An employment started ``months`` ago whose earlier planned follow-ups are done."""
    today = TODAY
    Employment.objects.filter(candidate=world.candidate).delete()
    employment = make_employment(world.case, world.employer_org, start=today - relativedelta(months=months))
    services.follow_along_start(employment_id=employment.pk)
    index = {3: 2, 6: 3, 12: 4}[months]
    for _ in range(index + 1):
        services.schedule_extend(employment=employment)
        FollowUpDue.objects.filter(employment=employment, sequence__lt=index).update(done_at=timezone.now())
    services.schedule_extend(employment=employment)
    assert FollowUpDue.objects.filter(employment=employment, sequence=index, done_at__isnull=True).exists()
    return employment


def _form(world, employment, data=None):
    client = login_with_mfa(Client(), world.coach)
    url = reverse("coaching:follow_up_create", args=[employment.pk])
    return client.get(url) if data is None else client.post(url, data)


def test_the_six_month_follow_up_of_a_helper_job_asks_about_the_next_step(world, person):
    employment = _at_month(world, 6)
    quality(employment, job_level=1)
    assert "Nächster beruflicher Schritt" in _form(world, employment).content.decode()
    data = {
        "token": services.new_token(),
        "date": TODAY.isoformat(),
        "mode": "phone",
        "with_whom": "candidate",
        "notes": "Läuft gut, möchte mehr Verantwortung.",
    }
    # Not answered: the form says so and keeps what was typed.
    missing = _form(world, employment, data)
    assert missing.status_code == 200 and FollowUp.objects.count() == 0
    assert "möchte mehr Verantwortung" in missing.content.decode()
    assert 'aria-invalid="true"' in missing.content.decode() or "kern-error" in missing.content.decode()
    saved = _form(world, employment, {**data, "next_step": "interested"})
    assert saved.status_code == 302
    entry = FollowUp.objects.get(employment=employment)
    assert entry.next_step == "interested"
    assert FollowUpDue.objects.get(employment=employment, sequence=3).done_by == entry
    html = _page(world.coach, employment)
    assert "möchte weiterkommen: Weg zum Zielberuf planen" in html
    assert "fragt nach dem nächsten Schritt" in html  # the 12-month one, still planned


def test_the_twelve_month_follow_up_asks_too_the_three_month_one_does_not(world, person):
    employment = _at_month(world, 12)
    quality(employment, job_level=1)
    assert pathway_selectors.asks_next_step(employment=employment, on=TODAY)
    assert "Nächster beruflicher Schritt" in _form(world, employment).content.decode()
    early = _at_month(world, 3)
    quality(early, job_level=1)
    assert "Nächster beruflicher Schritt" not in _form(world, early).content.decode()


def test_a_skilled_job_is_not_asked(world, person):
    employment = _at_month(world, 6)
    quality(employment, job_level=2)
    assert not pathway_selectors.asks_next_step(employment=employment, on=TODAY)
    assert not pathway_selectors.asks_next_step(employment=employment, on=TODAY - datetime.timedelta(days=60))
