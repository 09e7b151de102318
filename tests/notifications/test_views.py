"""The inbox: every signed-in role has one; reading is marked by POST only; someone else's notice
is 404; the unread badge costs one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from notifications import services
from notifications.models import Notification

KIND = "coaching.request_answered"


def _notice(user, **kwargs) -> Notification:
    return services.notify(recipients=[user], kind=KIND, link="accounts:home", email=False, **kwargs)[0]


@pytest.fixture
def member(make_member):
    def make(role=Role.CASE_MANAGER):
        return make_member(role)

    return make


# --- access matrix: every role, own and someone else's notice ------------------------------------------


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_has_an_inbox_and_only_their_own_notices(role, member, signed_in):
    me, other = member(role), member(Role.CASE_MANAGER)
    mine, theirs = _notice(me), _notice(other)
    client = signed_in(me, mfa=role != Role.CANDIDATE)

    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert [n.pk for n in page.context["page"]] == [mine.pk]

    for name in ("open", "read"):
        assert client.post(reverse(f"notifications:{name}", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    opened = client.post(reverse("notifications:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("accounts:home")
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_anonymous_is_sent_to_the_login(client, member):
    notice = _notice(member())
    for url, method in (
        (reverse("notifications:inbox"), "get"),
        (reverse("notifications:open", args=[notice.pk]), "post"),
        (reverse("notifications:read", args=[notice.pk]), "post"),
        (reverse("notifications:read_all"), "post"),
        (reverse("notifications:email_preference"), "post"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_old_addresses_lead_to_the_inbox(member, signed_in):
    client = signed_in(member(Role.EMPLOYER))
    response = client.get(reverse("employers:notifications"))
    assert response.status_code == 301 and response["Location"] == reverse("notifications:inbox")


# --- GETs change nothing ---------------------------------------------------------------------------------


def test_reading_is_marked_by_post_only(member, signed_in):
    me = member()
    notices = [_notice(me) for _ in range(3)]
    client = signed_in(me)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    for url in (
        reverse("notifications:open", args=[notices[0].pk]),
        reverse("notifications:read", args=[notices[0].pk]),
        reverse("notifications:read_all"),
        reverse("notifications:email_preference"),
    ):
        assert client.get(url).status_code == 405, url
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 3

    assert client.post(reverse("notifications:read", args=[notices[0].pk])).status_code == 302
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 2
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    "given, lands_on",
    [
        ("/app/notifications/?page=2", "/app/notifications/?page=2"),
        ("222-11-01T07:00", None),  # once taken for a URL name: 500
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("", None),
    ],
)
def test_marking_one_read_goes_back_only_to_a_page_of_this_site(given, lands_on, member, signed_in):
    me = member()
    notice = _notice(me)
    response = signed_in(me).post(reverse("notifications:read", args=[notice.pk]), {"next": given})
    assert response.status_code == 302
    assert response["Location"] == (lands_on or reverse("notifications:inbox"))
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_inbox_is_newest_first_paginated_and_marks_unread(member, signed_in):
    me = member()
    for _ in range(30):
        _notice(me)
    newest = Notification.objects.filter(recipient=me).order_by("-pk").first()
    services.notification_mark_read(user=me, pk=newest.pk)
    client = signed_in(me)
    first = client.get(reverse("notifications:inbox"))
    items = list(first.context["page"])
    assert len(items) == 25 and items[0].pk == newest.pk
    html = first.content.decode()
    assert html.count('data-unread="true"') == 24 and html.count('data-unread="false"') == 1
    second = client.get(reverse("notifications:inbox"), {"page": 2})
    assert len(list(second.context["page"])) == 5


def test_the_email_choice_is_saved_and_bad_input_is_a_form_error(member, signed_in):
    me = member()
    client = signed_in(me)
    assert (
        client.post(reverse("notifications:email_preference"), {"notification_email": "digest"}).status_code
        == 302
    )
    me.refresh_from_db()
    assert me.notification_email == "digest"
    bad = client.post(reverse("notifications:email_preference"), {"notification_email": "hourly"})
    assert bad.status_code == 400 and bad.context["form"].errors
    me.refresh_from_db()
    assert me.notification_email == "digest"


# --- the unread badge ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.EMPLOYER, Role.JOB_COACH, Role.COORDINATOR])
def test_the_unread_badge_is_in_the_navigation_for_one_query(role, member, signed_in):
    me = member(role)
    for _ in range(3):
        _notice(me)
    services.notification_mark_read(user=me, pk=_notice(me).pk)
    client = signed_in(me, mfa=role != Role.CANDIDATE)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:home"), follow=True)
    html = page.content.decode()
    assert 'data-testid="unread-count">3<' in html
    counting = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counting) == len(page.redirect_chain) + 1 <= 2


def test_no_badge_without_unread_notices(member, signed_in):
    client = signed_in(member())
    html = client.get(reverse("accounts:home")).content.decode()
    assert 'data-testid="inbox-link"' in html
    assert 'data-testid="unread-count"' not in html


def test_every_url_of_the_inbox_is_covered_here():
    from django.urls import get_resolver

    names = {p.name for p in get_resolver("notifications.urls").url_patterns}
    assert names == {"inbox", "read_all", "email_preference", "open", "read"}
