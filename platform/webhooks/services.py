"""Writes of the webhooks package: subscriptions (made, deactivated), events (one delivery row per
subscribed, entitled organisation) and the attempts of a delivery.

The apps decide which organisations an event concerns (the employer of an introduction, the
organisations of a referral) and call :func:`webhooks_emit` with ids, the stage or status and
times only; the receiver asks the API for anything more, where access and consent are checked live.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import access
from organisations.models import Organisation
from outbox.services import enqueue

from . import addresses, delivery
from .events import EVENTS
from .models import WebhookDelivery, WebhookSubscription
from .signing import HEADER, signature

if TYPE_CHECKING:
    from accounts.models import User

SECRET_PREFIX = "whsec_"  # noqa: S105 (a marker, not a secret)
USER_AGENT = "Lotse-Webhooks/1"


def subscription_create(
    *, organisation: Organisation, actor: User, url: str, events: Iterable[str]
) -> tuple[WebhookSubscription, str]:
    """A new subscription of the organisation and its secret (shown once).

    The actor must hold, in that organisation, the role each event mirrors (403 otherwise); the
    address must be public HTTPS (addresses.check)."""
    wanted = sorted(set(events))
    if not wanted:
        raise ValidationError({"events": _("Bitte mindestens ein Ereignis wählen.")})
    for name in wanted:
        if name not in EVENTS:
            raise ValidationError({"events": _("Unbekanntes Ereignis.")})
        access.require_role(user=actor, roles=[EVENTS[name].role], organisation_id=organisation.pk)
    url = url.strip()
    try:
        addresses.check(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    duplicate = _("Für diese Adresse gibt es schon einen aktiven Webhook Ihrer Organisation.")
    if WebhookSubscription.objects.filter(
        organisation=organisation, url=url, deactivated_at__isnull=True
    ).exists():
        raise ValidationError({"url": duplicate})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    subscription = WebhookSubscription(
        organisation=organisation,
        url=url,
        secret=secret,
        secret_prefix=secret[: len(SECRET_PREFIX) + 4],
        events=wanted,
        created_by=actor,
    )
    subscription.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:  # the same address sent twice at once
        raise ValidationError({"url": duplicate}) from exc
    return subscription, secret


def subscription_deactivate(*, subscription: WebhookSubscription, actor: User) -> WebhookSubscription:
    """No event goes there any more, from now on; what still waited for a retry is given up.
    Anyone who manages the organisation's webhooks may deactivate any of them."""
    if not access.has_role(
        user=actor,
        roles={event.role for event in EVENTS.values()},
        organisation_id=subscription.organisation_id,
    ):
        raise PermissionDenied
    if subscription.deactivated_at is None:
        now = timezone.now()
        subscription.deactivated_at = now
        subscription.deactivated_by = actor
        subscription.save(update_fields=["deactivated_at", "deactivated_by"])
        subscription.deliveries.filter(delivered_at__isnull=True, gave_up_at__isnull=True).update(
            gave_up_at=now, next_attempt_at=None, last_error=_("Webhook deaktiviert")
        )
    return subscription


def webhooks_emit(
    *,
    event: str,
    organisations: Iterable[Organisation | int | None],
    payload: dict[str, Any],
    occurred_at: datetime | None = None,
) -> list[WebhookDelivery]:
    """Record ``event`` for the active subscriptions of the given organisations (only those the
    caller found entitled to the object) and send each after the current transaction commits.

    ``payload`` carries ids, stage or status and times only — never personal data."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    ids = {org.pk if isinstance(org, Organisation) else org for org in organisations}
    ids.discard(None)
    if not ids:
        return []
    # JSON containment is not portable (SQLite): the few subscriptions are filtered here.
    subscriptions = [
        sub
        for sub in WebhookSubscription.objects.filter(organisation_id__in=ids, deactivated_at__isnull=True)
        if event in sub.events
    ]
    if not subscriptions:
        return []
    event_id = uuid.uuid4()
    envelope = {
        "id": str(event_id),
        "event": event,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "data": payload,
    }
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=sub,
            event_id=event_id,
            event=event,
            url=sub.url,
            payload=envelope,
            next_attempt_at=now,
        )
        for sub in subscriptions
    )
    from .tasks import deliver  # the task module imports this one

    for row in deliveries:
        enqueue(deliver, row.pk)
    return deliveries


def webhook_deliveries_prune(*, now: datetime) -> int:
    """Drops finished deliveries (delivered or given up) older than the retention; a delivery still
    being tried stays, however old, so no event is lost to the pruning. Returns how many went."""
    days = max(1, int(getattr(settings, "WEBHOOKS_LOG_RETENTION_DAYS", 90)))
    cutoff = now - timedelta(days=days)
    finished = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(
        delivered_at__isnull=True, gave_up_at__isnull=True
    )
    deleted, _ = finished.delete()
    return deleted


def max_attempts() -> int:
    return max(1, int(getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 8)))


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling, at most an hour."""
    base = max(1, int(getattr(settings, "WEBHOOKS_RETRY_BASE_SECONDS", 30)))
    return min(base * 2 ** (attempts - 1), 3600)


def body_of(row: WebhookDelivery) -> bytes:
    return json.dumps(row.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def webhook_deliver(*, delivery_id: int) -> int | None:
    """One attempt of a delivery. Returns the seconds to wait before the next attempt when one is
    due, None when the delivery is done (delivered, given up, deactivated or gone)."""
    row = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if row is None or row.delivered_at or row.gave_up_at:
        return None
    now = timezone.now()
    if not row.subscription.is_active:
        WebhookDelivery.objects.filter(pk=row.pk).update(
            gave_up_at=now, next_attempt_at=None, last_error=_("Webhook deaktiviert")
        )
        return None
    body = body_of(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Lotse-Event": row.event,
        "Lotse-Delivery": str(row.event_id),
        HEADER: signature(secret=row.subscription.secret, timestamp=int(time.time()), body=body),
    }
    status, error = None, ""
    try:
        target = addresses.parse(row.url)
        ip = addresses.resolve(target)[0]
        status = delivery.post(target=target, ip=ip, body=body, headers=headers)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the receiver is an attempt to retry
        error = f"{type(exc).__name__}: {exc}"
    row.attempts += 1
    row.last_attempt_at = timezone.now()
    row.last_status_code = status
    retry_in = None
    if status is not None and 200 <= status < 300:
        row.delivered_at, row.next_attempt_at, row.last_error = row.last_attempt_at, None, ""
    else:
        row.last_error = (error or _("Antwort mit Statuscode %(code)s") % {"code": status})[:500]
        if row.attempts >= max_attempts():
            row.gave_up_at, row.next_attempt_at = row.last_attempt_at, None
        else:
            retry_in = backoff(row.attempts)
            row.next_attempt_at = row.last_attempt_at + timedelta(seconds=retry_in)
    row.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
            "gave_up_at",
        ]
    )
    return retry_in
