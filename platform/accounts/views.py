from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.access import memberships, roles_of

from .navigation import destinations


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: who you are, your organisations, where to go next."""
    user = request.user
    roles = roles_of(user=user)
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships(user=user),
            "roles": roles,
            "destinations": destinations(roles),
            "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        },
    )
