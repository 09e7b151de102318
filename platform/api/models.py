"""API tokens: one organisation's client of the API (issue 17).

Only a SHA-256 hash of the token is stored; the token itself is shown once, when it is created. A
token is random (256 bits), so a plain hash is enough: there is nothing to guess a dictionary from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("Organisation"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    # The first characters of the token, so people can tell their tokens apart (not secret enough to use).
    prefix = models.CharField(_("Anfang des Tokens"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("Berechtigungen"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("widerrufen von"),
    )
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OAuthClient(models.Model):
    """An organisation's OAuth2 client (client credentials grant, issue 17).

    django-oauth-toolkit's Application speaks the protocol (client id, hashed secret, access
    tokens); this row says whose client it is and what it may do, exactly as an :class:`ApiToken`
    does, so both end up as the same principal (api.authentication.ApiClient). Revoking deletes
    the Application and with it every access token: the client stops on its next request.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="oauth_clients",
        verbose_name=_("Organisation"),
    )
    application = models.OneToOneField(
        "oauth2_provider.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lotse_client",
    )
    # Kept after revoking (when the Application is gone), so the list still tells clients apart.
    client_id = models.CharField(_("Client-ID"), max_length=100, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=100)
    scopes = models.JSONField(_("Berechtigungen"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("widerrufen von"),
    )
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("OAuth2-Client")
        verbose_name_plural = _("OAuth2-Clients")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
