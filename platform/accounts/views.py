import time
from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.totp.views import ActivateTOTPView as AllauthActivateTOTPView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.access import memberships, roles_of
from organisations.selectors import coordination_offices, invitations_for

from .navigation import destinations
from .selectors import has_totp, totp_authenticator
from .services import user_logout_everywhere
from .signals import LAST_SEEN_SESSION_KEY


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: who you are, your organisations, where to go next."""
    user = request.user
    roles = roles_of(user=user)
    own_memberships = memberships(user=user)
    without_role = not own_memberships and not user.is_candidate
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": own_memberships,
            "roles": roles,
            "destinations": destinations(roles, {m.role for m in own_memberships if m.is_lead}),
            "has_totp": has_totp(user=user),
            "invitations": invitations_for(user=user),
            # Somebody new: whom to ask, and the one thing they can start on their own.
            "offices": coordination_offices(user=user) if without_role else [],
            "register_url": _url_or_empty("employers:register") if without_role else "",
        },
    )


@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """The page is in use (typing, clicking, "Angemeldet bleiben"): the session's activity is now."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session[LAST_SEEN_SESSION_KEY] = time.time()
    return HttpResponse(status=204)


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """One click ends every session of this account, here and on every other device."""
    user_logout_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("Sie wurden auf allen Geräten abgemeldet."))
    return redirect("account_login")


def _url_or_empty(url_name: str) -> str:
    # Linked by URL name: the platform imports no app, and a deployment may leave the app out.
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return ""


# --- one way in -------------------------------------------------------------------------------
# Django's admin and Wagtail bring password forms of their own that know neither allauth's rate
# limit and lockout nor the second factor. Their addresses lead to allauth instead (config/urls.py
# mounts these before the packages' own routes; a test walks the resolver for any that is left).


def _to(url_name: str, request: HttpRequest) -> HttpResponse:
    target = reverse(url_name)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)


def to_login(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other login form: nothing is authenticated here, whatever is posted."""
    return _to("account_login", request)


def to_password_reset(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other password reset: allauth's is throttled and never says whether an account exists."""
    return _to("account_reset_password", request)


def to_password_change(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return _to("account_change_password", request)


def no_shared_passwords(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Wagtail's shared page passwords are switched off: private pages need a login."""
    raise Http404


class ActivateTOTPView(AllauthActivateTOTPView):
    """allauth's TOTP set-up; typing a valid code there means this session passed the factor.

    Without the record, RequireMFAMiddleware would ask for a code again right after set-up.
    (allauth's ``authenticator_added`` signal fires only on commit, too late for the session.)
    The record counts as a re-authentication: allauth let the set-up through only for a fresh
    login or after one, and the recovery codes shown next should not ask for the password again.
    """

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        totp = totp_authenticator(user=self.request.user)
        record_authentication(
            self.request, self.request.user, "mfa", type=totp.type, id=totp.pk, reauthenticated=True
        )
        return response
