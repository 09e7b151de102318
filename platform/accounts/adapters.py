from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff join by invitation; open sign-up (e.g. employer registration) is a setting.
        return settings.ACCOUNT_ALLOW_REGISTRATION
