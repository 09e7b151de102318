"""Hypothesis over every form and filter: hostile input never gives a response ≥ 500.

The walk: each role of the demo world (seed_demo, real ESCO) signs in (second factor passed) and
its pages are crawled from its start pages, following links; every <form> found (GET filters and
POST forms, with their field names, options and hidden values) and every page's query string
becomes a target. Hypothesis then picks a target and fills it with hostile values — text with NUL
bytes and lone surrogates (sent as raw UTF-8 bytes, as a browser or a script could), huge numbers,
extreme dates, very long strings, SQL and HTML metacharacters — or with the form's own options.

Asserted for every example: no response ≥ 500 (the test client re-raises a view's exception), and
a refused POST (anything but a redirect or a 201 Created, the answer that shows what was made, such
as an API token shown once) wrote nothing (the row changes PostgreSQL counts for this
transaction, before and after). Each example runs in a savepoint that is rolled back, so the world
stays as seeded. The number of examples comes from ``LOTSE_FUZZ_EXAMPLES`` (300 by default, CI:
10,000).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from demo.accounts import DEMO_LOGINS
from tests.fixtures.users import login_with_mfa

EXAMPLES = int(os.environ.get("LOTSE_FUZZ_EXAMPLES", "300"))
HOST = "127.0.0.1:8000"
ROLES = ["anonymous", *DEMO_LOGINS]
MAX_PAGES_PER_ROLE = 70
MAX_URLS_PER_ROUTE = 2
START = {
    "anonymous": [
        "/",
        "/suche/?q=Ausbildung",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
}
# Not walked: the third-party admin sites (Django's, Wagtail's) and what ends the session.
# The other languages serve the same views under /en/, /ar/, ... : walked once, in German.
SKIP_PREFIXES = (
    "/cms-admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/accounts/logout/",
    "/en/",
    "/ar/",
    "/uk/",
    "/fa/",
)
# Writes that a GET or a refused POST may make: the audit log records who viewed what; sessions.
IGNORED_TABLES = {"privacy_auditentry", "django_session"}


# --- the walk ------------------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → the values the page offers


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self.links, self._open, self._select = page, [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._open = Form((a.get("method") or "get").lower(), a.get("action") or self.page)
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea", "button") and a.get("name"):
            name = a["name"]
            if name == "csrfmiddlewaretoken":
                return
            values = self._open.fields.setdefault(name, [])
            if a.get("value") is not None:
                values.append(a["value"])
            if tag == "select":
                self._select = values
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self._select.append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "select":
            self._select = None


@dataclass(frozen=True)
class Target:
    role: str
    method: str
    path: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]


def _local(url: str, base: str) -> str | None:
    parts = urlsplit(urljoin(base, url))
    if parts.netloc not in ("", HOST) or parts.scheme not in ("", "http"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    return path


def _route(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.route + ":" + (match.url_name or "")


def _crawl(role: str, client: Client) -> list[Target]:
    """The role's pages and forms, each route a few times at most (its concrete ids taken from links)."""
    queue = list(START.get(role, ["/app/"]))
    seen, per_route, targets = set(), {}, []
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        route = _route(path)
        if path in seen or route is None or per_route.get(route, 0) >= MAX_URLS_PER_ROUTE:
            continue
        seen.add(path)
        per_route[route] = per_route.get(route, 0) + 1
        with transaction.atomic():
            response = client.get(path, HTTP_HOST=HOST)
            transaction.set_rollback(True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms(path)
        parser.feed(response.content.decode())
        base = urlsplit(path).path
        if not route.endswith(":wagtail_serve"):  # the site's pages read no parameters but their forms'
            targets.append(Target(role, "get", base, tuple((k, ()) for k in ("q", "page", "sort"))))
        for form in parser.forms:
            action = _local(form.action, path)
            if action is not None and _route(action) is not None:
                fields = tuple((k, tuple(dict.fromkeys(v))) for k, v in form.fields.items())
                targets.append(Target(role, form.method if form.method == "post" else "get", action, fields))
        for link in parser.links:
            local = _local(link, path)
            if local is not None and local not in seen:
                queue.append(local)
    return targets


@dataclass
class World:
    clients: dict[str, Client]
    cookies: dict[str, dict[str, str]]
    targets: list[Target]

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"World({len(self.targets)} targets)"


@pytest.fixture
def world(esco) -> World:
    """The demo world, its roles signed in and their forms found: built once for all examples."""
    from django.contrib.auth import get_user_model

    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    seeded = time.perf_counter()
    users = get_user_model().objects.in_bulk(list(DEMO_LOGINS.values()), field_name="email")
    clients = {"anonymous": Client()}
    for role, email in DEMO_LOGINS.items():
        clients[role] = login_with_mfa(Client(), users[email], mfa=role != "candidate")
    targets = []
    for role, client in clients.items():
        targets += _crawl(role, client)
    # One target per role, method, address and set of field names (the language switch on every
    # page is one form, not fifty), with the values every copy offered.
    merged: dict[tuple, dict[str, list[str]]] = {}
    for t in targets:
        fields = merged.setdefault((t.role, t.method, t.path, tuple(sorted(k for k, _v in t.fields))), {})
        for name, offered in t.fields:
            fields.setdefault(name, []).extend(v for v in offered if v not in fields.get(name, ()))
    unique = [
        Target(role, method, path, tuple((k, tuple(v[:20])) for k, v in fields.items()))
        for (role, method, path, _names), fields in sorted(merged.items())
    ]
    per_role = {r: sum(t.role == r for t in unique) for r in clients}
    _stats["set-up"] = (
        f"{per_role}; seed {seeded - started:.0f} s, walk {time.perf_counter() - seeded:.0f} s, {len(unique)} targets"
    )
    cookies = {role: {k: m.value for k, m in client.cookies.items()} for role, client in clients.items()}
    return World(clients, cookies, unique)


# --- hostile values -------------------------------------------------------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.one_of(st.characters(), SURROGATES, st.just("\x00")), max_size=20),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "\ufeff", "\r\n", " ", ""]),
    st.sampled_from(
        [
            "' OR 1=1 --",
            "'; DROP TABLE candidates_candidate; --",
            "%",
            "_",
            "\\",
            '"',
            "%00",
            "%%",
            "{{ 7*7 }}",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "../../etc/passwd",
            '=HYPERLINK("http://x")',
            "http://esco.test/x\x00",
            "ـــ",
            "🙂" * 30,
        ]
    ),
)
HUGE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            "9223372036854775808",
            "-9223372036854775809",
            "2147483648",
            "1e308",
            "1e-400",
            "NaN",
            "Infinity",
            "-Infinity",
            "-0",
            "0x10",
            "1_000",
            "١٢٣",
            "12,5",
            "9" * 400,
        ]
    ),
)
EXTREME_DATES = st.one_of(
    st.sampled_from(
        [
            "0001-01-01",
            "0001-01-01T00:00",
            "9999-12-31",
            "9999-12-31T23:59",
            "0000-00-00",
            "10000-01-01",
            "1899-12-31",
            "2026-02-30",
            "31.12.9999",
            "01.01.0001",
            "1970-01-01T00:00",
            "2200-01-01",
            "-0001-01-01",
            "2026-13-01",
            "2026-01-01T25:61",
            "00:00",
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
)
LONG_STRINGS = st.sampled_from([256, 1001, 2001, 5001, 70_000]).flatmap(
    lambda n: st.sampled_from(["x" * n, "ä" * n, "<" * n, "1" * n])
)
HOSTILE = st.one_of(HOSTILE_TEXT, HUGE_NUMBERS, EXTREME_DATES, LONG_STRINGS)


@st.composite
def submissions(draw, targets: list[Target]):
    target = draw(st.sampled_from(targets))
    data: list[tuple[str, str]] = []
    for name, offered in target.fields:
        how = draw(st.sampled_from(["offered", "hostile", "hostile", "absent", "several"]))
        if how == "absent":
            continue
        if how == "offered" and offered:
            data.append((name, draw(st.sampled_from(offered))))
        elif how == "several":
            data += [(name, draw(HOSTILE)) for _ in range(draw(st.integers(2, 4)))]
        else:
            data.append((name, draw(HOSTILE)))
    if draw(st.booleans()):  # a name the form does not know, maybe itself hostile
        data.append(
            (draw(st.sampled_from(["q", "page", "size", "sort", "x", "\x00", "a" * 300])), draw(HOSTILE))
        )
    return target, data


def _encode(data: list[tuple[str, str]]) -> str:
    """application/x-www-form-urlencoded, surrogates passed through as the raw bytes a script could send."""

    def one(text: str) -> str:
        return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{one(k)}={one(v)}" for k, v in data)


def _writes() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far in this transaction, per table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {name: tuple(counts) for name, *counts in cursor.fetchall() if name not in IGNORED_TABLES}


# --- the fuzz -------------------------------------------------------------------------------------

_stats = {"examples": 0, "statuses": {}, "slow": {}}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts writes with PostgreSQL's statistics")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_hostile_input_never_gives_a_server_error(world, data):
    if "db_cpu_start" not in _stats:
        _stats["db_cpu_start"] = _database_cpu_seconds()
    target, fields = data.draw(submissions(world.targets), label="submission")
    client = world.clients[target.role]
    client.cookies = SimpleCookie(world.cookies[target.role])  # a logout or language switch stays undone
    body = _encode(fields)
    clock = time.perf_counter()
    with transaction.atomic():
        before = _writes() if target.method == "post" else None
        if target.method == "post":
            response = client.post(
                target.path, body, content_type="application/x-www-form-urlencoded", HTTP_HOST=HOST
            )
        else:
            separator = "&" if "?" in target.path else "?"
            response = client.get(target.path + (separator + body if body else ""), HTTP_HOST=HOST)
        after = _writes() if target.method == "post" else None
        transaction.set_rollback(True)
    route = _route(target.path)
    _stats["slow"][route] = _stats["slow"].get(route, 0.0) + time.perf_counter() - clock
    _stats["examples"] += 1
    if _stats["examples"] % 100 == 0 or _stats["examples"] == EXAMPLES:
        _stats["db_cpu"] = _database_cpu_seconds() - _stats["db_cpu_start"]
    _stats["statuses"][response.status_code] = _stats["statuses"].get(response.status_code, 0) + 1
    assert response.status_code < 500, (target, fields)
    if target.method == "post" and response.status_code not in (201, 301, 302, 303):
        assert after == before, (target.path, response.status_code, after, before)


def _database_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend (the server runs on this machine in CI)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            stat = Path(f"/proc/{cursor.fetchone()[0]}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


@pytest.fixture(autouse=True, scope="module")
def _report():
    # Every refused request would log a warning (and the seeding a line per page): only errors show.
    logging.disable(logging.WARNING)
    started, cpu = time.perf_counter(), time.process_time()
    yield
    logging.disable(logging.NOTSET)
    slow = sorted(_stats["slow"].items(), key=lambda kv: -kv[1])[:12]
    print("\nslowest routes (s in all): " + ", ".join(f"{r} {t:.1f}" for r, t in slow))
    print(
        f"CPU of this process: {time.process_time() - cpu:.0f} s; of its database connection "
        f"(examples only): {_stats.get('db_cpu', float('nan')):.0f} s"
    )
    seconds = time.perf_counter() - started
    print(
        f"\nfuzz: {_stats['examples']} examples in {seconds:.0f} s ({_stats.get('set-up')}), "
        f"statuses {sorted(_stats['statuses'].items())}"
    )
