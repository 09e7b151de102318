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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.core.paginator import Page, Paginator
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


@dataclass
class _Kept:
    count: int
    number: int
    per_page: int
    shown: list[tuple[int, int]]
    cards: list[Any]
    cards_html: list[str]


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


def _results(kept: _Kept) -> BrowseResults:
    paginator = Paginator([], kept.per_page)
    paginator.count = kept.count
    return BrowseResults(
        page=Page([], kept.number, paginator),
        shown=kept.shown,
        cards=kept.cards,
        cards_html=[SafeString(html) for html in kept.cards_html],
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
        if kept is not None:
            ids = [candidate_id for candidate_id, _ in kept.shown]
            if selectors.browse_still_listed(user=user, ids=ids) == set(ids):
                return _results(kept)
    paginator = Paginator(selectors.anonymous_rows(filterset.qs), filterset.page_size)
    if _unfiltered(filterset):
        # Everyone listed: the count kept per listing change, not a count over all of them.
        paginator.count = selectors.browse_count(user=user, tokens=state or None)
    current = paginator.get_page(page)
    rows = list(current.object_list)
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
            ),
            KEEP_SECONDS,
        )
    return BrowseResults(page=current, shown=shown, cards=cards, cards_html=cards_html)
