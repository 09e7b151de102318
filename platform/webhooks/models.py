"""Webhook subscriptions of an organisation and the log of every delivery (issue 17).

The secret is kept as it is (unlike an API token's hash): Lotse signs each delivery with it, so it
must be able to read it. It is shown to people once, when the subscription is made.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WebhookSubscription(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("Organisation"),
    )
    url = models.URLField(_("Adresse (URL)"), max_length=500)
    secret = models.CharField(max_length=80, editable=False)
    # The first characters of the secret, so people can tell subscriptions apart.
    secret_prefix = models.CharField(_("Anfang des Geheimnisses"), max_length=16)
    events = models.JSONField(_("Ereignisse"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deaktiviert am"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deaktiviert von"),
    )

    class Meta:
        verbose_name = _("Webhook")
        verbose_name_plural = _("Webhooks")
        ordering = ["-created_at"]
        constraints = [
            # One active subscription per address and organisation: a second would send every event twice.
            models.UniqueConstraint(
                fields=["organisation", "url"],
                condition=Q(deactivated_at__isnull=True),
                name="webhook_one_active_per_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.url}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


class WebhookDelivery(models.Model):
    """One event for one subscription, with the state of its attempts. Holds ids, the event's name,
    stage or status and times only: never personal data (the receiver asks the API for details)."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("Webhook"),
    )
    # The event's id: the same for every subscription it goes to; receivers use it to drop repeats.
    event_id = models.UUIDField(_("Ereignis-ID"), default=uuid.uuid4)
    event = models.CharField(_("Ereignis"), max_length=60)
    # Copied from the subscription when the event happened: the log shows where it went.
    url = models.URLField(_("Adresse (URL)"), max_length=500)
    payload = models.JSONField(_("Inhalt"), default=dict)
    created_at = models.DateTimeField(_("Ereignis am"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_status_code = models.PositiveIntegerField(_("letzter Statuscode"), null=True, blank=True)
    last_error = models.CharField(_("letzter Fehler"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("letzter Versuch"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("zugestellt am"), null=True, blank=True)
    gave_up_at = models.DateTimeField(_("aufgegeben am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook-Zustellung")
        verbose_name_plural = _("Webhook-Zustellungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.url} ({self.attempts})"

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.gave_up_at:
            return "failed"
        return "pending"
