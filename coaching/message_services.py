"""Writes of the case messages (issue 22). The notice and its e-mail never carry the text: they say
only that there is a new message, with a link to the conversation (in the reader's language)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from candidates.selectors import responsible_case_manager
from notifications.services import notification_mark_read_for, notify

from . import message_selectors as sel
from .models import Message, MessageThread
from .notices import MESSAGE_NEW

if TYPE_CHECKING:
    from accounts.models import User


def _thread_for(conversation: sel.Conversation) -> MessageThread:
    if conversation.thread is not None:
        return conversation.thread
    try:
        with transaction.atomic():
            return MessageThread.objects.create(case=conversation.case, assignment=conversation.assignment)
    except IntegrityError:  # opened at the same moment by the other side
        return MessageThread.objects.get(case=conversation.case, assignment=conversation.assignment)


def _recipients(conversation: sel.Conversation, author: User) -> list[Any]:
    case = conversation.case
    if conversation.side != sel.CANDIDATE:
        return [case.candidate.user] if case.candidate.user_id else []
    if conversation.assignment is not None:
        return [conversation.assignment.volunteer]
    people = [case.case_manager or responsible_case_manager(case=case)]
    # The job coach of a running employment answers too (a lookup by name: no employers import).
    from django.contrib.auth import get_user_model

    people += list(
        get_user_model().objects.filter(
            coached_employments__candidate_id=case.candidate_id, coached_employments__end_reason=""
        )
    )
    return [p for p in people if p is not None and p.pk != author.pk]


@transaction.atomic
def message_send(
    *,
    conversation: sel.Conversation,
    author: User,
    body: str,
    attachment: UploadedFile | None,
    kind: str = "",
) -> Message:
    """Store the message (and its checked attachment) and tell the other side that there is one."""
    thread = _thread_for(conversation)
    message = Message(
        thread=thread,
        author=author,
        from_candidate=conversation.side == sel.CANDIDATE,
        body=body.strip(),
        body_lang=translation.get_language() or "",
    )
    if attachment is not None:
        message.attachment_type = kind
        message.attachment_size = attachment.size
        message.attachment.save("upload", attachment, save=False)
    message.save()
    link = "coaching:message_volunteer" if conversation.assignment else "coaching:message_case"
    pk = conversation.assignment.pk if conversation.assignment else conversation.case.pk
    key = "pk" if conversation.assignment else "case_pk"
    notify(
        recipients=_recipients(conversation, author),
        kind=MESSAGE_NEW,
        link=link,
        link_kwargs={key: pk},
        target=thread,
    )
    # Answering is reading: the author's own notices about this conversation are done.
    notification_mark_read_for(user=author, target=thread)
    conversation_mark_read(conversation=conversation)
    return message


def conversation_mark_read(*, conversation: sel.Conversation) -> int:
    """The reader has seen the other side's messages (their read state, not a notice's)."""
    if conversation.thread is None:
        return 0
    return Message.objects.filter(
        thread=conversation.thread, read_at__isnull=True, from_candidate=conversation.side != sel.CANDIDATE
    ).update(read_at=timezone.now())
