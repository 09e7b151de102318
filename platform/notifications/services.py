"""Writes of the inbox. Apps call ``notify``; reading is marked by a POST (opening the item, a
button, or the POST that answers what the notice is about), never by a GET."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from outbox.services import enqueue

from . import registry
from .mail import render_digest, render_item
from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User

EMAIL_ITEM = "item"
EMAIL_DIGEST = "digest"


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    link_kwargs: dict[str, Any] | None = None,
    target: models.Model | None = None,
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """One notice per distinct recipient (None skipped); returns the rows made.

    ``link`` is a URL name reversed when shown (in the reader's language). With ``dedupe_key`` a
    person gets the notice at most once (a partial unique constraint). ``email=False`` keeps it in
    the app only (the caller mails by itself, or there is nothing to mail). People who chose mail
    per item get it after the commit (through the outbox); the rest in the daily digest.
    """
    if not registry.is_registered(kind):
        raise ValueError(f"unknown notification kind: {kind}")
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    made: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk is None or user.pk in seen:
            continue
        seen.add(user.pk)
        row = Notification(
            recipient=user,
            kind=kind,
            params=params or {},
            url_name=link,
            url_kwargs=link_kwargs or {},
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            dedupe_key=dedupe_key[:120],
            emailed_at=None if email else timezone.now(),
        )
        if dedupe_key:
            if Notification.objects.filter(recipient=user, dedupe_key=row.dedupe_key).exists():
                continue
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # made at the same moment by another worker
        else:
            row.save()
        made.append(row)
        if email and user.email and getattr(user, "notification_email", EMAIL_ITEM) != EMAIL_DIGEST:
            from .tasks import send_notification_email

            enqueue(send_notification_email, row.pk)
    return made


def notification_mark_read(*, user: User, pk: int) -> bool:
    """Mark one of the user's own notices read; False when it is not theirs (or not there)."""
    if not Notification.objects.filter(recipient_id=user.pk, pk=pk).exists():
        return False
    Notification.objects.filter(recipient_id=user.pk, pk=pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return True


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_read_for(*, user: User, target: models.Model) -> int:
    """The POST that answers something marks the user's notices about it read."""
    if user is None or not getattr(user, "pk", None):
        return 0
    return Notification.objects.filter(
        recipient_id=user.pk,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        read_at__isnull=True,
    ).update(read_at=timezone.now())


def email_preference_set(*, user: User, choice: str) -> None:
    if choice not in (EMAIL_ITEM, EMAIL_DIGEST):
        raise ValueError(choice)
    get_user_model().objects.filter(pk=user.pk).update(notification_email=choice)
    user.notification_email = choice


def notification_email_send(*, notification_id: int) -> bool:
    """The e-mail about one notice, once (``emailed_at`` is claimed before sending)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.email:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    subject, body = render_item(notification)
    try:
        EmailMessage(subject, body, None, [notification.recipient.email]).send()
    except Exception:
        # Not sent: give the claim back so that a retry or the digest can still send it.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """Daily: one e-mail per person who chose the digest, with their unread notices not yet
    mailed. Idempotent: the notices are claimed (``emailed_at``) before the mail leaves, so a
    second run the same day sends nothing."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        recipient__notification_email=EMAIL_DIGEST,
        recipient__is_active=True,
    ).exclude(recipient__email="")
    sent = 0
    for user_id in sorted(set(pending.values_list("recipient_id", flat=True))):
        with transaction.atomic():
            rows = list(
                pending.filter(recipient_id=user_id)
                .select_related("recipient")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("-created_at", "-pk")
            )
            if not rows:
                continue
            Notification.objects.filter(pk__in=[r.pk for r in rows], emailed_at__isnull=True).update(
                emailed_at=now
            )
            user = rows[0].recipient
            subject, body = render_digest(user, rows)
            EmailMessage(subject, body, None, [user.email]).send()
            sent += 1
    # Read before the digest went out: nothing to mail any more.
    Notification.objects.filter(
        emailed_at__isnull=True, read_at__isnull=False, recipient__notification_email=EMAIL_DIGEST
    ).update(emailed_at=now)
    return sent
