"""The inbox. Thin: parse, check ownership (404 for someone else's notice), call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import EmailPreferenceForm

PAGE_SIZE = 25


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Opening the inbox marks nothing read."""
    page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    form = EmailPreferenceForm(initial={"notification_email": request.user.notification_email})
    return render(request, "notifications/inbox.html", {"page": page, "form": form})


@login_required
@require_POST
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, pk=notification.pk)
    return redirect(notification.path())


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    # A path on this site only (redirect() would take anything else for a URL name and fail).
    # ... and short: a redirect over 2,048 characters is a 400 after the write.
    if (
        target.startswith("/")
        and len(target) <= 1000
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.notification_mark_read(user=request.user, pk=pk):
        raise Http404
    return _back(request)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
    return _back(request)


@login_required
@require_POST
def email_preference(request: HttpRequest) -> HttpResponse:
    form = EmailPreferenceForm(request.POST)
    if not form.is_valid():
        page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(1)
        return render(request, "notifications/inbox.html", {"page": page, "form": form}, status=400)
    services.email_preference_set(user=request.user, choice=form.cleaned_data["notification_email"])
    messages.success(request, _("Ihre Wahl ist gespeichert."))
    return redirect("notifications:inbox")
