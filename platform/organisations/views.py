"""A coordinator's pages: the municipality's organisations and their members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from privacy import selectors as privacy_selectors
from privacy.models import AuditEntry

from . import access, selectors, services
from .forms import MembershipAddForm, OrganisationForm
from .models import Membership


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisation_list(user=request.user)
    return render(request, "organisations/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    municipalities = list(selectors.coordinated_municipalities(user=request.user))
    if not municipalities:
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "municipality"}
            organisation = services.organisation_create(
                actor=request.user, municipality=form.chosen_municipality(), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organisation „%(name)s“ angelegt.") % {"name": organisation.name})
            return redirect("organisations:members", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
def membership_list(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk, perm="organisations.manage_memberships")
    roles = services.roles_for_kind(organisation.kind)
    if not access.has_role(
        user=request.user, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id
    ):
        roles = [r for r in roles if r != Role.COORDINATOR]
    form = MembershipAddForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(user)s ist jetzt %(role)s.") % {"user": membership.user, "role": membership.get_role_display()},
            )
            return redirect("organisations:members", pk=organisation.pk)
    return render(
        request,
        "organisations/membership_list.html",
        {
            "organisation": organisation,
            "memberships": selectors.membership_list(user=request.user, organisation=organisation),
            "form": form,
        },
    )


@require_POST
@login_required
def membership_deactivate(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk, perm="organisations.manage_memberships")
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    services.membership_deactivate(actor=request.user, membership=membership)
    messages.success(request, _("Mitgliedschaft von %(user)s beendet.") % {"user": membership.user})
    return redirect("organisations:members", pk=organisation.pk)



@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who viewed or changed which personal record, in the coordinator's municipality."""
    if not privacy_selectors.can_read_audit_log(user=request.user):
        raise PermissionDenied
    action = request.GET.get("action", "")
    if action not in AuditEntry.Action.values:
        action = ""
    page = Paginator(privacy_selectors.audit_entry_list(user=request.user, action=action), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "organisations/audit_log.html",
        {"page": page, "action": action, "actions": AuditEntry.Action.choices},
    )
