"""Finding 1 and 7 of the trust issue: a password alone never gets in.

Every view that can authenticate goes through allauth (rate limits, lockout, second factor) or is
gone; the MFA gate asks whether *this session* passed the second factor, not whether a device
exists; chamber editors need TOTP like every staff role.
"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from wagtail import views as wagtail_core_views

from accounts.roles import ROLES_REQUIRING_MFA, Role
from tests.fixtures.users import activate_totp
from tests.security.helpers import HOST, force_password_only_session

pytestmark = pytest.mark.django_db

PASSWORD = "pw"
# Django's own authentication views, and the ones packages build on them (Wagtail's admin login,
# its password reset, its front-end login): none of them knows allauth's rate limit or the TOTP stage.
_AUTH_VIEW_CLASSES = (
    auth_views.LoginView,
    auth_views.PasswordResetView,
    auth_views.PasswordResetConfirmView,
    auth_views.PasswordChangeView,
)


_PASSWORD_WORDS = re.compile(r"login|passw|authenticat", re.IGNORECASE)


# Named like a login but signs nobody in: a superuser (past TOTP) sets another account's password.
_NOT_A_LOGIN = {("django.contrib.auth.admin", "user_change_password")}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _authenticates(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, _AUTH_VIEW_CLASSES):
        return True
    if getattr(callback, "__func__", callback) is getattr(
        admin.AdminSite.login, "__func__", admin.AdminSite.login
    ):
        return True
    bound_self = getattr(callback, "__self__", None)
    if isinstance(bound_self, admin.AdminSite) and callback.__name__ in {"login", "password_change"}:
        return True
    if callback is wagtail_core_views.authenticate_with_password:
        return True
    # The class, not the instances we know: any view outside allauth (and our redirects to it) whose
    # name speaks of a login, a password or authenticating (Wagtail's document password form was one).
    name = getattr(callback, "__name__", "") or getattr(getattr(callback, "view_class", None), "__name__", "")
    module = getattr(callback, "__module__", "") or ""
    if (module, name) in _NOT_A_LOGIN:
        return False
    return bool(_PASSWORD_WORDS.search(name)) and not module.startswith(("allauth.", "accounts."))


def _example_path(pattern: str) -> str:
    """A concrete path for a route: converters get sample values, regex anchors go."""
    path = re.sub(r"<int:[^>]+>", "1", pattern)
    path = re.sub(r"<[^>]+>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", path)
    return "/" + path


def _authenticating_routes() -> list[str]:
    return sorted({p for p, cb in _walk(get_resolver().url_patterns) if _authenticates(cb)})


def test_the_resolver_walk_finds_the_known_password_logins():
    # The walk must be able to fail: Wagtail's and Django's logins are among the routes it finds.
    routes = _authenticating_routes()
    assert any("_util/login" in r for r in routes)
    assert any(r.startswith("cms-admin/") and "login" in r for r in routes)
    assert any(r.startswith("django-admin/") for r in routes)


def test_no_route_reaches_a_login_or_password_view_outside_allauth():
    reachable = []
    for route in _authenticating_routes():
        match = resolve(_example_path(route))
        if _authenticates(match.func):
            reachable.append(route)
    assert reachable == []


@pytest.mark.parametrize(
    "path", ["/_util/login/", "/en/_util/login/", "/cms-admin/login/", "/django-admin/login/"]
)
def test_password_alone_never_signs_in_anywhere(path, make_member):
    manager = make_member("case_manager", password=PASSWORD)
    activate_totp(manager)
    client = Client()

    response = client.post(
        path, {"username": manager.email, "password": PASSWORD, "login": manager.email}, **HOST
    )

    assert response.status_code in (302, 404)
    assert "_auth_user_id" not in client.session
    follow = client.get("/app/candidates/", **HOST)
    assert follow.status_code == 302 and "/accounts/login/" in follow["Location"]


@pytest.mark.parametrize("path", ["/cms-admin/login/", "/_util/login/", "/django-admin/login/"])
def test_old_login_addresses_lead_to_the_one_login(path):
    response = Client().get(path + "?next=/cms-admin/pages/", **HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=%2Fcms-admin%2Fpages%2F" in response["Location"]


def test_wagtail_redirects_to_the_one_login(make_member):
    response = Client().get("/cms-admin/", **HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/app/", "/app/candidates/", "/cms-admin/", "/django-admin/"])
def test_a_session_without_the_second_factor_is_asked_for_it(path, make_member):
    manager = make_member("case_manager", password=PASSWORD, is_staff=True)
    activate_totp(manager)
    client = Client()
    force_password_only_session(client, manager)

    response = client.get(path, **HOST)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_the_second_factor_then_opens_the_pages(make_member, totp_code):
    manager = make_member("case_manager", password=PASSWORD)
    authenticator = activate_totp(manager)
    client = Client()
    force_password_only_session(client, manager)

    secret = get_mfa_adapter().decrypt(authenticator.data["secret"])

    code = totp_code(secret)
    response = client.post("/accounts/2fa/reauthenticate/?next=/app/candidates/", {"code": code}, **HOST)

    assert response.status_code == 302
    assert client.get("/app/candidates/", **HOST).status_code == 200


def test_setting_up_totp_counts_as_passing_it(make_member, totp_code):
    # Right after activation the person has proven the code once: no second prompt.
    manager = make_member("case_manager", password=PASSWORD)
    client = Client()
    force_password_only_session(client, manager)
    page = client.get("/accounts/2fa/totp/activate/", **HOST)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]

    code = totp_code(secret)
    response = client.post("/accounts/2fa/totp/activate/", {"code": code}, **HOST)

    assert response.status_code == 302
    assert client.get("/app/", **HOST).status_code == 200


def test_chamber_editors_need_totp(make_member):
    editor = make_member("chamber_editor", password=PASSWORD)
    client = Client()
    force_password_only_session(client, editor)

    for path in ("/app/", "/cms-admin/"):
        response = client.get(path, **HOST)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_every_role_but_the_candidate_needs_totp():
    assert set(ROLES_REQUIRING_MFA) == set(Role.values) - {Role.CANDIDATE}


def test_locked_account_stays_locked_on_every_login_path(make_member, settings):
    manager = make_member("case_manager", password=PASSWORD)
    activate_totp(manager)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(12):
        client.post("/accounts/login/", {"login": manager.email, "password": "falsch"}, **HOST)

    locked = client.post("/accounts/login/", {"login": manager.email, "password": PASSWORD}, **HOST)
    assert locked.status_code == 200  # allauth: too many attempts, form shown again
    for path in ("/cms-admin/login/", "/_util/login/", "/django-admin/login/"):
        client.post(path, {"username": manager.email, "password": PASSWORD}, **HOST)
        assert "_auth_user_id" not in client.session


def test_password_reset_is_throttled_on_every_path(make_member):
    manager = make_member("case_manager", password=PASSWORD)
    client = Client(REMOTE_ADDR="203.0.113.8")
    for path in ("/accounts/password/reset/", "/cms-admin/password_reset/"):
        for _ in range(25):
            client.post(path, {"email": manager.email}, **HOST)

    sent = [m for m in mail.outbox if manager.email in m.to]
    assert 1 <= len(sent) <= 5
