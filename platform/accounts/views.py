from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.access import memberships, roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: who you are, your organisations, where to go next."""
    return render(
        request,
        "accounts/home.html",
        {"memberships": memberships(user=request.user), "roles": roles_of(user=request.user)},
    )
