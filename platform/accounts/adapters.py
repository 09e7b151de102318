import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from accounts.signals import LOGIN_AT_SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff join by invitation; open sign-up (e.g. employer registration) is a setting.
        if settings.ACCOUNT_ALLOW_REGISTRATION:
            return True
        # Someone who opened a valid invitation link may sign up even where open sign-up is off:
        # the invitation is what gives them a role, and only once they accept it.
        from organisations.models import INVITATION_SESSION_KEY
        from organisations.selectors import invitation_by_token

        token = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
        return bool(token) and invitation_by_token(token=token) is not None

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Do not ask for the password again right after login when setting up the first factor.

        RequireMFAMiddleware sends case managers & co. to TOTP set-up straight after they
        logged in; asking for the password a second time there only confuses. Changing or
        removing an existing factor still needs re-authentication.
        """
        request = self.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and not Authenticator.objects.filter(user=request.user).exists()
        ):
            records = get_authentication_records(request, request.user)
            # A session signed in by confirming the e-mail address has no allauth record: the
            # login time kept by accounts.signals counts the same.
            at = records[-1]["at"] if records else request.session.get(LOGIN_AT_SESSION_KEY)
            if at and time.time() - at < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)
