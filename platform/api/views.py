"""The API token page: staff create (shown once) and revoke their organisation's tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import TokenForm


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
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            # Shown in this answer only (never stored, never in a message or the session).
            created = {"token": token, "raw": raw}
            form = TokenForm(organisations=organisations)
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "created": created,
            "tokens": selectors.tokens_for(user=request.user),
            "organisations": organisations,
        },
        # 201: this answer is what was made (the token, shown once), not a form sent back refused.
        status=201 if created else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Das Token ist widerrufen; es gilt ab sofort nicht mehr."))
    return redirect("api_tokens:list")
