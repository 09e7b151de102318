"""Views of reported discrimination (issue 15 §3): thin — check the role, let the selector scope (or
404), call the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.roles import Role
from organisations.decorators import role_required
from privacy.models import AuditEntry
from privacy.services import audit_record, audit_record_views_once_a_day

from . import discrimination_selectors as sel
from . import discrimination_services
from .discrimination_forms import DiscriminationReportForm, ReferralAnswerForm


def _reporter(request: HttpRequest) -> sel.Reporter:
    reporter = sel.reporter_of(user=request.user)
    if reporter is None:
        raise PermissionDenied
    return reporter


@login_required
def discrimination_list(request: HttpRequest) -> HttpResponse:
    """Where a report starts, and the named reports the user may read."""
    _reporter(request)
    reports = list(sel.readable_reports(user=request.user))
    audit_record_views_once_a_day(
        actor=request.user,
        record_type="coaching.discriminationreport",
        records=[(r.pk, r.municipality_id) for r in reports],
        note="discrimination reports",
    )
    return render(request, "coaching/discrimination_list.html", {"reports": reports})


@login_required
def discrimination_report(request: HttpRequest) -> HttpResponse:
    reporter = _reporter(request)
    form = DiscriminationReportForm(
        request.POST or None,
        businesses=sel.business_choices(municipality_id=reporter.municipality.pk),
        services=sel.counselling_services(municipality_id=reporter.municipality.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = discrimination_services.report_create(
                actor=request.user, reporter=reporter, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if report.anonymous:
                messages.success(request, _("Danke. Ihre Meldung ist anonym gespeichert."))
            else:
                messages.success(request, _("Danke. Ihre Meldung ist gespeichert."))
            return redirect("coaching:discrimination_list")
    return render(
        request,
        "coaching/discrimination_form.html",
        {"form": form, "reporter": reporter},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def discrimination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter(request)
    report = sel.report_get(user=request.user, pk=pk)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        record=report,
        municipality_id=report.municipality_id,
    )
    return render(request, "coaching/discrimination_detail.html", {"report": report})


@role_required([Role.COORDINATOR])
def discrimination_overview(request: HttpRequest) -> HttpResponse:
    """The coordinator's counts by setting and period: never a text, never a person."""
    municipality = sel.coordinated_municipality(user=request.user)
    start, end = sel.default_period()
    error = ""
    if "von" in request.GET or "bis" in request.GET:
        try:
            start = parse_date(request.GET.get("von", "") + "-01")
            end = parse_date(request.GET.get("bis", "") + "-01")
        except ValueError:
            start = end = None
        if (
            start is None
            or end is None
            or not (2000 <= start.year <= end.year <= timezone.localdate().year + 1)
        ):
            error = _("Bitte einen Zeitraum von Monat bis Monat angeben.")
        elif start > end or (end.year - start.year) * 12 + end.month - start.month >= 120:
            error = _("Der Zeitraum muss vorwärts laufen und darf höchstens zehn Jahre umfassen.")
        if error:
            start, end = sel.default_period()
    return render(
        request,
        "coaching/discrimination_overview.html",
        {
            "municipality": municipality,
            "table": sel.report_counts(municipality_id=municipality.pk, start=start, end=end),
            "error": error,
        },
        status=400 if error else 200,
    )


def discrimination_referral(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the counselling service's signed link. GET shows the referral, POST answers it."""
    referral = sel.referral_from_token(token=token)
    form = ReferralAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                discrimination_services.referral_answer(referral=referral, status=form.cleaned_data["status"])
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Danke, Ihre Antwort ist gespeichert."))
        else:
            messages.error(request, _("Bitte eine der Antworten wählen."))
        return redirect("coaching:discrimination_referral", token=token)
    return render(
        request,
        "coaching/discrimination_referral.html",
        {
            "referral": referral,
            "report": referral.report,
            "answers": [
                (s, label) for s, label in referral.Status.choices if s in referral.NEXT[referral.status]
            ],
        },
    )
