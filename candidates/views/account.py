"""Invitation to the person's own account, data export and erasure (staff side), accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from organisations.decorators import role_required

from .. import forms, selectors, services
from ._common import back_to_detail, json_download


@role_required(CASE_STAFF)
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    if candidate.user_id:
        messages.info(request, _("Die Person hat schon ein Konto."))
        return back_to_detail(pk)
    form = forms.InvitationForm(
        request.POST or None,
        initial={"email": candidate.email, "language": selectors.invitation_language(candidate=candidate)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_send(
                candidate=candidate,
                actor=request.user,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except services.InvitationThrottled:
            form.add_error(
                None,
                _(
                    "Zu viele Einladungen in kurzer Zeit: höchstens %(per_person)s pro Person und %(per_sender)s "
                    "insgesamt pro Stunde. Bitte versuchen Sie es später noch einmal."
                )
                % {
                    "per_person": services.INVITATIONS_PER_CANDIDATE_PER_HOUR,
                    "per_sender": services.INVITATIONS_PER_SENDER_PER_HOUR,
                },
            )
            status = 429
        else:
            messages.success(request, _("Einladung verschickt. Frühere Einladungslinks gelten nicht mehr."))
            return back_to_detail(pk)
    return render(
        request,
        "candidates/entry_form.html",
        {"candidate": candidate, "form": form, "title": _("Zum eigenen Profil einladen")},
        status=status,
    )


@role_required(CASE_STAFF)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    return json_download(
        services.candidate_export_for(candidate=candidate, actor=request.user),
        f"lotse-daten-{candidate.pk}.json",
    )


@role_required([Role.CASE_MANAGER, Role.COORDINATOR])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.erasable_candidate_get(user=request.user, pk=pk)
    form = forms.EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.candidate_erase_with_account(candidate=candidate, actor=request.user)
        messages.success(request, _("Die personenbezogenen Daten sind gelöscht."))
        return redirect("candidates:case_list")
    return render(request, "candidates/erase_form.html", {"candidate": candidate, "form": form})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token=token)
    if invitation is None:
        return render(request, "candidates/invitation_invalid.html", status=404)
    form = forms.InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except services.InvitationUsed:
            # A double submit: the first one made the account; this one sends the person to sign in.
            messages.info(request, _("Ihr Konto ist angelegt. Bitte melden Sie sich mit Ihrem Passwort an."))
            return redirect("account_login")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # allauth's own sign-in, so the session carries its authentication record like any login.
            from allauth.account.internal.flows.login import perform_password_login
            from allauth.account.models import Login

            return perform_password_login(
                request,
                {"email": user.email},
                Login(user=user, redirect_url=reverse("candidates:my_profile")),
            )
    return render(request, "candidates/invitation_accept.html", {"form": form, "invitation": invitation})
