"""Consent on the staff side and revoking (for the person and for staff)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF
from organisations.decorators import role_required

from .. import forms, selectors, services


@role_required(CASE_STAFF)
def consent_list(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    # Another page (e.g. a handover missing its consent) may send staff here with the grant it
    # needs prefilled and the way back; only a path on this site is followed.
    back = request.GET.get("next", "")
    # A path on this site, and short: Django refuses a redirect over 2,048 characters with a 400
    # after the consent below would already be stored.
    if not (
        back.startswith("/")
        and len(back) <= 1000
        and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
    ):
        back = ""
    form = forms.PaperConsentForm(
        request.POST or None,
        candidate=candidate,
        initial={
            "scope": request.GET.get("scope"),
            "recipient_organisation": request.GET.get("recipient_organisation"),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        granted_at = timezone.make_aware(datetime.datetime.combine(d["granted_on"], datetime.time(12)))
        try:
            services.consent_grant(
                candidate=candidate,
                scope=d["scope"],
                actor=request.user,
                recipient_organisation=d["recipient_organisation"],
                recipient_user=d["recipient_user"],
                reference=d["reference"],
                paper_form_reference=d["paper_form_reference"],
                granted_at=granted_at,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Einwilligung erfasst."))
            target = reverse("candidates:consents", args=[pk])
            return redirect(f"{target}?{urlencode({'next': back})}" if back else target)
    services.candidate_audit_view(candidate=candidate, actor=request.user, fields=["consents"])
    consents = selectors.candidate_consents(candidate=candidate)
    rows = selectors.consent_rows(user=request.user, consents=consents)
    return render(
        request,
        "candidates/consent_list.html",
        {"candidate": candidate, "rows": rows, "form": form, "back": back},
    )


@role_required(CASE_STAFF, candidates=True)
def consent_revoke(request: HttpRequest, consent_pk: int) -> HttpResponse:
    """GET: what revoking ends, in the reader's words; POST: revoke. For the person and for staff."""
    consent = selectors.consent_get(user=request.user, pk=consent_pk)
    for_self = consent.candidate.user_id == request.user.pk
    back = (
        redirect("candidates:my_consents")
        if for_self
        else redirect("candidates:consents", pk=consent.candidate_id)
    )
    if request.method == "POST":
        services.consent_revoke(consent=consent, actor=request.user)
        messages.success(request, _("Die Einwilligung ist widerrufen. Sie gilt ab sofort nicht mehr."))
        return back
    if not consent.is_live:
        messages.info(request, _("Diese Einwilligung ist schon widerrufen."))
        return back
    [row] = selectors.consent_rows(user=request.user, consents=[consent])
    return render(
        request,
        "candidates/consent_revoke.html",
        {
            "row": row,
            "for_self": for_self,
            "consequences": selectors.revocation_consequences(user=request.user, consent=consent),
        },
    )
