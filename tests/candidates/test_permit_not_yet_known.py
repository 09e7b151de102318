"""Issue 21: "noch offen" is the permit of a person nobody has entered one for — the default of
an intake, listed in "Für das Matching fehlt noch", counted on the caseload, and what the
migration gives the rows whose "keine Beschäftigung erlaubt" was never chosen by a person."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from candidates import selectors, services
from candidates.models import Candidate, WorkPermission
from tests.factories import AuditEntryFactory, CandidateFactory, CaseFactory, LogEntryFactory

pytestmark = pytest.mark.django_db


def intake(desk, **fields):
    organisation = desk.case.responsible_organisation
    return services.candidate_create(
        actor=desk.user,
        municipality=organisation.municipality,
        responsible_organisation=organisation,
        first_name=fields.pop("first_name", "Neu"),
        last_name=fields.pop("last_name", "Aufgenommen"),
        **fields,
    )


def test_an_intake_starts_with_the_permit_not_yet_known(desk):
    person = intake(desk)
    assert person.work_permission == WorkPermission.UNKNOWN
    assert person.permit_category == "unknown"


def test_the_open_permit_is_listed_as_missing_but_a_recorded_none_is_not(desk, signed_in):
    person = intake(desk)
    html = signed_in(desk.user).get(reverse("candidates:detail", args=[person.pk])).content.decode()
    assert "Arbeitserlaubnis (noch offen)" in html
    barred = selectors.candidate_get(user=desk.user, pk=desk.candidate.pk)
    barred.work_permission = WorkPermission.NONE
    assert "Arbeitserlaubnis (noch offen)" not in selectors.missing_for_matching(barred)


def test_the_caseload_counts_the_cases_whose_permit_is_still_open(desk, signed_in):
    intake(desk, first_name="Erste")
    intake(desk, first_name="Zweite")
    Candidate.objects.filter(pk=desk.candidate.pk).update(work_permission=WorkPermission.UNRESTRICTED)
    client = signed_in(desk.user)
    html = client.get(reverse("candidates:case_list")).content.decode()
    assert "2 Fälle mit offener Arbeitserlaubnis" in html
    only_open = client.get(reverse("candidates:case_list"), {"permit_open": "true"}).content.decode()
    assert "Erste" in only_open and "Zweite" in only_open and desk.candidate.last_name not in only_open


def test_the_migration_opens_only_the_permits_nobody_chose(desk):
    from django.contrib.admin.models import CHANGE
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module("candidates.migrations.0009_work_permission_not_yet_known")
    never_set = CaseFactory(responsible_organisation=desk.case.responsible_organisation).candidate
    made_by_intake = intake(desk)
    chosen = CandidateFactory(municipality=desk.candidate.municipality)
    chosen_in_admin = CandidateFactory(municipality=desk.candidate.municipality)
    may_work = CandidateFactory(municipality=desk.candidate.municipality, work_permission="unrestricted")
    Candidate.objects.filter(pk__in=[never_set.pk, made_by_intake.pk, chosen.pk, chosen_in_admin.pk]).update(
        work_permission="none"
    )
    # A person chose "keine Beschäftigung erlaubt" on the profile form (the audit names the field) ...
    AuditEntryFactory(
        action="change",
        record_type="candidates.candidate",
        record_id=str(chosen.pk),
        fields=["work_permission"],
    )
    # ... or in the Django admin (its log names the field by its label).
    LogEntryFactory(
        user_id=desk.user.pk,
        content_type=ContentType.objects.get_for_model(Candidate),
        object_id=str(chosen_in_admin.pk),
        object_repr="x",
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Arbeitserlaubnis"]}}]',
    )

    migration.open_permits_nobody_chose(apps, None)

    permits = dict(Candidate.objects.values_list("pk", "work_permission"))
    assert permits[never_set.pk] == "unknown"
    assert permits[made_by_intake.pk] == "unknown"
    assert permits[chosen.pk] == "none"
    assert permits[chosen_in_admin.pk] == "none"
    assert permits[may_work.pk] == "unrestricted"
