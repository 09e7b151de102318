"""The job coach completes the job-quality fields of an employment (issue 20): ISCO skill levels,
the minimum wage by date, the service's refusals and the form's clear errors with the input kept."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from employers.models import EmploymentQuality
from employers.quality import minimum_wage_on, person_skill_level
from employers.services import employment_quality_set
from privacy.models import AuditEntry
from taxonomy.isco import skill_level
from tests.factories import QualificationFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db

VALID = {
    "contract_type": "permanent",
    "hours_per_week": "38",
    "social_insurance": "on",
    "hourly_wage": "15,20",
    "job_skill_level": "1",
    "person_skill_level": "2",
    "training_offered": "induction",
    "commute_minutes": "25",
}


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("7512", 2),
        ("9112", 1),
        ("2211", 4),
        ("3112", 3),
        ("1412", 3),
        ("1211", 4),
        ("0310", 1),
        ("", None),
        ("x1", None),
    ],
)
def test_isco_skill_level(code, level):
    assert skill_level(code) == level


def test_minimum_wage_by_date():
    assert minimum_wage_on(datetime.date(2026, 3, 1)) == (Decimal("13.90"), datetime.date(2026, 1, 1))
    assert minimum_wage_on(datetime.date(2025, 12, 31)) == (Decimal("12.82"), datetime.date(2025, 1, 1))


def test_person_level_is_the_highest_declared_qualification(world):
    assert person_skill_level(world.candidate) is None
    QualificationFactory(candidate=world.candidate, title="Abitur", kind="school", country="")
    QualificationFactory(candidate=world.candidate, title="Elektriker", kind="vocational", country="")
    assert person_skill_level(world.candidate) == 2


def _set(world, **overrides):
    data = {
        "contract_type": "permanent",
        "hours_per_week": 38,
        "fixed_term": False,
        "social_insurance": True,
        "hourly_wage": Decimal("15.20"),
        "job_skill_level": 1,
        "person_skill_level": 2,
        "training_offered": "induction",
        "commute_minutes": 25,
    } | overrides
    return employment_quality_set(employment=world.employment, actor=world.coach, **data)


def test_service_saves_and_marks_below_qualification(world):
    quality = _set(world)
    assert quality.below_qualification is True
    assert quality.minimum_wage == Decimal("13.90")
    world.employment.refresh_from_db()
    assert (world.employment.contract_type, world.employment.hours_per_week) == ("permanent", 38)
    assert AuditEntry.objects.filter(note="job quality completed").count() == 1
    # Saving again changes the one row.
    _set(world, person_skill_level=1, hourly_wage=Decimal("13.90"))
    quality = EmploymentQuality.objects.get(employment=world.employment)
    assert quality.below_qualification is False
    assert quality.at_or_below_minimum_wage is True


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hourly_wage": Decimal("12.00")}, "hourly_wage"),
        ({"fixed_term": True}, "fixed_term"),
        ({"contract_type": "mini_job"}, "social_insurance"),
        ({"contract_type": "apprenticeship", "social_insurance": False}, "social_insurance"),
        ({"contract_type": "eq", "social_insurance": False}, "social_insurance"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"job_skill_level": 7}, "job_skill_level"),
        ({"commute_minutes": 500}, "commute_minutes"),
    ],
)
def test_service_refuses_contradictions(world, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _set(world, **overrides)
    assert field in caught.value.error_dict
    assert not EmploymentQuality.objects.exists()


def test_below_minimum_wage_is_allowed_for_an_apprenticeship(world):
    quality = _set(world, contract_type="apprenticeship", hourly_wage=Decimal("6.50"))
    assert quality.at_or_below_minimum_wage


def test_an_eq_pays_the_allowance_below_the_minimum_wage_a_regular_job_may_not(world):
    quality = _set(world, contract_type="eq", hourly_wage=Decimal("2.10"))
    assert quality.at_or_below_minimum_wage
    with pytest.raises(ValidationError) as caught:
        _set(world, contract_type="fixed_term", hourly_wage=Decimal("2.10"))
    assert "Einstiegsqualifizierung" in caught.value.error_dict["hourly_wage"][0].messages[0]


def test_the_coach_records_an_einstiegsqualifizierung_through_the_form(world):
    client = login_with_mfa(Client(), world.coach)
    url = reverse("coaching:employment_quality", args=[world.employment.pk])
    assert '<option value="eq">Einstiegsqualifizierung (EQ)</option>' in client.get(url).content.decode()
    response = client.post(url, VALID | {"contract_type": "eq", "hourly_wage": "2,10"})
    assert response.status_code == 302
    world.employment.refresh_from_db()
    assert world.employment.contract_type == "eq"
    page = client.get(reverse("coaching:employment_detail", args=[world.employment.pk])).content.decode()
    assert "Einstiegsqualifizierung (EQ)" in page


def test_coach_finds_the_form_on_the_employment_page_and_saves(world):
    client = login_with_mfa(Client(), world.coach)
    page = client.get(reverse("coaching:employment_detail", args=[world.employment.pk])).content.decode()
    url = reverse("coaching:employment_quality", args=[world.employment.pk])
    assert url in page
    response = client.post(url, VALID)
    assert response.status_code == 302
    quality = EmploymentQuality.objects.get(employment=world.employment)
    assert quality.hourly_wage == Decimal("15.20")
    page = client.get(reverse("coaching:employment_detail", args=[world.employment.pk])).content.decode()
    assert "unter der Qualifikation" in page


def test_wage_below_the_minimum_is_a_clear_error_with_the_input_kept(world):
    client = login_with_mfa(Client(), world.coach)
    url = reverse("coaching:employment_quality", args=[world.employment.pk])
    response = client.post(url, VALID | {"hourly_wage": "12,00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mindestlohn von 13,90 €" in html
    assert 'value="12,00"' in html
    response = client.post(url, VALID | {"hourly_wage": "viel"})
    assert response.status_code == 400
    assert not EmploymentQuality.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("case_manager", 403), ("coach_other_org", 404), ("coordinator", 403), ("employer", 403)],
)
def test_only_the_responsible_coach_may_post(world, role, status):
    client = login_with_mfa(Client(), world.people[role])
    response = client.post(reverse("coaching:employment_quality", args=[world.employment.pk]), VALID)
    assert response.status_code == status
    assert not EmploymentQuality.objects.exists()
