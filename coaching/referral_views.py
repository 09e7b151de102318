"""The receiving provider's page of a referral (issue 17): reached by its signed link, no login."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from . import referral_services
from .forms import ReferralStatusForm
from .referral_selectors import referral_from_answer_token


@never_cache
def referral_answer(request: HttpRequest, token: str) -> HttpResponse:
    seen = referral_from_answer_token(token=token)
    form = ReferralStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_services.referral_answer_by_provider(
                seen=seen, status=form.cleaned_data["status"], outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            form.add_error(None, error)  # "status" / "outcome" land at their fields
        else:
            return redirect("coaching:referral_answer", token=token)
    # Whatever renders the page shows the first name: a GET, and a POST answered with an error.
    referral_services.referral_viewed_by_provider(seen=seen)
    return render(
        request,
        "coaching/referral_answer.html",
        {"seen": seen, "form": form},
        status=400 if request.method == "POST" else 200,
    )
