from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class LotseUserManager(UserManager):
    """E-mail is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):  # type: ignore[override]
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    display_name = models.CharField(_("Anzeigename"), max_length=150, blank=True)
    preferred_language = models.CharField(_("bevorzugte Sprache"), max_length=8, blank=True, default="de")
    is_candidate = models.BooleanField(
        _("Klient*in"),
        default=False,
        help_text=_("Person mit Fluchterfahrung, die ihr eigenes Profil nutzt."),
    )

    notification_email = models.CharField(
        _("E-Mail zu Benachrichtigungen"),
        max_length=8,
        choices=[
            ("item", _("sofort, eine E-Mail je Benachrichtigung")),
            ("digest", _("einmal täglich als Zusammenfassung")),
        ],
        default="item",
    )

    # Raised by "Überall abmelden": part of the session hash, so every existing session ends.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = LotseUserManager()

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Generation 0 keeps Django's hash, so sessions made before this field stay valid.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def __str__(self) -> str:
        return self.display_name or self.email
