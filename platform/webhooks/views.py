"""The webhooks page: staff subscribe their organisation's systems to events (the secret is shown
once), deactivate subscriptions and read each one's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inputs.forms import errors_to_form

from . import selectors, services
from .forms import SubscriptionForm

LOG_PAGE_SIZE = 50


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.require_webhook_organisations(user=request.user)
    form = SubscriptionForm(request.POST or None, organisations=organisations)
    created = None
    if request.method == "POST" and form.is_valid():
        entry = form.organisations[form.cleaned_data["organisation"]]
        try:
            subscription, secret = services.subscription_create(
                organisation=entry.organisation,
                actor=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            # Shown in this answer only (never in a message or the session).
            created = {"subscription": subscription, "secret": secret}
            form = SubscriptionForm(organisations=organisations)
    return render(
        request,
        "webhooks/subscription_list.html",
        {
            "form": form,
            "created": created,
            "subscriptions": selectors.subscriptions_for(user=request.user),
            "organisations": organisations,
        },
        # 201: this answer is what was made (the secret, shown once), as on the API token page.
        status=201 if created else 200,
    )


@login_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, pk=pk)
    page = Paginator(
        selectors.deliveries_of(user=request.user, subscription=subscription), LOG_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "webhooks/subscription_detail.html", {"subscription": subscription, "page": page})


@login_required
@require_POST
def subscription_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, pk=pk)
    services.subscription_deactivate(subscription=subscription, actor=request.user)
    messages.success(request, _("Der Webhook ist deaktiviert; es gehen keine Ereignisse mehr dorthin."))
    return redirect("webhooks:list")
