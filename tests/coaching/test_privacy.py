"""GDPR: coaching records are in the person's export and lose every free text on erasure, counts stay."""

from __future__ import annotations

import datetime
import json

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from candidates.models import Candidate, ConsentScope
from candidates.services import candidate_erase, consent_grant
from coaching import services
from coaching.models import Referral, SupportRequest
from organisations.models import OrganisationKind
from privacy.registry import registry
from privacy.services import gdpr_erase, gdpr_export
from tests.clock import TODAY
from tests.coaching.helpers import handover_kind
from tests.factories import (
    AppointmentFactory,
    AssessmentEntryFactory,
    AssessmentFactory,
    CaseFactory,
    OrganisationFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SECRETS = [
    "Spricht über die Trennung von der Familie",
    "Schulden bei der Vermieterin",
    "Möchte Pflegefachkraft werden",
    "Konflikt mit dem Schichtleiter Herrn Brandt",
    "Krankschreibung wegen Migräne",
    "Arbeitserlaubnis läuft im März ab",
    "Lernt mit der Nachbarin Vokabeln",
    "Wartet auf den Anerkennungsbescheid",
    "Zieht zur Schwester nach Bochum",
    "Lehnt ab: keine freien Plätze",
]


def _filled(world, language_school) -> dict[str, str]:
    """Every kind of coaching record about the person, each free text carrying their name."""
    candidate = world.candidate
    name = f"{candidate.first_name} {candidate.last_name}"
    text = iter(f"{name}: {s}" for s in SECRETS)
    employment = world.employment
    today = TODAY
    services.follow_up_log(
        employment=employment,
        actor=world.coach,
        token=services.new_token(),
        date=employment.start_date + datetime.timedelta(days=6),
        mode="workplace",
        with_whom="both",
        place=f"Backstube, bei {name}",
        topics=["health"],
        notes=next(text),
    )
    services.language_need_create(
        employment=employment,
        actor=world.coach,
        token=services.new_token(),
        area="technical",
        current_level="A2",
        target_level="B1",
        measure="berufssprachkurs",
        provider=None,
        status="open",
        funding="bamf",
        note=next(text),
    )
    risk = services.risk_raise(
        employment=employment,
        actor=world.coach,
        kind="conflict",
        severity="high",
        note=next(text),
        token=services.new_token(),
    )
    services.risk_resolve(risk=risk, actor=world.coach, note=next(text))
    request = services.support_request_create(
        actor=world.people["employer"],
        organisation=world.employer_org,
        topic="health",
        message=next(text),
        employment=employment,
        token=services.new_token(),
    )
    services.support_request_answer(request=request, actor=world.coach, answer=next(text))
    assignment = services.volunteer_assign(
        candidate=candidate, volunteer=world.people["volunteer"], actor=world.coach, focus="language"
    )
    services.tutoring_session_log(
        assignment=assignment,
        actor=world.people["volunteer"],
        token=services.new_token(),
        date=today,
        minutes=60,
        topic=f"Vokabeln mit {name}",
        notes=next(text),
    )
    referral = services.referral_create(
        case=world.case, service=language_school, actor=world.coach, note=next(text)
    )
    services.referral_update(
        referral=referral, actor=world.coach, status=Referral.Status.DECLINED, outcome=next(text)
    )
    jobcenter = OrganisationFactory(municipality=world.municipality, kind=OrganisationKind.JOBCENTER)
    consent_grant(
        candidate=candidate, scope=ConsentScope.CASE_DATA, actor=world.coach, recipient_organisation=jobcenter
    )
    handover = services.handover_propose(
        case=world.case, actor=world.coach, kind=handover_kind(), to_organisation=jobcenter, note=next(text)
    )
    services.handover_decide(handover=handover, actor=world.coach, accept=False, reason=f"{name} zieht weg")
    return {"first_name": candidate.first_name, "last_name": candidate.last_name}


def _coaching_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("coaching").get_models()}


def _coaching_texts() -> str:
    """Every text and JSON value in every coaching table, as one string to search."""
    chunks = []
    for model in apps.get_app_config("coaching").get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model.objects.values_list(*fields):
            chunks.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(chunks)


@pytest.fixture
def recorded(world, language_school):
    world.candidate.residence_status = "aufenthaltserlaubnis"
    world.candidate.save(update_fields=["residence_status"])
    names = _filled(world, language_school)
    text = _coaching_texts()
    assert names["last_name"] in text and all(s in text for s in SECRETS)  # the search can find them
    return names


def test_the_export_holds_every_coaching_record_about_the_person_as_json(world, recorded):
    data = gdpr_export(subject_user=world.candidate.user, actor=world.case_manager)
    assert "coaching" in registry.names()
    dumped = json.dumps(data["coaching"], ensure_ascii=False)  # plain, JSON-ready data
    assert all(s in dumped for s in SECRETS)
    mine = data["coaching"]["as_candidate"]
    assert len(mine["employments"][0]["follow_ups"]) == 1
    assert mine["employments"][0]["risks"][0]["kind"] == "conflict"
    assert mine["volunteers"][0]["sessions"][0]["minutes"] == 60
    assert mine["referrals"][0]["status"] == "declined" and mine["handovers"][0]["status"] == "rejected"


def test_the_employer_who_asked_finds_their_questions_in_their_export(world, recorded):
    data = gdpr_export(subject_user=world.people["employer"], actor=world.people["employer"])
    assert data["coaching"]["as_candidate"] is None
    assert SECRETS[4] in data["coaching"]["requests_asked"][0]["message"]


def _assert_erased(names: dict[str, str], counts_before: dict[str, int]) -> None:
    text = _coaching_texts()
    assert names["first_name"] not in text and names["last_name"] not in text
    for secret in SECRETS:
        assert secret not in text
    # Anonymous aggregates stay: the same rows with their dates and statuses.
    assert _coaching_counts() == counts_before
    request = SupportRequest.objects.get()
    assert request.status == SupportRequest.Status.ANSWERED and request.answered_at is not None
    assert Referral.objects.get().status == Referral.Status.DECLINED


def test_erasure_through_the_registry_blanks_every_coaching_text_and_keeps_the_counts(world, recorded):
    before = _coaching_counts()
    result = gdpr_erase(subject_user=world.candidate.user, actor=world.case_manager)
    assert set(result) >= {"candidates", "coaching"}
    _assert_erased(recorded, before)


def test_erasing_a_person_without_a_login_erases_their_coaching_records_too(world, recorded):
    candidate = world.candidate
    Candidate.objects.filter(pk=candidate.pk).update(user=None)
    candidate.refresh_from_db()
    before = _coaching_counts()
    candidate_erase(candidate=candidate, actor=world.case_manager)
    _assert_erased(recorded, before)
    # The volunteer no longer accompanies an erased person.
    assert not candidate.volunteer_assignments.filter(ended_at__isnull=True).exists()


def test_erasing_someone_else_leaves_this_persons_records_alone(world, recorded):
    stranger = CaseFactory(
        responsible_organisation=world.office, candidate__municipality=world.municipality
    ).candidate
    candidate_erase(candidate=stranger, actor=world.case_manager)
    assert all(s in _coaching_texts() for s in SECRETS)


def test_the_readable_export_names_every_key_and_reads_in_the_persons_language(world, recorded, signed_in):
    """Issue 21: beside the JSON, a page in the person's language; no key shows as code."""
    import datetime
    import uuid

    from django.urls import reverse

    from candidates.models import Appointment
    from privacy.document import missing_labels
    from privacy.models import AuditEntry

    # The parts other issues added (assessments, appointments) are in the export with every key.
    assessment = AssessmentFactory(case=world.case, created_by=world.case_manager)
    AssessmentEntryFactory(assessment=assessment, domain="german", need="urgent", strengths="Geduld")
    start = timezone.now() + datetime.timedelta(days=3)
    AppointmentFactory(
        case=world.case,
        municipality=world.case.municipality,
        organisation=world.case.responsible_organisation,
        kind=Appointment._meta.get_field("kind").choices[0][0],
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        place="Rathaus",
        uid=uuid.uuid4(),
    )
    data = gdpr_export(subject_user=world.candidate.user, actor=world.candidate.user)
    assert data["candidates"]["appointments"] and data["candidates"]["cases"][0]["assessments"]
    assert missing_labels(data) == set()

    client = signed_in(world.candidate.user, mfa=False)
    exports_before = AuditEntry.objects.filter(action="export").count()
    german = client.get(reverse("candidates:my_export_document")).content.decode()
    assert "Begleitung nach der Arbeitsaufnahme" in german and SECRETS[0] in german
    assert "abgelehnt" in german  # the referral's status in words, not "declined"
    assert "<bdi>Gesundheit</bdi>" in german  # the follow-up's topics in words too
    for code in ("paper_form_reference", "follow_ups", "as_candidate", "esco_uri", '"declined"'):
        assert code not in german
    assert AuditEntry.objects.filter(action="export").count() > exports_before

    arabic = client.get("/ar" + reverse("candidates:my_export_document")).content.decode()
    assert 'dir="rtl"' in arabic
    assert "Begleitung nach der Arbeitsaufnahme" not in arabic and "Einwilligungen" not in arabic


def test_an_erased_persons_follow_ups_leave_the_coachs_due_list(coaching_world):
    """The caseload drops an erased person; the follow-ups due on the home page do too."""
    from coaching.selectors import due_follow_ups, home_due_follow_ups

    world = coaching_world
    assert due_follow_ups(user=world.coach).exists()
    assert home_due_follow_ups(user=world.coach)
    candidate_erase(candidate=world.candidate, actor=world.case_manager)
    assert not due_follow_ups(user=world.coach).exists()
    assert home_due_follow_ups(user=world.coach) == []
