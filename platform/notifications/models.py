from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import registry


class Notification(models.Model):
    """One notice to one person. Its text is rendered from ``kind`` and ``params`` in the reader's
    language, its link from a URL name and kwargs under the reader's language (``/uk/app/...``).

    ``params`` hold small non-personal values only (dates, codes, an organisation's name) — never a
    candidate's name, e-mail or phone: notices are mailed and listed on shared screens.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("Empfänger*in"),
    )
    kind = models.CharField(_("Art"), max_length=64)
    params = models.JSONField(_("Angaben"), default=dict, blank=True)
    url_name = models.CharField(_("Ziel (URL-Name)"), max_length=100, blank=True)
    url_kwargs = models.JSONField(_("Ziel (Parameter)"), default=dict, blank=True)
    # What the notice is about, so that the POST answering it marks its notices read.
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # A notice that must exist at most once per person (e.g. one reminder per due follow-up).
    dedupe_key = models.CharField(_("Einmal-Schlüssel"), max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gemailt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def title(self) -> str:
        """The headline in the active language, addressed to the reader."""
        kind = registry.get(self.kind)
        return str(kind.title) if kind is not None else str(_("Benachrichtigung"))

    def detail(self) -> str:
        """The line under the headline on the signed-in pages."""
        kind = registry.get(self.kind)
        return self._render(kind.detail if kind is not None else None)

    def mail_detail(self) -> str:
        """What an e-mail may say beyond the headline (a date, a deadline), often nothing."""
        kind = registry.get(self.kind)
        return self._render(kind.mail_detail if kind is not None else None)

    def _render(self, render) -> str:
        if render is None:
            return ""
        try:
            return str(render(self.params or {}))
        except (KeyError, ValueError, TypeError):
            return ""

    def path(self) -> str:
        """The item's page under the active language; the inbox when the target is gone."""
        if self.url_name:
            try:
                return reverse(self.url_name, kwargs=self.url_kwargs or {})
            except NoReverseMatch:
                pass
        return reverse("notifications:inbox")
