"""The API token page: staff create (shown once) and revoke their organisation's API tokens and
OAuth2 clients; and the OAuth2 token endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oauth2_provider.views import TokenView

from inputs.forms import errors_to_form

from . import selectors, services
from .forms import TokenForm
from .throttling import AnonymousRateThrottle


def _page(
    request: HttpRequest, organisations, *, form=None, client_form=None, created=None, created_client=None
):
    return render(
        request,
        "api/token_list.html",
        {
            "form": form if form is not None else TokenForm(organisations=organisations),
            "client_form": (
                client_form
                if client_form is not None
                else TokenForm(organisations=organisations, prefix="client")
            ),
            "created": created,
            "created_client": created_client,
            "tokens": selectors.tokens_for(user=request.user),
            "clients": selectors.oauth_clients_for(user=request.user),
            "organisations": organisations,
        },
        # 201: this answer is what was made (shown once), not a form sent back refused.
        status=201 if created or created_client else 200,
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.require_token_organisations(user=request.user)
    form = TokenForm(request.POST or None, organisations=organisations)
    created = None
    if request.method == "POST" and form.is_valid():
        entry = form.organisations[form.cleaned_data["organisation"]]
        try:
            token, raw = services.token_create(
                organisation=entry.organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            # Shown in this answer only (never stored, never in a message or the session).
            created = {"token": token, "raw": raw}
            form = None
    return _page(request, organisations, form=form, created=created)


@login_required
@require_POST
def oauth_client_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.require_token_organisations(user=request.user)
    form = TokenForm(request.POST, organisations=organisations, prefix="client")
    created = None
    if form.is_valid():
        entry = form.organisations[form.cleaned_data["organisation"]]
        try:
            client, secret = services.oauth_client_create(
                organisation=entry.organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            # The secret is shown in this answer only: django-oauth-toolkit keeps a hash.
            created = {"client": client, "secret": secret}
            form = None
    return _page(request, organisations, client_form=form, created_client=created)


@login_required
@require_POST
def oauth_client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors.oauth_client_get(user=request.user, pk=pk)
    services.oauth_client_revoke(client=client, actor=request.user)
    messages.success(
        request, _("Der OAuth2-Client ist widerrufen; seine Access-Tokens gelten ab sofort nicht mehr.")
    )
    return redirect("api_tokens:list")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Das Token ist widerrufen; es gilt ab sofort nicht mehr."))
    return redirect("api_tokens:list")


class OAuthTokenView(TokenView):
    """django-oauth-toolkit's token endpoint (client credentials), rate-limited per address like
    requests without a token: every try hashes a secret."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = AnonymousRateThrottle()
        if not throttle.allow_request(request, self):
            response = JsonResponse({"error": "slow_down"}, status=429)
            response["Retry-After"] = str(int(throttle.wait() or 1))
            return response
        return super().post(request, *args, **kwargs)
