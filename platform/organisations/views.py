"""A coordinator's pages: the municipality's organisations and their members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from privacy import selectors as privacy_selectors

from . import access, selectors, services
from .forms import AuditFilterForm, MembershipInviteForm, OrganisationForm
from .models import INVITATION_SESSION_KEY


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
    """Members and invitations of one organisation; the form invites (it never adds)."""
    organisation = selectors.organisation_get(user=request.user, pk=pk, manage=True)
    roles = services.roles_for_kind(organisation.kind)
    if not access.has_role(
        user=request.user, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id
    ):
        roles = [r for r in roles if r != Role.COORDINATOR]
    form = MembershipInviteForm(request.POST or None, roles=roles)
    status = 200
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_invite(actor=request.user, organisation=organisation, **form.cleaned_data)
        except PermissionDenied as error:
            refusal, status = str(error), 403
        except services.InvitationThrottled:
            form.add_error(
                None,
                _(
                    "Zu viele Einladungen in kurzer Zeit: höchstens %(limit)s pro Stunde. Bitte versuchen "
                    "Sie es in einer Stunde noch einmal."
                )
                % {"limit": services.INVITATIONS_PER_HOUR},
            )
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The same words whether or not an account exists, or is a member already.
            messages.success(
                request,
                _(
                    "Einladung an %(email)s gesendet. Falls die Person die Einladung annimmt, erscheint sie "
                    "unter den Mitgliedern."
                )
                % {"email": form.cleaned_data["email"].strip().lower()},
            )
            return redirect("organisations:members", pk=organisation.pk)
    return render(
        request,
        "organisations/membership_list.html",
        {
            "organisation": organisation,
            "memberships": selectors.membership_list(user=request.user, organisation=organisation),
            "invitations": selectors.invitation_list(user=request.user, organisation=organisation),
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )


@require_POST
@login_required
def membership_deactivate(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk, manage=True)
    membership = selectors.membership_get(user=request.user, organisation=organisation, pk=membership_pk)
    services.membership_deactivate(actor=request.user, membership=membership)
    messages.success(request, _("Mitgliedschaft von %(user)s beendet.") % {"user": membership.user})
    return redirect("organisations:members", pk=organisation.pk)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk, manage=True)
    invitation = selectors.invitation_get(user=request.user, organisation=organisation, pk=invitation_pk)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Einladung an %(email)s zurückgezogen.") % {"email": invitation.email})
    return redirect("organisations:members", pk=organisation.pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: sign in (or sign up), then accept or decline.

    Anyone holding the link sees the same page until signed in; nothing on it depends on whether
    an account exists for the invited address.
    """
    found = selectors.invitation_by_token(token=token)
    if found is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    here = request.get_full_path()
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(here)
        # Lets the sign-up form open for this visitor even where open registration is off.
        request.session[INVITATION_SESSION_KEY] = found.token
        return render(request, "organisations/invitation.html", {"invitation": found, "next": here})
    refusal = services.addressee_refusal(user=request.user, invitation=found)
    if refusal:
        # Signed in with another address: this account can neither accept nor decline.
        return render(
            request,
            "organisations/invitation.html",
            {"invitation": found, "refusal": refusal, "next": here, "may_answer": False},
            status=403,
        )
    refusal = services.acceptance_refusal(
        user=request.user, organisation=found.organisation, role=found.role, invitation=found
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                membership = services.invitation_accept(user=request.user, invitation=found)
            elif action == "decline":
                services.invitation_decline(user=request.user, invitation=found)
            else:
                return HttpResponseBadRequest()
        except services.InvitationGone:
            return render(request, "organisations/invitation_invalid.html", status=404)
        except PermissionDenied as error:
            refusal, status = str(error), 403
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            if action == "accept":
                messages.success(
                    request,
                    _("Sie sind jetzt %(role)s bei %(organisation)s.")
                    % {"role": membership.get_role_display(), "organisation": found.organisation.name},
                )
            else:
                messages.info(request, _("Sie haben die Einladung abgelehnt."))
            return redirect("accounts:home")
    return render(
        request,
        "organisations/invitation.html",
        {"invitation": found, "refusal": refusal, "next": here, "may_answer": True},
        status=status,
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who viewed or changed which personal record, in the coordinator's municipality: searchable
    by person and period; records are named, not numbered."""
    if not privacy_selectors.can_read_audit_log(user=request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    search = form.cleaned_data if form.is_valid() else {}
    entries = privacy_selectors.audit_entry_list(
        user=request.user,
        action=search.get("action", ""),
        person=search.get("person", "").strip(),
        since=search.get("since"),
        until=search.get("until"),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "entries": privacy_selectors.audit_entries_named(page.object_list),
            "form": form,
            "query": query.urlencode(),
        },
    )
