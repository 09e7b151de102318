"""Reads of the webhooks package: whose subscriptions and delivery log a person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from organisations import access
from organisations.models import Organisation

from .events import EVENTS, Event, events_for_roles
from .models import WebhookDelivery, WebhookSubscription

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class WebhookOrganisation:
    organisation: Organisation
    events: list[Event]


def webhook_organisations(*, user: User) -> list[WebhookOrganisation]:
    """The organisations whose webhooks the user manages, each with the events the user may
    subscribe it to: those whose role the user holds there (as for API tokens: employers for their
    verified business, coordinators for their municipality's office)."""
    return [
        WebhookOrganisation(organisation=org, events=events_for_roles(held))
        for org, held in access.organisations_with_roles(
            user=user, roles={event.role for event in EVENTS.values()}
        )
    ]


def require_webhook_organisations(*, user: User) -> list[WebhookOrganisation]:
    """As :func:`webhook_organisations`, 403 when there is none."""
    found = webhook_organisations(user=user)
    if not found:
        raise PermissionDenied
    return found


def subscriptions_for(*, user: User) -> QuerySet[WebhookSubscription]:
    ids = [entry.organisation.pk for entry in webhook_organisations(user=user)]
    return (
        WebhookSubscription.objects.filter(organisation_id__in=ids)
        .select_related("organisation", "created_by", "deactivated_by")
        .order_by("organisation__name", "-created_at")
    )


def subscription_get(*, user: User, pk: int) -> WebhookSubscription:
    """A subscription the user manages; anyone else's is a 404, as if it did not exist."""
    require_webhook_organisations(user=user)
    return access.first_or_404(subscriptions_for(user=user).filter(pk=pk))


def deliveries_of(*, user: User, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """The delivery log of a subscription the user manages, newest first."""
    subscription = subscription_get(user=user, pk=subscription.pk)
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-pk")
