"""A signed-in page served again from its last drawing while nothing it read has changed (issue 18).

A case manager goes from the case page to the profile, the coaching page or the assessment and back;
each return draws the same case page anew: the ORM builds a dozen reads into model instances and the
template engine renders them, some 6 ms of CPU for a page PostgreSQL answers in one. ``kept_page``
keeps a page asked for again (from its second drawing on: a first visit pays nothing for it, and a
page nobody returns to never sits in memory) per process, with the statements its reads ran and a
digest of the rows they returned. The next request by the same user for the same address runs them
again (one round trip, no ORM, no template) and serves the kept page only if every row is the same:
a changed, added or removed row (a note, a revoked consent, a lost membership, another
organisation's decision) is a different digest, and the page is drawn anew.

What the digest cannot see is part of the key instead: the address with its query, the language,
the day, the user's own row and memberships (which the middleware read before the view), the
session (bar the time it was last seen) and the htmx headers. A page is kept only if its drawing
read nothing but such statements:
- every statement it ran was a plain SELECT on a client-side cursor, with no moment (a datetime) in
  its parameters, which would be frozen at its first value; no write, no lock, no session change,
  no cookie, no flashed message;
- checking it is cheap: at most MAX_ROWS rows in all, no statement with thousands of parameters,
  and nothing built from many rows for the process's own memory (a drawing that built the ESCO or
  a candidate index says so with ``not_kept``; the next drawing, which finds it built, is kept);
- what must happen on every request (the audit entry of a read of personal data) is registered with
  ``Keep.every_time``: it runs now and again on each serve of the kept page, and its statements are
  not part of the page. Such an act records the read and nothing else: a serve whose transaction
  wrote nothing before it commits without waiting for the disk (``_commit_without_flush``);
- it reads no cache, bar a fragment kept under a key made of the very rows it draws (the coach's
  home page), unless what it read is watched: a cached value could change while every row stays
  the same. ``Keep.watch`` names such an input (the token of the dashboard's cached computation,
  the version of the ESCO taxonomy the matches were ranked with) with the value the page was drawn
  from; the page is served only while it reads the same. Each page's tests check its drawing for
  that.
The request's own tokens are put in on each serve: the CSRF token, the CSP nonce and a fresh
one-time key for each create form (two tabs must never share one, or the second form's post would
count as a repeat of the first). A kept page is dropped after ``MAX_AGE`` seconds all the same.

PostgreSQL only (the check needs psycopg's pipeline); elsewhere the page is always drawn.

Kept: the case page, the coach's home page, the monitoring dashboard (watching its computation's
token), a placement's matches (watching the taxonomy's version; the candidate index's changes are
rows of its change log, which the drawing reads) and the employer's browse list; the last two
watch the time of the cards they drew from the worker's memory, when they did.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as time_of_day
from typing import Any

import psycopg
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.translation import get_language

from .kept import membership_key

# Pages kept per process, the least recently served dropped first: at most KEPT pages and BUDGET
# bytes of them (UTF-8, with their statements), each page at most MAX_BYTES (the case page is
# about 11 KB, the home page 18 KB, the dashboard 110 KB).
KEPT = 256
MAX_BYTES = 256 * 1024
BUDGET = 24 * 1024 * 1024
# Addresses remembered as asked for (32 bytes each).
ASKED = 4096
# Seconds a kept page may be served, however unchanged its rows: what a page shows beyond its rows
# and key (a time of day) is at most this old.
MAX_AGE = 300.0
# How often a worker drops its pages past MAX_AGE, served or not (an idle worker too).
SWEEP_SECONDS = 30.0
# A drawing is kept only if checking it is cheap: at most MAX_ROWS rows read in all, and no
# statement with more than MAX_PARAMETER parameters or one longer than that (thousands of ids): a
# drawing that probed every listed person is not kept; the next one, which finds the answer in the
# process's memory, is.
MAX_ROWS = 1000
MAX_PARAMETER = 4096
# Session entries that change without changing any page (accounts.middleware notes the activity).
SESSION_VOLATILE = frozenset({"lotse_last_seen"})

# Marks for the request's tokens in a kept page: NUL never occurs in a page drawn from PostgreSQL
# text (which cannot hold it) or from the templates.
_CSRF = "\x00csrf\x00"
_NONCE = "\x00nonce\x00"
_KEY = "\x00key{}\x00"
_KEY_MARK = re.compile("\x00key(\\d+)\x00")
_KEY_MARK_BYTES = re.compile(b"\x00key(\\d+)\x00")
# A CSRF token as the templates write it (a form field's value, htmx's header): quoted.
_CSRF_TOKEN = re.compile(r"""(["'])([A-Za-z0-9]{64})(["'])""")
_SUBMISSION_KEY = re.compile(r'(name="submission_key" value=")([0-9a-f-]{36})(")')
_SAVEPOINTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")
# Django's row locks (select_for_update): FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE, FOR KEY SHARE.
_LOCKS = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE")
_MOMENTS = (datetime, time_of_day)


@dataclass
class _Page:
    statements: list[tuple[str, Any]]
    digest: bytes
    content: bytes  # UTF-8, with the marks for the request's tokens
    keys: int  # one-time keys in it
    status: int
    headers: list[tuple[str, str]]
    every_time: list[tuple[Callable[..., Any], dict[str, Any]]]
    watched: list[tuple[Callable[[], Any], Any]]
    at: float

    @functools.cached_property
    def size(self) -> int:
        """Bytes it holds, near enough: its content and its statements with their parameters."""
        return len(self.content) + sum(len(sql) + len(repr(params)) for sql, params in self.statements)


_pages: OrderedDict[bytes, _Page] = OrderedDict()
# The keys asked for before (their digests): a page is kept from its second drawing on, so a first
# visit pays nothing for keeping and a page nobody returns to never sits in memory.
_asked: OrderedDict[bytes, None] = OrderedDict()
_lock = threading.Lock()
_sweeper_pid: int | None = None
_bytes = 0  # the kept pages' sizes (_Page.size: content and statements), under _lock
_drawing = threading.local()  # the capture of the drawing this thread runs, if any


def forget_pages(**_kwargs: Any) -> None:
    """Drop every kept page of this process (tests; a changed setting)."""
    global _bytes
    with _lock:
        _pages.clear()
        _asked.clear()
        _bytes = 0


setting_changed.connect(forget_pages, dispatch_uid="organisations-kept-pages")


def _put(key: bytes, page: _Page) -> None:
    """Keep ``page`` as the most recently served (under ``_lock``)."""
    global _bytes
    _take(key)  # (a page another thread drew for the same key meanwhile)
    _pages[key] = page
    _bytes += page.size
    while len(_pages) > KEPT or _bytes > BUDGET:
        _bytes -= _pages.popitem(last=False)[1].size


def _take(key: bytes) -> _Page | None:
    """Take the page out of the store (under ``_lock``)."""
    global _bytes
    page = _pages.pop(key, None)
    if page is not None:
        _bytes -= page.size
    return page


def _sweep(now: float) -> None:
    """Drop the pages past their time (under ``_lock``)."""
    for old in [key for key, page in _pages.items() if now - page.at >= MAX_AGE]:
        _take(old)


def _sweep_while_running() -> None:
    while True:
        time.sleep(SWEEP_SECONDS)
        with _lock:
            _sweep(time.monotonic())


def _ensure_sweeper() -> None:
    """One sweeping thread per worker process (a thread does not survive gunicorn's fork): a page
    leaves memory at most SWEEP_SECONDS after its time, though no request comes to that worker."""
    global _sweeper_pid
    if _sweeper_pid != os.getpid():
        _sweeper_pid = os.getpid()
        threading.Thread(target=_sweep_while_running, name="kept-pages-sweeper", daemon=True).start()


class Keep:
    """Handed to a page's drawing: what must happen on every request, also when the page is kept."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.registered: list[tuple[Callable[..., Any], dict[str, Any]]] = []
        self.watched: list[tuple[Callable[[], Any], Any]] = []
        self.inside = False

    def every_time(self, act: Callable[..., Any], /, **kwargs: Any) -> None:
        """Run ``act(actor=<the request's user>, **kwargs)`` now and on each serve of the kept page.
        ``kwargs`` are kept with the page: the rows they name are ones the page read."""
        self.inside = True
        try:
            act(actor=self.request.user, **kwargs)
        finally:
            self.inside = False
        self.registered.append((act, kwargs))

    def watch(self, read: Callable[[], Any], seen: Any) -> None:
        """Serve the kept page only while ``read()`` equals ``seen``, the value the page was drawn
        from: an input its rows do not show (a cached computation's token, a version). ``read`` is
        kept with the page; it should be one cheap look (it runs before every serve)."""
        self.watched.append((read, seen))


class _Capture:
    """Records every SELECT a drawing runs with a digest of its rows; notes why a page cannot be kept."""

    def __init__(self, keep: Keep) -> None:
        self.keep = keep
        self.statements: list[tuple[str, Any]] = []
        self.digest = hashlib.blake2b(digest_size=32)
        self.rows = 0
        self.refused = ""

    def __call__(self, execute, sql, params, many, context):
        if self.keep.inside or sql.startswith(_SAVEPOINTS):
            return execute(sql, params, many, context)
        cursor = getattr(context["cursor"], "cursor", context["cursor"])  # (psycopg's own in a check)
        refused = _refusal(sql, params, many, cursor)
        result = execute(sql, params, many, context)
        if refused or self.refused:
            self.refused = self.refused or refused
            return result
        rows = cursor.fetchall()
        if rows:
            cursor.scroll(0, mode="absolute")  # the ORM reads the same rows from the start
        self.rows += len(rows)
        if self.rows > MAX_ROWS:
            self.refused = "too many rows to check"
            return result
        text = repr(rows)
        if "<memory at" in text:  # a bytea column's repr differs every time
            self.refused = "binary column"
            return result
        self.statements.append((sql, params))
        self.digest.update(text.encode())
        return result


def not_kept(reason: str) -> None:
    """Keep the page being drawn in this thread (if any) from being kept: it did more than read
    rows, e.g. built a structure of the process's own (the ESCO or a candidate index) from many."""
    capture = getattr(_drawing, "capture", None)
    if capture is not None and not capture.refused:
        capture.refused = reason


def _refusal(sql: str, params: Any, many: bool, cursor: Any) -> str:
    """Why a statement keeps its page from being kept ("" if it does not)."""
    if many:
        return "executemany"
    if not sql.startswith("SELECT ") or any(lock in sql for lock in _LOCKS):
        return "a write or a lock"
    if getattr(cursor, "name", None):  # a server-side cursor cannot be read twice
        return "server-side cursor"
    values = params.values() if isinstance(params, dict) else params  # (named parameters of raw SQL)
    if values and any(isinstance(p, _MOMENTS) for p in values):
        return "a moment in a statement"
    if values and (
        len(values) > MAX_PARAMETER
        or any(len(p) > MAX_PARAMETER for p in values if isinstance(p, str | bytes | list | tuple))
    ):
        return "a long parameter"
    return ""


def _digest(statements: list[tuple[str, Any]]) -> bytes:
    """The digest of the rows the statements return now: one round trip (psycopg's pipeline)."""
    connection = connections["default"]
    connection.ensure_connection()
    raw = connection.connection
    cursors = []
    with raw.pipeline() if psycopg.Pipeline.is_supported() else contextlib.nullcontext():
        for sql, params in statements:
            cursor = raw.cursor()
            _execute(connection, cursor, sql, params)
            cursors.append(cursor)
    digest = hashlib.blake2b(digest_size=32)
    for cursor in cursors:
        digest.update(repr(cursor.fetchall()).encode())
        cursor.close()
    return digest.digest()


def _execute(connection: Any, cursor: Any, sql: str, params: Any) -> None:
    """``cursor.execute`` as a statement of Django's own cursors: through the connection's execute
    wrappers (the metrics count a kept serve's queries) and into its queries log when one is kept
    (CaptureQueriesContext, DEBUG)."""

    def execute(sql: str, params: Any, many: bool, context: dict[str, Any]) -> None:
        cursor.execute(sql, params)

    for wrapper in reversed(connection.execute_wrappers):
        execute = functools.partial(wrapper, execute)
    execute(sql, params, False, {"connection": connection, "cursor": cursor})
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": "0.000", "kept_page_check": True})


def _unchanged(page: _Page) -> bool:
    """Whether every row the page was drawn from is still the same, read with Django's database
    errors: a lost database is the outage page (503), as on any drawing. (The page was taken out of
    the store before: a statement that no longer runs, after a migration under a running worker,
    fails this request alone, and the next draws the page anew.) Then whether every watched input
    reads as it did; one that cannot be read now (the cache down) draws the page, which decides
    how it degrades."""
    with connections["default"].wrap_database_errors:
        if _digest(page.statements) != page.digest:
            return False
    try:
        return all(read() == seen for read, seen in page.watched)
    except Exception:  # noqa: BLE001 (any failure to read it: not the same)
        return False


# Only while the transaction has written nothing yet: then what it commits is the serve's audit
# entries alone. (A write before, or a transaction that is not there, leaves the setting as it is.)
_NO_FLUSH = (
    "SELECT set_config('synchronous_commit', 'off', true) WHERE pg_current_xact_id_if_assigned() IS NULL"
)


def _commit_without_flush(connection: Any) -> None:
    """Let the request's transaction commit a kept serve's audit entries without waiting for the
    WAL to reach the disk (``SET LOCAL synchronous_commit = off``). Waiting for that flush was most
    of what a kept case page cost under load (bench/README.md, 4 December 2026, twelfth session).
    What it risks: a crash of the database server itself (not of Lotse) within some 0.6 s of such a
    commit loses these view entries as if the transaction had been rolled back; the database stays
    consistent, and every other write (the data, consents, changes and their entries) still waits
    for the disk (docs/operations.md)."""
    if not connection.in_atomic_block:  # (each statement commits on its own, as always)
        return
    with connection.cursor() as cursor:
        cursor.execute(_NO_FLUSH)


def _session(request: HttpRequest) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in request.session.items() if k not in SESSION_VOLATILE))


def _key(request: HttpRequest, name: str, session: tuple) -> tuple:
    user = request.user
    own = tuple(
        getattr(user, f.attname)
        for f in user._meta.concrete_fields
        if f.attname not in ("password", "last_login")
    )
    htmx = tuple(sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_")))
    return (
        name,
        request.get_full_path(),
        get_language(),
        timezone.localdate(),
        repr(own),
        membership_key(user),
        session,
        htmx,
    )


def _tokens_out(request: HttpRequest, content: str) -> tuple[str, int] | None:
    """The page with marks for the request's tokens and the number of one-time keys; None if a
    token could not be told apart."""
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        content = _CSRF_TOKEN.sub(
            lambda m: f"{m[1]}{_CSRF}{m[3]}" if _unmask_cipher_token(m[2]) == secret else m[0], content
        )
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        content = content.replace(nonce, _NONCE)
    keys: dict[str, int] = {}

    def key_mark(match: re.Match) -> str:
        index = keys.setdefault(match.group(2), len(keys))
        return f"{match.group(1)}{_KEY.format(index)}{match.group(3)}"

    content = _SUBMISSION_KEY.sub(key_mark, content)
    if content.count('name="submission_key"') != sum(1 for _ in _KEY_MARK.finditer(content)):
        return None  # a one-time key drawn some other way: it would be served twice
    return content, len(keys)


def _tokens_in(request: HttpRequest, page: _Page) -> bytes:
    content = page.content.replace(_CSRF.encode(), get_token(request).encode())
    content = content.replace(_NONCE.encode(), getattr(request, "csp_nonce", "").encode())
    if page.keys:
        fresh = [str(uuid.uuid4()).encode() for _ in range(page.keys)]
        content = _KEY_MARK_BYTES.sub(lambda m: fresh[int(m.group(1))], content)
    return content


def kept_page(request: HttpRequest, *, name: str, draw: Callable[[Keep], HttpResponse]) -> HttpResponse:
    """The page ``draw(keep)`` draws for this request: kept from the last drawing for the same user,
    address and key while every row it read is unchanged, else drawn (and kept if it may be)."""
    connection = connections["default"]
    if (
        request.method != "GET"
        or connection.vendor != "postgresql"
        or len(connections.settings) > 1  # a read through another alias would not be watched
        or not request.user.is_authenticated
        or len(get_messages(request))  # a flashed message is shown once, by a drawing
    ):
        return draw(Keep(request))
    session = _session(request)
    # The key's digest: the dictionaries hold no session or user data of their own.
    key = hashlib.blake2b(repr(_key(request, name, session)).encode(), digest_size=32).digest()
    now = time.monotonic()
    with _lock:
        page = _take(key)  # back in only if served or drawn again: nothing stale stays
        asked_before = page is not None or key in _asked
        _asked[key] = None
        _asked.move_to_end(key)
        while len(_asked) > ASKED:
            _asked.popitem(last=False)
    if not asked_before:  # a first visit is only drawn: a page asked for once is never kept
        return draw(Keep(request))
    if page is not None and now - page.at < MAX_AGE and _unchanged(page):
        if page.every_time:
            _commit_without_flush(connection)
        for act, kwargs in page.every_time:
            act(actor=request.user, **kwargs)
        with _lock:
            _put(key, page)
        response = HttpResponse(_tokens_in(request, page), status=page.status)
        for header, value in page.headers:
            response[header] = value
        return response
    keep = Keep(request)
    capture = _Capture(keep)
    _drawing.capture = capture
    try:
        with connection.execute_wrapper(capture):
            response = draw(keep)
    finally:
        _drawing.capture = None
    if (
        capture.refused
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or _session(request) != session  # the drawing wrote the session: a serve would not
        or getattr(get_messages(request), "added_new", False)  # a message shown once, not kept
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return response
    marked = _tokens_out(request, response.content.decode(response.charset))
    if marked is None or len(response.content) > MAX_BYTES:
        return response
    page = _Page(
        statements=capture.statements,
        digest=capture.digest.digest(),
        content=marked[0].encode(),
        keys=marked[1],
        status=response.status_code,
        headers=list(response.items()),
        every_time=keep.registered,
        watched=keep.watched,
        at=now,
    )
    _ensure_sweeper()
    with _lock:
        _sweep(now)  # pages past their time leave memory (with the people they show)
        _put(key, page)
    return response
