"""The coordinator's audit log: searchable by person (name with typos, reference, date of birth)
and period, with records named instead of numbered — only in their own municipality."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import AuditEntryFactory, CandidateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def client_c(make_member, signed_in):
    return signed_in(make_member("coordinator"))


def _entry(candidate, *, actor="cm@jobcenter.example", days_ago=0, action="view"):
    entry = AuditEntryFactory(
        action=action,
        record_type="candidates.candidate",
        record_id=str(candidate.pk),
        municipality_id=candidate.municipality_id,
        actor_label=actor,
    )
    if days_ago:
        AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - datetime.timedelta(days=days_ago))
    return entry


@pytest.fixture
def people(municipality, other_municipality):
    amira = CandidateFactory(
        municipality=municipality,
        first_name="Amira",
        last_name="Haddad",
        birth_date=datetime.date(1990, 3, 14),
    )
    oleh = CandidateFactory(municipality=municipality, first_name="Oleh", last_name="Bondarenko")
    namesake = CandidateFactory(municipality=other_municipality, first_name="Amira", last_name="Haddad")
    _entry(amira, actor="fallmanagerin@jobcenter.example")
    _entry(oleh, actor="jobcoach@awo.example", days_ago=40)
    _entry(namesake, actor="dort@stadt.example")
    return amira, oleh, namesake


def _get(client, **params):
    return client.get(reverse("organisations:audit_log"), params)


def test_records_are_named_not_numbered(client_c, people):
    amira, oleh, _namesake = people
    body = _get(client_c).content.decode()
    assert f"Amira Haddad ({amira.public_ref})" in body
    assert f"Oleh Bondarenko ({oleh.public_ref})" in body
    assert "candidates.candidate" not in body
    assert "dort@stadt.example" not in body  # another municipality's entry


@pytest.mark.parametrize("query", ["Amira Hadad", "haddad", "14.03.1990", "1990-03-14"])
def test_a_coordinator_finds_a_person_by_misspelt_name_or_birth_date(client_c, people, query):
    body = _get(client_c, person=query).content.decode()
    assert "fallmanagerin@jobcenter.example" in body
    assert "jobcoach@awo.example" not in body
    assert "dort@stadt.example" not in body  # the namesake elsewhere stays out


def test_a_coordinator_finds_a_person_by_reference(client_c, people):
    amira, _oleh, namesake = people
    assert (
        "fallmanagerin@jobcenter.example" in _get(client_c, person=amira.public_ref.lower()).content.decode()
    )
    # Another municipality's reference finds nothing here.
    assert "dort@stadt.example" not in _get(client_c, person=namesake.public_ref).content.decode()


def test_the_period_narrows_the_log(client_c, people):
    today = TODAY
    recent = _get(client_c, since=(today - datetime.timedelta(days=7)).isoformat()).content.decode()
    assert "fallmanagerin@jobcenter.example" in recent and "jobcoach@awo.example" not in recent
    older = _get(client_c, until=(today - datetime.timedelta(days=30)).isoformat()).content.decode()
    assert "jobcoach@awo.example" in older and "fallmanagerin@jobcenter.example" not in older


def test_bad_dates_get_a_clear_error_and_keep_the_input(client_c, people):
    response = _get(client_c, person="Amira", since="2026-02-31")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Amira"' in body
    assert "kern-error" in body
    reversed_period = _get(client_c, since="2026-05-01", until="2026-04-01").content.decode()
    assert "„bis“ liegt vor „von“." in reversed_period


def test_a_page_of_fifty_entries_costs_the_same_queries_as_one(
    client_c, municipality, django_assert_max_num_queries
):
    _entry(CandidateFactory(municipality=municipality))
    with django_assert_max_num_queries(30) as one:
        _get(client_c)
    for _ in range(49):
        _entry(CandidateFactory(municipality=municipality))
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = _get(client_c).content.decode()
    assert body.count("Amina") == 50


@pytest.mark.parametrize("role", ["case_manager", "job_coach", "employer", "candidate", "chamber_editor"])
def test_only_coordinators_read_the_log(role, make_member, signed_in, people):
    client = signed_in(make_member(role), mfa=role != "candidate")
    assert _get(client, person="Amira").status_code == 403
