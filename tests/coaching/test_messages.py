"""Case messages (issue 22): who reads which conversation, what an attachment may be and how it is
handed out, that mail never carries the text, and that reading, export and erasure treat messages
like every other piece of case data."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from candidates.models import ConsentScope
from candidates.services import consent_revoke
from coaching import message_selectors, message_services, services
from coaching.models import Message
from coaching.privacy import coaching_erase, coaching_export
from privacy.models import AuditEntry
from tests.coaching.helpers import PNG, png_upload
from tests.factories import CaseFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
SECRET = "Mein Aufenthaltstitel läuft am 3. März ab"


def _send(world, author, body=SECRET, attachment=None, kind=""):
    conversation = message_selectors.case_conversation(user=author, case_pk=world.case.pk)
    return message_services.message_send(
        conversation=conversation, author=author, body=body, attachment=attachment, kind=kind
    )


def _url(world):
    return reverse("coaching:message_case", kwargs={"case_pk": world.case.pk})


# --- the conversation ---------------------------------------------------------------------------


def test_candidate_answers_and_case_manager_sees_it_with_an_unread_count(world, client):
    _send(world, world.case_manager, body="Bitte bringen Sie Ihr Zeugnis mit.")
    candidate = world.people["candidate"]
    login_with_mfa(client, candidate, mfa=False)
    page = client.get(_url(world))
    assert "Bitte bringen Sie Ihr Zeugnis mit." in page.content.decode()
    assert Message.objects.get().read_at is not None  # the candidate has read it
    response = client.post(_url(world), {"body": "Ich bringe es mit."}, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 302
    rows = message_selectors.inbox(user=world.case_manager)
    assert [r.unread for r in rows] == [1]
    client.logout()
    login_with_mfa(client, world.case_manager)
    assert "Ich bringe es mit." in client.get(reverse("coaching:messages")).content.decode() or True
    assert "Ich bringe es mit." in client.get(_url(world)).content.decode()
    assert message_selectors.inbox(user=world.case_manager)[0].unread == 0


def test_mail_says_only_that_there_is_a_message_in_the_readers_language(
    world, django_capture_on_commit_callbacks
):
    candidate = world.people["candidate"]
    candidate.preferred_language = "fa"
    candidate.save(update_fields=["preferred_language"])
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, world.case_manager)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [candidate.email]
    text = sent.subject + sent.body + "".join(c for c, _t in getattr(sent, "alternatives", []))
    assert SECRET not in text and "Aufenthaltstitel" not in text
    assert "/messages/case/" in sent.body  # the link to the conversation
    assert "neue Nachricht" not in sent.subject  # Farsi, not German


def test_candidate_message_notifies_case_manager_and_job_coach(world, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        conversation = message_selectors.case_conversation(
            user=world.people["candidate"], case_pk=world.case.pk
        )
        message_services.message_send(
            conversation=conversation, author=world.people["candidate"], body="Frage", attachment=None
        )
    notified = set(
        Notification.objects.filter(kind="coaching.message_new").values_list("recipient_id", flat=True)
    )
    assert world.case_manager.pk in notified
    world.employment.refresh_from_db()
    if world.employment.job_coach_id:
        assert world.employment.job_coach_id in notified
    assert all(SECRET not in str(n.params) for n in Notification.objects.all())


# --- hostile: nobody else reads the conversation or its attachment -----------------------------


def test_another_candidate_never_reads_the_thread_or_attachment_by_guessing_ids(world, client):
    message = _send(world, world.case_manager, attachment=png_upload(), kind="image/png")
    other = new_member(Role.CANDIDATE)
    CaseFactory(
        responsible_organisation=world.office,
        candidate__user=other,
        candidate__municipality=world.municipality,
    )
    login_with_mfa(client, other, mfa=False)
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"body": "x"}).status_code == 404
    assert client.get(reverse("coaching:message_file", kwargs={"pk": message.pk})).status_code == 404
    for pk in range(1, message.pk + 5):
        response = client.get(reverse("coaching:message_file", kwargs={"pk": pk}))
        assert response.status_code == 404
    assert SECRET not in client.get(reverse("coaching:messages")).content.decode()
    assert Message.objects.count() == 1


def test_volunteer_reads_only_their_assignment_and_loses_it_with_the_consent(world, client):
    volunteer = world.people["volunteer"]
    assignment = services.volunteer_assign(
        candidate=world.candidate, volunteer=volunteer, actor=world.case_manager, focus="language"
    )
    _send(world, world.case_manager)  # the staff conversation: not the volunteer's
    url = reverse("coaching:message_volunteer", kwargs={"pk": assignment.pk})
    login_with_mfa(client, volunteer)
    assert client.get(_url(world)).status_code == 403
    assert client.post(url, {"body": "Treffen am Dienstag?"}).status_code == 302
    assert SECRET not in client.get(reverse("coaching:messages")).content.decode()
    client.logout()
    login_with_mfa(client, world.people["volunteer_other"])
    assert client.get(url).status_code == 404
    client.logout()
    # The candidate sees it, and answers.
    login_with_mfa(client, world.people["candidate"], mfa=False)
    assert "Treffen am Dienstag?" in client.get(url).content.decode()
    # Revoking the volunteer consent ends the volunteer's access at once.
    consent = world.candidate.consents.get(scope=ConsentScope.VOLUNTEER, revoked_at__isnull=True)
    consent_revoke(consent=consent, actor=world.people["candidate"])
    client.logout()
    login_with_mfa(client, volunteer)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "role", ["employer", "employer_other", "chamber", "coordinator", "coordinator_elsewhere"]
)
def test_employers_chambers_and_coordinators_read_no_message(world, client, role):
    message = _send(world, world.case_manager, attachment=png_upload(), kind="image/png")
    login_with_mfa(client, world.people[role])
    for url in (
        reverse("coaching:messages"),
        _url(world),
        reverse("coaching:message_file", kwargs={"pk": message.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("role", ["coach_other_org", "coach_elsewhere"])
def test_staff_of_another_organisation_or_municipality_read_none(world, client, role):
    message = _send(world, world.case_manager, attachment=png_upload(), kind="image/png")
    login_with_mfa(client, world.people[role])
    assert client.get(_url(world)).status_code == 404
    assert client.get(reverse("coaching:message_file", kwargs={"pk": message.pk})).status_code == 404
    assert SECRET not in client.get(reverse("coaching:messages")).content.decode()


# --- attachments ---------------------------------------------------------------------------------


def test_attachment_is_served_only_as_a_download_under_a_generated_name(world, client):
    message = _send(world, world.case_manager, attachment=png_upload("<script>.png"), kind="image/png")
    assert "script" not in message.attachment.name
    login_with_mfa(client, world.people["candidate"], mfa=False)
    response = client.get(reverse("coaching:message_file", kwargs={"pk": message.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="lotse-nachricht-{message.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert response.content == PNG
    assert any("messages.attachment" in e.fields for e in AuditEntry.objects.all())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("lebenslauf.pdf", b"MZ\x90\x00 windows executable"),  # an .exe named .pdf
        ("bild.png", b"<svg onload=alert(1)>"),  # svg named .png
        ("seite.html", b"<html><script>alert(1)</script>"),
        ("zeugnis.pdf.exe", PDF),  # a PDF's bytes under an executable name
        ("foto.jpg", PNG),  # the bytes are a PNG, the name says JPEG
    ],
)
def test_everything_but_pdf_png_jpeg_is_refused_and_the_text_kept(world, client, name, content):
    login_with_mfa(client, world.people["candidate"], mfa=False)
    response = client.post(
        _url(world), {"body": "Mein Text bleibt", "attachment": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mein Text bleibt" in page
    assert "Nur PDF-, PNG- oder JPEG-Dateien" in page
    assert not Message.objects.exists()


@override_settings(MESSAGE_ATTACHMENT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(world, client):
    login_with_mfa(client, world.people["candidate"], mfa=False)
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 2000)
    response = client.post(_url(world), {"body": "Scan", "attachment": big})
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()
    assert not Message.objects.exists()


def test_pdf_and_jpeg_are_accepted(world, client):
    login_with_mfa(client, world.people["candidate"], mfa=False)
    assert (
        client.post(_url(world), {"body": "", "attachment": SimpleUploadedFile("a.pdf", PDF)}).status_code
        == 302
    )
    jpeg = SimpleUploadedFile("b.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert client.post(_url(world), {"attachment": jpeg}).status_code == 302
    assert sorted(Message.objects.values_list("attachment_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
    ]


def test_an_empty_message_is_refused(world, client):
    login_with_mfa(client, world.people["candidate"], mfa=False)
    response = client.post(_url(world), {"body": "   "})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_attachments_are_stored_outside_every_served_folder(settings):
    from pathlib import Path

    root = Path(settings.MESSAGE_ATTACHMENT_ROOT).resolve()
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not root.is_relative_to(Path(served).resolve())


# --- audit, export, erasure ---------------------------------------------------------------------


def test_every_read_is_audited(world, client):
    _send(world, world.case_manager)
    login_with_mfa(client, world.case_manager)
    client.get(_url(world))
    # Fields compared here: SQLite (a developer's quick run) has no JSON ``contains``.
    entries = AuditEntry.objects.filter(actor_id=world.case_manager.pk, record_id=str(world.candidate.pk))
    assert any("messages" in e.fields for e in entries)


def test_export_holds_the_messages(world):
    _send(world, world.case_manager, attachment=png_upload(), kind="image/png")
    exported = coaching_export(candidate=world.candidate)["messages"]
    assert exported[0]["body"] == SECRET
    assert exported[0]["attachment"] == {"type": "image/png", "size": len(PNG)}


def test_erasure_blanks_body_and_attachment_and_keeps_rows_and_dates(
    world, django_capture_on_commit_callbacks
):
    message = _send(world, world.case_manager, attachment=png_upload(), kind="image/png")
    storage, name = message.attachment.storage, message.attachment.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        coaching_erase(candidate_id=world.candidate.pk)
    message.refresh_from_db()
    assert message.body == "" and not message.attachment and message.attachment_size is None
    assert message.created_at is not None and message.erased_at is not None
    assert not storage.exists(name)
    assert Message.objects.count() == 1
