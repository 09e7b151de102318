"""Reads of the API package: whose tokens and OAuth2 clients a person may see and manage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from organisations import access
from organisations.models import Organisation

from .models import ApiToken, OAuthClient
from .scopes import SCOPES, Scope, scopes_for_roles

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class TokenOrganisation:
    organisation: Organisation
    scopes: list[Scope]


def token_organisations(*, user: User) -> list[TokenOrganisation]:
    """The organisations whose API tokens the user manages, each with the scopes the user may grant:
    those whose role the user holds there (employers for their verified business, coordinators for
    their municipality's office)."""
    return [
        TokenOrganisation(organisation=org, scopes=scopes_for_roles(held))
        for org, held in access.organisations_with_roles(
            user=user, roles={scope.role for scope in SCOPES.values()}
        )
    ]


def require_token_organisations(*, user: User) -> list[TokenOrganisation]:
    """As :func:`token_organisations`, 403 when there is none."""
    found = token_organisations(user=user)
    if not found:
        raise PermissionDenied
    return found


def tokens_for(*, user: User) -> QuerySet[ApiToken]:
    ids = [entry.organisation.pk for entry in token_organisations(user=user)]
    return (
        ApiToken.objects.filter(organisation_id__in=ids)
        .select_related("organisation", "created_by", "revoked_by")
        .order_by("organisation__name", "-created_at")
    )


def token_get(*, user: User, pk: int) -> ApiToken:
    """A token the user manages; anyone else's is a 404, as if it did not exist."""
    require_token_organisations(user=user)
    return access.first_or_404(tokens_for(user=user).filter(pk=pk))


def oauth_clients_for(*, user: User) -> QuerySet[OAuthClient]:
    """The OAuth2 clients of the organisations whose tokens the user manages (the same people)."""
    ids = [entry.organisation.pk for entry in token_organisations(user=user)]
    return (
        OAuthClient.objects.filter(organisation_id__in=ids)
        .select_related("organisation", "created_by", "revoked_by")
        .order_by("organisation__name", "-created_at")
    )


def oauth_client_get(*, user: User, pk: int) -> OAuthClient:
    """A client the user manages; anyone else's is a 404, as if it did not exist."""
    require_token_organisations(user=user)
    return access.first_or_404(oauth_clients_for(user=user).filter(pk=pk))
