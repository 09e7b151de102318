"""Messages (issue 22): a candidate's threads with case staff and with an assigned volunteer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .volunteers import VolunteerAssignment


def _message_storage():
    """Attachments live outside MEDIA_ROOT and every static or executable path: no URL maps to
    this folder; they are served only through coaching:message_file, which checks access."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.MESSAGE_ATTACHMENT_ROOT, base_url=None)


def _attachment_path(instance: Message, filename: str) -> str:
    # A generated name: nothing the uploader typed reaches the disk or the download header.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.attachment_type, "bin"
    )
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class MessageThread(models.Model):
    """The conversation of one candidate on their case: with case staff (case manager, job coach;
    ``assignment`` empty) or with one assigned volunteer (``assignment`` set). Lives in coaching
    because volunteer assignments do, and candidates must not import coaching."""

    case = models.ForeignKey(
        "candidates.Case", on_delete=models.CASCADE, related_name="message_threads", verbose_name=_("Fall")
    )
    assignment = models.ForeignKey(
        VolunteerAssignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="message_threads",
        verbose_name=_("Ehrenamtliche Begleitung"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Nachrichtenverlauf")
        verbose_name_plural = _("Nachrichtenverläufe")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(assignment__isnull=True), name="message_thread_one_per_case"
            ),
            models.UniqueConstraint(
                fields=["case", "assignment"],
                condition=Q(assignment__isnull=False),
                name="message_thread_one_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.assignment_id or '-'}"


class Message(models.Model):
    """One message. ``read_at`` is the receiving side's read state (the candidate's for a staff or
    volunteer message, the other side's for the candidate's). Erasure blanks body and attachment and
    keeps the row and its dates."""

    thread = models.ForeignKey(
        MessageThread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("Verlauf")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("von"),
    )
    from_candidate = models.BooleanField(_("von der Klient*in"), default=False)
    body = models.TextField(_("Nachricht"), max_length=5000, blank=True)
    # The writer's page language, so a Farsi answer on a German page carries lang="fa".
    body_lang = models.CharField(_("Sprache der Nachricht"), max_length=10, blank=True)
    attachment = models.FileField(
        _("Anhang"), storage=_message_storage, upload_to=_attachment_path, blank=True, max_length=200
    )
    attachment_type = models.CharField(_("Dateityp"), max_length=40, blank=True)
    attachment_size = models.PositiveIntegerField(_("Dateigröße"), null=True, blank=True)
    created_at = models.DateTimeField(_("gesendet am"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    erased_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.created_at:%Y-%m-%d}"
