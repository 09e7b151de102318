"""One page of the employer's browse list, kept in the worker's own memory (issue 21).

Reading and rendering a page of anonymised cards cost about three quarters of the browse page's
CPU, and most requests ask again for a page someone just saw. A page's cards are therefore kept in
the "process" cache (the worker's memory, never the shared Redis) for a few minutes, under:

- the employer's municipalities' listing tokens, which every change of who is listed replaces in
  the change's own transaction (candidates.listing);
- the last ``matching.IndexChange`` id per municipality, written right after the commit of every
  change to what a card shows (candidates.matching);
- the filter as sent, the page, the distance origin, the language and the day.

A kept page is shown only after a live check, in one query on its ids, that everyone on it is
still listed for this employer: a revocation written without a signal (no token, no change row)
still removes the card. The audit of the cards shown is the view's, on every request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import selectors
from .card_text import card_html

if TYPE_CHECKING:
    from accounts.models import User

    from .filters import CandidateBrowseFilter

KEEP_SECONDS = 300


@dataclass
class BrowseResults:
    page: Page
    shown: list[tuple[int, int]]  # (candidate id, municipality id) of the cards, for the audit
    cards: list[Any]
    cards_html: list[SafeString]
    # When the cards were read, if they come from the worker's memory (time.monotonic()), else None.
    kept_since: float | None = None


@dataclass
class _Kept:
    count: int
    number: int
    per_page: int
    shown: list[tuple[int, int]]
    cards: list[Any]
    cards_html: list[str]
    at: float  # time.monotonic() when read


def kept_in_time(*, since: float) -> bool:
    """Whether cards kept in the worker's memory since ``since`` may still be shown: a page drawn
    from them and kept for a returning visit (organisations.kept_page) must not stretch their time."""
    return time.monotonic() - since <= KEEP_SECONDS


def _key(*, state: tuple, filterset: CandidateBrowseFilter, origin: str | None, page: str | None) -> str:
    query = (
        sorted((k, tuple(v)) for k, v in filterset.data.lists() if k != "page") if filterset.is_bound else ()
    )
    day = timezone.localdate().isoformat()
    raw = repr((state, query, page, filterset.page_size, origin, get_language(), day))
    return "browse-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _unfiltered(filterset: CandidateBrowseFilter) -> bool:
    """Whether the page lists everyone listed (only order, size or page chosen)."""
    if not filterset.is_bound:
        return True
    if not filterset.form.is_valid():
        return False
    return not any(
        value for name, value in filterset.form.cleaned_data.items() if name not in ("sort", "size")
    )


class _Rows:
    """The filtered list for the paginator, its queryset built only when needed: a page whose
    statement this worker knows (``_page_rows``) is read without building it."""

    def __init__(self, filterset: CandidateBrowseFilter) -> None:
        self.filterset = filterset
        self._queryset: QuerySet | None = None

    @property
    def queryset(self) -> QuerySet:
        if self._queryset is None:
            self._queryset = selectors.anonymous_rows(self.filterset.qs)
        return self._queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> _Slice:
        return _Slice(self, bounds.start or 0, bounds.stop)


@dataclass
class _Slice:
    rows: _Rows
    start: int
    stop: int | None

    def __iter__(self):
        return iter(self.rows.queryset[self.start : self.stop])

    def __len__(self) -> int:
        return len(self.rows.queryset[self.start : self.stop])


# (user, municipalities, the filter as the form read it, the page's bounds, day) -> the statement
# the ORM wrote for that page and the row type it gave. Building and compiling the filtered
# queryset cost ten times what PostgreSQL then spent on the page's rows; the statement is run
# anew every time, so what it reads is always live. Kept per worker, the oldest dropped first.
_STATEMENTS: OrderedDict[tuple, tuple[str, tuple, type]] = OrderedDict()
_STATEMENTS_SIZE = 256
_statements_lock = threading.Lock()
_PLAIN = (str, int, Decimal, date, bool, type(None))


def _form_key(filterset: CandidateBrowseFilter) -> tuple | None:
    """The filter as the form read it, or None when a value is not a plain one (a model, a
    queryset): only plain values say unambiguously what the statement holds."""
    if not filterset.is_bound:
        return ()
    if not filterset.form.is_valid():
        return None
    items = []
    for name, value in sorted(filterset.form.cleaned_data.items()):
        values = value if isinstance(value, (list, tuple)) else (value,)
        if not all(isinstance(v, _PLAIN) and not isinstance(v, datetime) for v in values):
            return None
        items.append((name, type(value).__name__, tuple(repr(v) for v in values)))
    return tuple(items)


def _page_rows(*, user: User, state: tuple | None, filterset: CandidateBrowseFilter, bounds: _Slice) -> list:
    """The rows of a page: through a statement this worker already had the ORM write for the same
    user, municipalities, filter and bounds (PostgreSQL only), else through the ORM, keeping its
    statement when running it raw gives exactly the ORM's rows (``_statement``)."""
    form = _form_key(filterset)
    if connection.vendor != "postgresql" or not state or form is None:
        return list(bounds)
    # A full page's bounds, not the paginator's (it stops the last page at the count, which a
    # change moves): the same rows, one statement for the page whatever the count.
    start, stop = bounds.start, bounds.start + filterset.page_size
    key = (user.pk, tuple(m for m, *_ in state), form, start, stop, timezone.localdate())
    with _statements_lock:
        known = _STATEMENTS.get(key)
    if known is not None:
        sql, params, row = known
        return [row._make(values) for values in _run(sql, params)]
    page = bounds.rows.queryset[start:stop]
    rows = list(page)
    if rows:  # (without rows the row type is unknown, and the query may be empty by construction)
        statement = _statement(page)
        if statement is not None:
            with _statements_lock:
                _STATEMENTS[key] = (*statement, type(rows[0]))
                while len(_STATEMENTS) > _STATEMENTS_SIZE:
                    _STATEMENTS.popitem(last=False)
    return rows


def _statement(page: QuerySet) -> tuple[str, tuple] | None:
    """The SQL and parameters the ORM runs for ``page``, if running them raw gives its rows: no
    value converted after reading (the ORM's converters; plain columns have none on PostgreSQL)
    and no moment frozen into a parameter."""
    compiler = page.query.get_compiler(using=page.db)
    sql, params = compiler.as_sql()
    if compiler.get_converters([expression for expression, _sql, _alias in compiler.select]):
        return None
    if any(isinstance(p, datetime) for p in params):
        return None
    return sql, tuple(params)


def _run(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def statements_forget() -> None:
    """Drop the kept statements (tests, benchmarks)."""
    with _statements_lock:
        _STATEMENTS.clear()


def _results(kept: _Kept) -> BrowseResults:
    paginator = Paginator([], kept.per_page)
    paginator.count = kept.count
    return BrowseResults(
        page=Page([], kept.number, paginator),
        shown=kept.shown,
        cards=kept.cards,
        cards_html=[SafeString(html) for html in kept.cards_html],
        kept_since=kept.at,
    )


def browse_results(
    *, user: User, filterset: CandidateBrowseFilter, origin: str | None, page: str | None
) -> BrowseResults:
    """The page ``page`` of the filtered browse list as cards, kept or read anew."""
    state = selectors.browse_state(user=user)
    # An invalid filter is answered with its errors, not kept.
    keep = bool(state) and (not filterset.is_bound or filterset.form.is_valid())
    key = _key(state=state, filterset=filterset, origin=origin, page=page) if keep else None
    store = caches["process"]
    if key is not None:
        kept = store.get(key)
        if kept is not None and kept_in_time(since=kept.at):
            ids = [candidate_id for candidate_id, _ in kept.shown]
            if selectors.browse_still_listed(user=user, ids=ids) == set(ids):
                return _results(kept)
    source = _Rows(filterset)
    paginator = Paginator(source, filterset.page_size)
    if _unfiltered(filterset):
        # Everyone listed: the count kept per listing change, not a count over all of them.
        paginator.count = selectors.browse_count(user=user, tokens=state or None)
    current = paginator.get_page(page)
    rows = _page_rows(user=user, state=state, filterset=filterset, bounds=current.object_list)
    cards = selectors.anonymous_cards(rows, origin_postcode=origin)
    # _card.html's markup composed in Python: the include cost ~25 template nodes per card
    cards_html = [card_html(card, select=True) for card in cards]
    shown = [(row.id, row.municipality_id) for row in rows]
    if key is not None:
        store.set(
            key,
            _Kept(
                count=paginator.count,
                number=current.number,
                per_page=paginator.per_page,
                shown=shown,
                cards=cards,
                cards_html=[str(html) for html in cards_html],
                at=time.monotonic(),
            ),
            KEEP_SECONDS,
        )
    return BrowseResults(page=current, shown=shown, cards=cards, cards_html=cards_html)
