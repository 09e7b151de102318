"""The case page served from its last drawing (organisations/kept_page.py), attacked: the database
lost while a kept page is checked, an erased person's page in memory, a drawing that writes the
session or flashes a message, a language switch, a colleague's membership, a revoked consent, a
closed case, a new notification, two sessions of one user, htmx, and the caches."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.roles import Role
from candidates import services as candidate_services
from candidates.models import Case, ConsentScope
from candidates.views import case as case_views
from notifications.models import Notification
from organisations import kept_page
from organisations.models import Membership
from privacy.models import AuditEntry
from tests.factories import CaseNoteFactory, GoalFactory
from tests.fixtures.users import login_with_mfa, new_member
from tests.organisations.helpers import case_url, kept

pytestmark = [pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL")]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def _cut_off_database() -> None:
    """The database server drops this connection (a restart, a failover, a killed backend)."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        other.close()


# --- the database going away while the kept page is checked ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_database_gone_while_drawing_is_the_outage_page(coaching_world, monkeypatch):
    """Control: the same outage during a drawing is answered 503 + Retry-After (config.views.server_error)."""
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    assert client.get(case_url(world.case)).status_code == 200
    kept_page.forget_pages()
    draw = case_views._case_page

    def cut_then_draw(*args, **kwargs):
        _cut_off_database()
        return draw(*args, **kwargs)

    monkeypatch.setattr(case_views, "_case_page", cut_then_draw)
    client.raise_request_exception = False
    answer = client.get(case_url(world.case))
    assert answer.status_code == 503 and answer["Retry-After"]


@pytest.mark.django_db(transaction=True)
def test_database_gone_while_checking_a_kept_page_is_the_outage_page_too(coaching_world, monkeypatch):
    """The check runs the page's statements on psycopg directly, inside Django's error wrapper: a
    lost database is Django's OperationalError there too, answered 503 like any drawing."""
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    for _ in range(2):  # a first visit, then the drawing kept
        assert client.get(case_url(world.case)).status_code == 200
    digest = kept_page._digest

    def cut_then_check(statements):
        _cut_off_database()
        return digest(statements)

    monkeypatch.setattr(kept_page, "_digest", cut_then_check)
    client.raise_request_exception = False
    answer = client.get(case_url(world.case))
    assert answer.status_code == 503, answer.status_code


# --- an erased person's page does not stay in memory ---------------------------


@pytest.mark.django_db
def test_an_erased_persons_kept_page_does_not_stay_in_memory(coaching_world):
    """A page is taken out of memory when it is checked and drawn again (here: refused with 404
    after the erasure), so an erased person's notes do not stay in the worker."""
    world = coaching_world
    CaseNoteFactory(case=world.case, author=world.case_manager, text="Psychotherapie wegen Trauma")
    client = login_with_mfa(Client(), world.case_manager)
    for _ in range(2):  # a first visit, then the drawing kept
        assert "Psychotherapie wegen Trauma" in client.get(case_url(world.case)).content.decode()
    assert any(b"Psychotherapie wegen Trauma" in page.content for page in kept_page._pages.values())
    candidate_services.candidate_erase(candidate=world.case.candidate, actor=world.case_manager)
    assert client.get(case_url(world.case)).status_code == 404  # not served: safe
    held = [key for key, page in kept_page._pages.items() if b"Psychotherapie wegen Trauma" in page.content]
    assert held == []


# --- the checks that keep a drawing from being kept ---------------------------------------


def _request(session: SessionStore, user) -> HttpRequest:
    request = RequestFactory().get("/app/somewhere/")
    request.user = user
    request.session = session
    request._messages = SessionStorage(request)
    return request


@pytest.mark.django_db
def test_a_drawing_that_writes_the_session_is_not_kept_when_the_session_was_already_changed(coaching_world):
    """The session is compared before and after the drawing, not only its ``modified`` flag: once a
    minute accounts.middleware.session_ended writes lotse_last_seen before the view (modified is
    True already), and a drawing's own session write must still keep its page from being kept."""
    user = coaching_world.case_manager
    session = SessionStore()
    session["lotse_login_at"] = 1.0
    session.save()
    ran = []

    def draw(keep):
        ran.append(1)
        keep.request.session["last_case"] = 7  # e.g. "recently viewed"
        return HttpResponse("<p>x</p>")

    for _ in range(3):  # a first visit, a drawing that may be kept, a kept page if it was
        request = _request(SessionStore(session.session_key), user)
        request.session["lotse_last_seen"] = time.time()  # what the middleware does once a minute
        kept_page.kept_page(request, name="review.session", draw=draw)
    assert len(ran) == 3


@pytest.mark.django_db
def test_a_message_flashed_by_the_drawing_is_not_served_again(coaching_world):
    """A message added during the drawing reaches the session only in MessageMiddleware, after
    kept_page decided: a page that showed it is not kept, so the one-time message is shown once."""
    user = coaching_world.case_manager
    session = SessionStore()
    session.save()
    ran = []

    def draw(keep):
        ran.append(1)
        if len(ran) == 2:  # a notice flashed once, by the drawing that would be kept
            messages.info(keep.request, "Bitte Einwilligung erneuern.")
        return HttpResponse("<p>" + "".join(str(m) for m in get_messages(keep.request)) + "</p>")

    bodies = []
    for _ in range(3):
        request = _request(SessionStore(session.session_key), user)
        bodies.append(kept_page.kept_page(request, name="review.message", draw=draw).content.decode())
    assert "Bitte Einwilligung erneuern." in bodies[1]
    assert "Bitte Einwilligung erneuern." not in bodies[2]


# --- the rest of what was tried ------------------------------------------------------------


@pytest.mark.django_db
def test_language_switch_draws_anew(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    client.get(case_url(world.case))
    client.get(case_url(world.case))
    english = case_url(world.case, "en")
    assert english != case_url(world.case)
    body = client.get(english).content.decode()
    assert len(draws) == 3 and '<html lang="en"' in body
    # and back: the German page is the German one
    assert '<html lang="de"' in client.get(case_url(world.case)).content.decode()


@pytest.mark.django_db
def test_a_colleagues_membership_ended_leaves_the_choices(coaching_world, draws):
    world = coaching_world
    colleague = new_member(Role.CASE_MANAGER, organisation=world.office, display_name="Kai Kollege")
    client = login_with_mfa(Client(), world.case_manager)
    assert "Kai Kollege" in kept(client, case_url(world.case))
    Membership.objects.filter(user=colleague).update(is_active=False)
    assert "Kai Kollege" not in client.get(case_url(world.case)).content.decode()
    Membership.objects.filter(user=colleague).update(is_active=True)
    assert "Kai Kollege" in client.get(case_url(world.case)).content.decode()
    Membership.objects.filter(user=colleague).update(role=Role.COORDINATOR)
    assert "Kai Kollege" not in client.get(case_url(world.case)).content.decode()
    assert len(draws) == 5  # the first visit, then a drawing for each change


@pytest.mark.django_db
def test_a_revoked_handover_consent_is_refused_at_once(coaching_world):
    world = coaching_world
    other = world.people["coach_other_org"]
    consent = candidate_services.consent_grant(
        candidate=world.case.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.case_manager,
        recipient_organisation=other.memberships.get().organisation,
    )
    client = login_with_mfa(Client(), other)
    kept(client, case_url(world.case))
    candidate_services.consent_revoke(consent=consent, actor=world.case_manager)
    assert client.get(case_url(world.case)).status_code == 404


@pytest.mark.django_db
def test_case_closed_or_reassigned_draws_anew(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    kept(client, case_url(world.case))
    Case.objects.filter(pk=world.case.pk).update(case_manager=world.coach)
    client.get(case_url(world.case))
    assert len(draws) == 3  # reassigned: drawn anew
    client.get(case_url(world.case))  # and kept again
    assert len(draws) == 3
    Case.objects.filter(pk=world.case.pk).update(phase="closed", closed_at=timezone.now())
    assert client.get(case_url(world.case)).status_code == 404  # closed: no longer the case staff's
    assert len(draws) == 3  # (refused by the case file's read, before the page is drawn)


@pytest.mark.django_db
def test_a_new_notification_shows_in_the_badge(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    assert 'data-testid="unread-count"' not in kept(client, case_url(world.case))
    Notification.objects.create(recipient=world.case_manager, kind="x")
    assert 'data-testid="unread-count"' in client.get(case_url(world.case)).content.decode()
    assert len(draws) == 3


@pytest.mark.django_db
def test_two_sessions_of_one_user_get_their_own_csrf_tokens(coaching_world, draws):
    world = coaching_world
    one = login_with_mfa(Client(enforce_csrf_checks=True), world.case_manager)
    two = login_with_mfa(Client(enforce_csrf_checks=True), world.case_manager)
    for client in (one, two) * 3:  # the third round is served kept, each session its own page
        body = client.get(case_url(world.case)).content.decode()
        secret = (
            _unmask_cipher_token(client.cookies["csrftoken"].value)
            if len(client.cookies["csrftoken"].value) == 64
            else client.cookies["csrftoken"].value
        )
        assert {_unmask_cipher_token(t) for t in CSRF.findall(body)} == {secret}
        assert {_unmask_cipher_token(t) for t in re.findall(r'"X-CSRFToken": "([A-Za-z0-9]{64})"', body)} == {
            secret
        }
    assert len(draws) == 4


@pytest.mark.django_db
def test_an_htmx_request_is_kept_apart_and_does_not_fail(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    views = AuditEntry.objects.filter(actor_id=world.case_manager.pk, action=AuditEntry.Action.VIEW)
    plain = client.get(case_url(world.case))
    hx = [
        client.get(case_url(world.case), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="/x/") for _ in range(3)
    ]
    assert all(answer.status_code == 200 for answer in (plain, *hx))
    assert len(draws) == 3 and views.count() == 4  # the plain page; the htmx one first, then kept


@pytest.mark.django_db
def test_the_coordinators_and_a_closed_cases_drawing_read_no_cache(coaching_world, monkeypatch):
    from django.core.cache import caches

    world = coaching_world
    GoalFactory(case=world.case, title="Ziel")
    read = []
    draw = case_views._case_page

    def drawing(*args, **kwargs):
        with pytest.MonkeyPatch.context() as patch:
            for alias in caches.settings:
                for method in ("get", "get_many", "has_key", "get_or_set", "incr", "set", "add"):
                    patch.setattr(caches[alias], method, lambda *a, _m=method, **k: read.append(_m))
            return draw(*args, **kwargs)

    monkeypatch.setattr(case_views, "_case_page", drawing)
    assert login_with_mfa(Client(), world.coordinator).get(case_url(world.case)).status_code == 200
    candidate_services.case_close(case=world.case, actor=world.case_manager, reason="employment")
    assert login_with_mfa(Client(), world.coordinator).get(case_url(world.case)).status_code == 200
    assert read == []
