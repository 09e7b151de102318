"""The Content-Security-Policy in Chromium: every role's pages, HTMX, Chart.js and the admins work
under it with no violation (Chromium reports each one on the console as "… Content Security Policy …"),
and no page asks another server for anything (no Gravatar in the Wagtail admin, no web fonts or
scripts from a CDN): every request the browser makes goes to the live server.

Each role's pages are found by following the links from its start page, as a person would.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role
from tests.fixtures.users import login_with_mfa
from tests.security import test_headers_and_state as hostile

# The same small world as the hostile tests: a candidate, an employer, an introduction, a hire.
world = hostile.world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_SKIP = re.compile(r"/(export|logout|erase|figures)/?|/api/schema/?|\.(csv|json|pdf|xlsx)$|/end/$|/i18n/")


@pytest.fixture
def violations(page):
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: found.append(f"{page.url}: script error {e}"))
    return found


@pytest.fixture
def outside(page, live_server):
    """Requests the browser makes to any host but the live server (data: and blob: stay local)."""
    here = urlsplit(live_server.url).netloc
    found: list[str] = []

    def record(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != here:
            found.append(f"{page.url} -> {request.url}")

    page.on("request", record)
    return found


def _sign_in(page, live_server, user) -> None:
    client = login_with_mfa(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


def _walk(
    page,
    live_server,
    start: list[str],
    *,
    prefixes: tuple[str, ...],
    limit: int,
    avoid: tuple[str, ...] = (),
    each=None,
) -> list[str]:
    seen: list[str] = []
    queue = deque(start)
    while queue and len(seen) < limit:
        path = urldefrag(queue.popleft()).url
        where = urlsplit(path).path
        if path in seen or not where.startswith(prefixes) or where.startswith(avoid) or _SKIP.search(path):
            continue
        seen.append(path)
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if response is None or response.status != 200:
            continue
        if each is not None:
            each(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if href and href.startswith("/"):
                queue.append(href)
    return seen


@pytest.mark.parametrize(
    "role",
    ["candidate", "case_manager", "employer", "job_coach", "volunteer", "chamber_editor", "coordinator"],
)
def test_every_page_a_role_reaches_loads_without_a_violation(
    role,
    live_server,
    page,
    home_page,
    world,
    violations,
    outside,
    axe,
):
    """… and without a serious or critical accessibility violation (axe-core) on any of them."""
    _sign_in(page, live_server, world.people[role])
    barriers: list[str] = []

    def check_accessibility(path: str) -> None:
        if path.startswith("/api/"):
            return  # Swagger UI as shipped (nested buttons, its own colours): a developer's tool, not Lotse's page
        barriers.extend(f"{path}: {v['id']} ({v['impact']}) {v['help']}" for v in axe())

    seen = _walk(
        page,
        live_server,
        ["/app/", "/"],
        prefixes=("/",),
        limit=30,
        avoid=("/cms-admin/", "/django-admin/", "/documents/"),
        each=check_accessibility,
    )
    assert len(seen) >= 3
    assert violations == [], "\n".join(violations)
    assert outside == [], "\n".join(outside)
    assert barriers == [], "\n".join(barriers)


def test_htmx_search_and_swap_work_under_the_policy(live_server, page, home_page, world, violations):
    _sign_in(page, live_server, world.employer)
    page.goto(live_server.url + "/app/employers/candidates/")
    page.get_by_role("combobox", name="Beruf (ESCO)").fill("Koch")
    page.locator("#occupation-search-listbox").get_by_text("Koch/Köchin").first.wait_for()
    page.get_by_role("combobox", name="Kompetenzen", exact=True).fill("Messer")
    page.locator("#skill-search-listbox").get_by_text("Messer handhaben").first.wait_for()
    assert violations == [], "\n".join(violations)


def test_charts_and_the_print_button_work_under_the_policy(
    live_server,
    page,
    home_page,
    world,
    make_member,
    violations,
):
    coordinator = make_member(Role.COORDINATOR, organisation=world.coach.memberships.first().organisation)
    _sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/app/monitoring/")
    page.wait_for_load_state("networkidle")
    # Chart.js drew: its canvases have a size.
    canvases = page.locator("canvas")
    if canvases.count():
        assert canvases.first.bounding_box()["width"] > 0
    page.add_init_script("window.print = () => { document.title = 'printed'; };")
    page.goto(live_server.url + "/app/monitoring/report/")
    page.get_by_role("button", name="Drucken").click()
    assert page.title() == "printed"
    assert violations == [], "\n".join(violations)


def test_the_admins_load_under_their_policy(live_server, page, home_page, make_member, violations, outside):
    admin = make_member(Role.CHAMBER_EDITOR, is_superuser=True, is_staff=True)
    _sign_in(page, live_server, admin)
    seen = _walk(
        page,
        live_server,
        ["/cms-admin/", f"/cms-admin/pages/{home_page.pk}/edit/", "/django-admin/"],
        prefixes=("/cms-admin/", "/django-admin/"),
        limit=40,
    )
    assert len(seen) >= 10
    assert violations == [], "\n".join(violations)
    assert outside == [], "\n".join(outside)


def test_the_wagtail_dashboard_shows_no_gravatar(live_server, page, home_page, make_member, outside):
    """An editor's avatar would be fetched from gravatar.com with a hash of the e-mail address."""
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    admin = make_member(Role.CHAMBER_EDITOR, is_superuser=True, is_staff=True)
    _sign_in(page, live_server, admin)
    page.goto(live_server.url + "/cms-admin/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".w-dashboard, main").first.is_visible()
    avatars = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
    assert avatars and all(src.startswith(live_server.url) or src.startswith("data:") for src in avatars), (
        avatars
    )
    page.goto(live_server.url + "/cms-admin/account/")
    page.wait_for_load_state("networkidle")
    assert outside == [], "\n".join(outside)
