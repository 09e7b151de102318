"""The one app view of the website: a visitor cancels an event registration from the link in the mail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .services import RegistrationRefused, event_registration_cancel, registration_for_token


def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what will be cancelled (changes nothing); POST: cancel. A bad token is a 404 page."""
    registration = registration_for_token(token)
    if registration is None:
        return render(request, "cms/registration_cancel.html", {"invalid": True}, status=404)
    context = {"registration": registration, "event": registration.event}
    if request.method == "POST":
        try:
            event_registration_cancel(registration=registration)
        except RegistrationRefused as refused:
            context["error"] = refused.message
            return render(request, "cms/registration_cancel.html", context, status=409)
        return render(request, "cms/registration_cancel.html", {**context, "cancelled": True})
    return render(request, "cms/registration_cancel.html", context)
