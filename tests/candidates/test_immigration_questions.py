"""The Clearingstelle (issue 14 §3): case staff ask their municipality's Ausländerbehörde a question
from a case; the office sees only the questions addressed to it (never a case file), answers within a
deadline and is reminded once when it is overdue; the answer reaches the asker's inbox and case page."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import ROLES_REQUIRING_MFA, Role
from candidates import services, tasks
from candidates.models import ImmigrationQuestion
from notifications.models import Notification
from organisations.models import OrganisationKind
from organisations.services import roles_for_kind
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import CaseFactory, CaseNoteFactory, OrganisationFactory, WorkPermitProcedureFactory
from tests.fixtures.users import login_with_mfa, new_member

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

CASE_SECRET = "Fallnotiz: nur für die Fallverantwortlichen"


@pytest.fixture
def world(municipality, other_municipality, case_manager_team):
    office = OrganisationFactory(municipality=municipality, kind=OrganisationKind.IMMIGRATION_OFFICE)
    other_office = OrganisationFactory(
        municipality=other_municipality, kind=OrganisationKind.IMMIGRATION_OFFICE
    )
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=municipality,
        case_manager=case_manager_team.own,
    )
    CaseNoteFactory(case=case, author=case_manager_team.own, text=CASE_SECRET)

    class W:
        pass

    w = W()
    w.case = case
    w.office = office
    w.other_office = other_office
    w.manager = case_manager_team.own
    w.officer = new_member(Role.IMMIGRATION_OFFICE, organisation=office)
    w.colleague = new_member(Role.IMMIGRATION_OFFICE, organisation=office)
    w.stranger = new_member(Role.IMMIGRATION_OFFICE, organisation=other_office)
    return w


def _ask(w, **overrides):
    data = {
        "case": w.case,
        "actor": w.manager,
        "office": w.office,
        "topic": "work_permission",
        "message": "Ist eine Beschäftigungserlaubnis für eine Helferstelle in Aussicht?",
        "due_date": TODAY + datetime.timedelta(days=10),
    }
    return services.immigration_question_ask(**{**data, **overrides})


def test_the_office_is_a_role_of_its_own_that_needs_a_second_factor():
    assert Role.IMMIGRATION_OFFICE in ROLES_REQUIRING_MFA
    assert Role.IMMIGRATION_OFFICE in roles_for_kind(OrganisationKind.IMMIGRATION_OFFICE)
    assert Role.IMMIGRATION_OFFICE not in roles_for_kind(OrganisationKind.JOBCENTER)
    assert Role.CASE_MANAGER in roles_for_kind(OrganisationKind.IMMIGRATION_OFFICE)  # unchanged


def test_a_case_manager_asks_from_the_case_page_and_only_name_and_birth_date_travel(world):
    client = login_with_mfa(Client(), world.manager)
    page = client.get(reverse("candidates:case_detail", args=[world.case.pk])).content.decode()
    assert reverse("candidates:immigration_question_create", args=[world.case.pk]) in page

    url = reverse("candidates:immigration_question_create", args=[world.case.pk])
    form = client.get(url).content.decode()
    assert "Name und Geburtsdatum" in form
    response = client.post(
        url,
        {
            "office": world.office.pk,
            "topic": "duldung",
            "message": "Wann endet die Duldung?",
            "due_date": (TODAY + datetime.timedelta(days=14)).isoformat(),
            "agreed": "on",
        },
    )
    assert response.status_code == 302
    question = ImmigrationQuestion.objects.get()
    candidate = world.case.candidate
    assert question.person_name == f"{candidate.first_name} {candidate.last_name}"
    assert question.person_birth_date == candidate.birth_date
    assert (question.office, question.topic, question.asked_by) == (world.office, "duldung", world.manager)
    # The office's members are told (the topic and the day, no name); nobody else.
    told = Notification.objects.filter(kind="candidates.immigration_question.office")
    assert {n.recipient for n in told} == {world.officer, world.colleague}
    assert all(candidate.last_name not in str(n.params) for n in told)


@pytest.mark.parametrize(
    ("field", "value"),
    [("due_date", (TODAY - datetime.timedelta(days=1)).isoformat()), ("message", ""), ("agreed", "")],
)
def test_bad_input_is_a_form_error_with_the_input_kept(world, field, value):
    client = login_with_mfa(Client(), world.manager)
    data = {
        "office": world.office.pk,
        "topic": "residence",
        "message": "Meine Frage bleibt stehen",
        "due_date": (TODAY + datetime.timedelta(days=3)).isoformat(),
        "agreed": "on",
        field: value,
    }
    response = client.post(reverse("candidates:immigration_question_create", args=[world.case.pk]), data)
    assert response.status_code == 400
    assert not ImmigrationQuestion.objects.exists()
    if field != "message":
        assert "Meine Frage bleibt stehen" in response.content.decode()


def test_an_office_of_another_municipality_cannot_be_addressed(world):
    with pytest.raises(Exception) as error:
        _ask(world, office=world.other_office)
    assert "office" in getattr(error.value, "message_dict", {})


def test_the_office_sees_only_its_questions_never_the_case_and_its_reads_are_audited(world):
    question = _ask(world)
    client = login_with_mfa(Client(), world.officer)
    listing = client.get(reverse("candidates:office_question_list")).content.decode()
    assert question.person_name in listing
    detail = client.get(reverse("candidates:office_question_detail", args=[question.pk])).content.decode()
    assert question.message in detail and question.person_name in detail
    for secret in (CASE_SECRET, world.case.candidate.email, world.case.candidate.phone):
        assert secret not in listing and secret not in detail
    assert reverse("candidates:case_detail", args=[world.case.pk]) not in detail
    # Audited against the person (their "who looked" page shows the office's reads).
    seen = AuditEntry.objects.filter(
        actor_id=world.officer.pk, record_type="candidates.candidate", record_id=str(world.case.candidate_id)
    )
    assert {tuple(e.fields) for e in seen} == {("immigration_question_list",), ("immigration_question",)}
    # Another municipality's office sees nothing of it.
    stranger = login_with_mfa(Client(), world.stranger)
    assert (
        question.person_name not in stranger.get(reverse("candidates:office_question_list")).content.decode()
    )
    assert stranger.get(reverse("candidates:office_question_detail", args=[question.pk])).status_code == 404


def test_the_office_list_costs_the_same_queries_for_one_or_many_questions(world):
    _ask(world)
    client = login_with_mfa(Client(), world.officer)
    url = reverse("candidates:office_question_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        _ask(
            world,
            case=CaseFactory(
                responsible_organisation=world.case.responsible_organisation,
                candidate__municipality=world.case.municipality,
            ),
        )
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_the_answer_reaches_the_asker_in_the_inbox_and_on_the_case_page(world):
    question = _ask(world)
    office = login_with_mfa(Client(), world.officer)
    url = reverse("candidates:office_question_detail", args=[question.pk])
    assert office.post(url, {"answer": ""}).status_code == 400
    response = office.post(url, {"answer": "Ja, die Zustimmung der BA ist angefragt."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_by == world.officer
    notice = Notification.objects.get(kind="candidates.immigration_question_answered.staff")
    assert notice.recipient == world.manager
    staff = login_with_mfa(Client(), world.manager)
    inbox = staff.get(reverse("notifications:inbox")).content.decode()
    assert "Die Ausländerbehörde hat Ihre Frage beantwortet" in inbox
    page = staff.get(reverse("candidates:case_detail", args=[world.case.pk])).content.decode()
    assert "Ja, die Zustimmung der BA ist angefragt." in page
    # Answered once: a second answer is refused with a message, never a 500.
    again = office.post(url, {"answer": "Noch einmal"})
    assert again.status_code in (200, 400)
    question.refresh_from_db()
    assert question.answer == "Ja, die Zustimmung der BA ist angefragt."


def test_an_overdue_question_is_reminded_to_the_office_once_by_the_daily_task(world):
    assert settings.CELERY_BEAT_SCHEDULE["candidates-remind-immigration-questions"]["task"] == (
        "candidates.tasks.remind_immigration_questions"
    )
    overdue = _ask(world)
    answered = _ask(world)
    _ask(world)  # not yet due
    ImmigrationQuestion.objects.filter(pk__in=[overdue.pk, answered.pk]).update(
        due_date=TODAY - datetime.timedelta(days=2)
    )
    services.immigration_question_answer(question=answered, actor=world.officer, answer="Erledigt")

    assert tasks.remind_immigration_questions() == 1
    assert tasks.remind_immigration_questions() == 0  # exactly once

    reminded = Notification.objects.filter(kind="candidates.immigration_question_overdue.office")
    assert {n.recipient for n in reminded} == {world.officer, world.colleague}
    assert all(n.target_id == overdue.pk for n in reminded)


def _all_patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace, entry


def test_hostile_the_office_reaches_no_case_candidate_matching_or_monitoring_page(world):
    """Every page of the apps that hold people, asked with the case's and the person's ids: the
    Ausländerbehörde gets none of them (403/404/405 or a redirect), only its own question pages."""
    question = _ask(world)
    client = login_with_mfa(Client(), world.officer)
    allowed = {"candidates:office_question_list", "candidates:office_question_detail"}
    ids = {world.case.pk, world.case.candidate_id, question.pk}
    reached = []
    asked = 0
    for namespace, pattern in _all_patterns(get_resolver()):
        if namespace not in ("candidates", "employers", "coaching", "monitoring", "matching"):
            continue
        name = f"{namespace}:{pattern.name}"
        if name in allowed or name == "candidates:invitation_accept":
            continue
        converters = pattern.pattern.converters
        variants = [{}]
        if converters:
            variants = [
                {k: (pk if type(c).__name__ == "IntConverter" else "x") for k, c in converters.items()}
                for pk in ids
            ]
        for kwargs in variants:
            try:
                url = reverse(name, kwargs=kwargs)
            except Exception:  # a converter this walk cannot fill (e.g. a token): not a case page
                continue
            response = client.get(url)
            asked += 1
            text = response.content.decode("utf-8", errors="replace")
            if response.status_code == 200 or CASE_SECRET in text or world.case.candidate.email in text:
                reached.append((url, response.status_code))
    assert asked > 100
    assert reached == []


def test_the_persons_export_labels_every_key_of_questions_and_procedures(world):
    """The readable GDPR export names every key (privacy.document): a question and a work permission
    procedure on the case, both exported with a label for each field."""
    from privacy.document import missing_labels

    _ask(world)
    WorkPermitProcedureFactory(case=world.case, applied_on=TODAY, note="Antrag gestellt")
    data = {"candidates": services.candidate_export(candidate=world.case.candidate)}
    exported = data["candidates"]["cases"][0]
    assert len(exported["immigration_questions"]) == 1 and len(exported["work_permit_procedures"]) == 1
    assert missing_labels(data) == set()
