"""The caseload and intake: the case list, a new person, closed cases, reassigning."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import CASE_STAFF, Role
from inputs.forms import errors_to_form
from organisations import access
from organisations.decorators import role_required

from .. import forms, selectors, services
from ..filters import CaseloadFilter
from ..models import (
    ClosingReason,
)
from ._common import PAGE_SIZE, back_to_detail


@role_required([*CASE_STAFF, Role.COORDINATOR])
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = request.GET.get("scope")
    if scope not in selectors.CASELOAD_SCOPES:
        scope = selectors.caseload_default_scope(user=user)
    base = selectors.caseload(user=user, scope=scope)
    filterset = CaseloadFilter(request.GET, queryset=base, request=request)
    # Invalid filter values (tampered URLs) show the form errors and an empty list, never a 500.
    cases = filterset.qs if filterset.is_valid() else base.none()
    query = filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else ""
    search = selectors.caseload_search(cases=cases, query=query) if query.strip() else None
    if search is not None:
        cases = search.cases
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if search is not None:
        services.caseload_search_audit(
            actor=user,
            kinds=search.kinds,
            found=page.paginator.count,
            candidates=[case.candidate for case in page.object_list],
        )
    params = request.GET.copy()
    params.pop("page", None)
    params["scope"] = scope
    other = params.copy()
    other["scope"] = "team" if scope == "mine" else "mine"
    return render(
        request,
        "candidates/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": params.urlencode(),
            "scope": scope,
            "searched": search is not None,
            "other_scope_query": other.urlencode(),
            "today": timezone.localdate(),
            "can_intake": access.has_role(user=user, roles=[Role.CASE_MANAGER]),
            "permit_open": selectors.permit_open_count(cases=selectors.scoped_cases(user=user, scope=scope)),
        },
    )


@role_required([Role.CASE_MANAGER])
def candidate_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.intake_organisations(user=request.user)
    form = forms.IntakeForm(request.POST or None, organisations=organisations)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_intake(actor=request.user, **form.cleaned_data)
        except services.IntakeRefused as error:
            duplicates = error.duplicates
            form.add_error(None, error)
        else:
            messages.success(request, _("Person angelegt. Ergänzen Sie jetzt das Profil."))
            return back_to_detail(candidate.pk)
    return render(request, "candidates/candidate_form.html", {"form": form, "duplicates": duplicates})


@role_required(CASE_STAFF)
def closed_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.closed_cases(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.reason_label = ClosingReason(case.reason).label if case.reason in ClosingReason.values else ""
    return render(request, "candidates/closed_list.html", {"page": page, "today": timezone.localdate()})


@role_required(CASE_STAFF)
def reassign(request: HttpRequest) -> HttpResponse:
    """The team lead's page: open cases of colleagues who left (or of nobody), handed on in bulk."""
    organisations = selectors.lead_organisations(user=request.user)
    if not organisations:
        raise PermissionDenied
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    organisation = organisations[0]
    if wanted:
        organisation = next((o for o in organisations if str(o.pk) == wanted), None)
        if organisation is None:
            raise Http404
    cases = list(selectors.orphaned_cases(user=request.user, organisation=organisation))
    targets = selectors.reassign_targets(organisation=organisation)
    form = forms.ReassignForm(request.POST or None, cases=cases, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.cases_reassign(
                actor=request.user,
                organisation=organisation,
                cases=form.selected_cases(),
                to_user=form.selected_user(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s Fall neu zugewiesen. Die Klient*in wurde benachrichtigt.",
                    "%(n)s Fälle neu zugewiesen. Die Klient*innen wurden benachrichtigt.",
                    moved,
                )
                % {"n": moved},
            )
            return redirect(
                reverse("candidates:reassign") + "?" + urlencode({"organisation": organisation.pk})
            )
    return render(
        request,
        "candidates/reassign.html",
        {"organisations": organisations, "organisation": organisation, "form": form, "cases": cases},
    )
