"""Referrals that close the loop (issue 17): the receiving provider gets a signed link by mail,
sees only the person's first name and the referral's note, answers there without an account, and
the case staff learn of the answer in their inbox, linked to the case."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from candidates.models import CasePhase
from coaching import notices, services
from coaching.models import Referral
from coaching.referral_services import referral_answer_token
from notifications.models import Notification
from privacy.models import AuditEntry
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db
NOTE = "Sucht einen Berufssprachkurs am Abend, arbeitet tagsüber in der Bäckerei."


@pytest.fixture
def referral(world, language_school, django_capture_on_commit_callbacks) -> Referral:
    language_school.email = "kurse@vhs.example"
    language_school.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        made = services.referral_create(
            case=world.case, service=language_school, actor=world.case_manager, note=NOTE
        )
    return made


def _link(referral: Referral) -> str:
    return reverse("coaching:referral_answer", kwargs={"token": referral_answer_token(referral=referral)})


def test_the_provider_gets_its_link_by_mail_and_nothing_of_the_person(world, referral, client):
    (sent,) = [m for m in mail.outbox if "kurse@vhs.example" in m.to]
    (url,) = re.findall(r"https?://\S+/referrals/answer/\S+/", sent.body)
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200 and NOTE in page.content.decode()
    assert "Berufssprachkurs B2" in sent.subject
    candidate = world.case.candidate
    assert candidate.first_name not in sent.body and candidate.last_name not in sent.body
    assert NOTE not in sent.body


def test_the_provider_sees_first_name_and_note_only_and_the_view_is_audited(world, referral, client):
    html = client.get(_link(referral)).content.decode()
    candidate = world.case.candidate
    assert candidate.first_name in html and NOTE in html
    assert candidate.last_name not in html
    assert reverse("coaching:case_detail", args=[world.case.pk]) not in html
    entries = AuditEntry.objects.filter(action="view", record_id=str(candidate.pk), actor_id=None)
    assert any("referral" in e.fields for e in entries)


def test_the_provider_accepts_then_completes_and_the_case_staff_are_told(world, referral, client):
    link = _link(referral)
    assert client.post(link, {"status": "accepted", "outcome": ""}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    told = Notification.objects.get(kind=notices.REFERRAL_ANSWERED, recipient=world.case_manager)
    assert told.url_name == "coaching:case_detail" and told.url_kwargs == {"case_pk": world.case.pk}

    # Completing needs the outcome: a clear error at the field, the choice kept, nothing saved.
    response = client.post(link, {"status": "completed", "outcome": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte das Ergebnis angeben." in html
    assert 'value="completed" id="answer-completed" checked' in html
    referral.refresh_from_db()
    assert referral.status == "accepted"

    assert client.post(link, {"status": "completed", "outcome": "Kurs B2 bestanden"}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "Kurs B2 bestanden")
    assert (
        Notification.objects.filter(kind=notices.REFERRAL_ANSWERED, recipient=world.case_manager).count() == 2
    )
    # The staff's case page shows the provider's answer.
    staff = login_with_mfa(client, world.case_manager)
    page = staff.get(reverse("coaching:case_detail", args=[world.case.pk])).content.decode()
    assert "Kurs B2 bestanden" in page


@pytest.mark.parametrize("status", ["sent", "completed", "", "nonsense"])
def test_a_step_that_does_not_follow_is_refused_with_a_message_not_a_500(referral, client, status):
    response = client.post(_link(referral), {"status": status, "outcome": "x"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_forged_or_foreign_link_and_a_closed_case_are_404(world, referral, client):
    token = referral_answer_token(referral=referral)
    tampered = reverse("coaching:referral_answer", kwargs={"token": token[:-2] + "xx"})
    assert client.get(tampered).status_code == 404
    foreign = signing.dumps({"r": referral.pk}, salt="coaching.discrimination-referral")
    assert client.get(reverse("coaching:referral_answer", kwargs={"token": foreign})).status_code == 404
    not_a_number = signing.dumps({"r": "1 OR 1=1"}, salt="coaching.referral-answer")
    assert client.get(reverse("coaching:referral_answer", kwargs={"token": not_a_number})).status_code == 404

    link = _link(referral)
    assert client.get(link).status_code == 200
    world.case.phase, world.case.closed_at = CasePhase.CLOSED, timezone.now()
    world.case.save(update_fields=["phase", "closed_at"])
    assert client.get(link).status_code == 404
    assert client.post(link, {"status": "accepted"}).status_code == 404


def test_staff_who_may_edit_see_the_link_to_pass_on(world, referral, client):
    page = login_with_mfa(client, world.case_manager).get(
        reverse("coaching:case_detail", args=[world.case.pk])
    )
    assert referral_answer_token(referral=referral) in page.content.decode()
    coordinator = login_with_mfa(client, world.coordinator)
    page = coordinator.get(reverse("coaching:case_detail", args=[world.case.pk]))
    assert page.status_code in (200, 403, 404)
    assert referral_answer_token(referral=referral) not in page.content.decode()
