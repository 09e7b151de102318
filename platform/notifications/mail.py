"""E-mails of the inbox: in the reader's language, every link absolute (``links.absolute_url``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .links import absolute_url
from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def reader_language(user: User) -> str:
    """The reader's own language when the site offers it, else German."""
    language = (getattr(user, "preferred_language", "") or "").strip()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _line(notification: Notification) -> str:
    detail = notification.mail_detail()
    return f"{notification.title()}: {detail}" if detail else notification.title()


def render_item(notification: Notification) -> tuple[str, str]:
    """Subject and body of the e-mail about one notice, in its reader's language."""
    with translation.override(reader_language(notification.recipient)):
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.title()}"
        body = _(
            "Guten Tag,\n\nbei Lotse gibt es eine neue Benachrichtigung für Sie:\n{line}\n\n"
            "Öffnen (nach der Anmeldung): {link}\nAlle Benachrichtigungen: {inbox}\n\n"
            "Ihr Lotse-Team"
        ).format(
            line=_line(notification),
            link=absolute_url(notification.path()),
            inbox=absolute_url(reverse("notifications:inbox")),
        )
    return subject, body


def render_digest(user: User, notifications: Iterable[Notification]) -> tuple[str, str]:
    """Subject and body of the daily digest, in the reader's language."""
    items = list(notifications)
    with translation.override(reader_language(user)):
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Ihre Benachrichtigungen: {n} neu").format(
            n=len(items)
        )
        lines = "\n".join(f"- {_line(n)}\n  {absolute_url(n.path())}" for n in items)
        body = _(
            "Guten Tag,\n\nhier ist Ihre tägliche Zusammenfassung von Lotse:\n\n{lines}\n\n"
            "Alle Benachrichtigungen: {inbox}\n\nIhr Lotse-Team"
        ).format(lines=lines, inbox=absolute_url(reverse("notifications:inbox")))
    return subject, body
