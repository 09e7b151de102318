"""allauth login with mandatory e-mail verification and the TOTP stage."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, email, password="pw"):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


def test_verified_user_logs_in_and_lands_on_start_page(client, make_member):
    candidate = make_member("candidate")
    response = _login(client, candidate.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_login_is_case_insensitive_on_the_email(client, make_member):
    make_member("candidate", email="klientin@lotse.example")
    response = _login(client, "Klientin@Lotse.example")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")


def test_unverified_user_is_sent_to_verification_and_gets_an_email(client):
    user = UserFactory(verified_email=False)
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject.startswith("[Lotse]")
    # Not signed in: the start page still asks for a login.
    assert reverse("account_login") in client.get(reverse("accounts:home"))["Location"]


def test_wrong_password_shows_error_and_keeps_the_email(client, user):
    response = _login(client, user.email, password="falsch")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{user.email}"' in body
    assert response.context["form"].errors
    assert reverse("account_login") in client.get(reverse("accounts:home"))["Location"]


def test_unknown_email_shows_error_not_500(client):
    response = _login(client, "niemand@lotse.example")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_empty_form_shows_error_not_500(client):
    response = client.post(LOGIN, {})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_user_with_totp_must_enter_the_code_before_being_signed_in(client, make_member, totp_code):
    manager = make_member("case_manager")
    secret = generate_totp_secret()
    TOTP.activate(manager, secret)

    response = _login(client, manager.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone is not enough.
    assert reverse("account_login") in client.get(reverse("accounts:home"))["Location"]

    code = totp_code(secret)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors

    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_case_manager_without_totp_is_led_from_login_to_totp_setup(client, make_member):
    manager = make_member("case_manager")
    response = _login(client, manager.email)
    assert response.status_code == 302
    setup = client.get(response["Location"], follow=True)
    # Straight to the set-up form, without being asked for the password a second time.
    assert setup.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "form" in setup.context
