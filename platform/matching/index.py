"""Candidate indexes for the platform: one per municipality, built once per process and kept
fresh by a change log that tasks write.

Every web or worker process holds its own index (no home-made distribution). Changes reach it
through ``IndexChange`` rows: before each ranking the process applies the rows it has not seen
(one small query). Trust never depends on this: callers still check live consent on the rows
they show, so a revocation takes effect on the next request even before its task has run.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Max

from organisations import kept
from organisations.kept_page import not_kept
from taxonomy.postcodes import coordinates

from .engine.records import CandidateRecord
from .engine.scoring import CandidateIndex
from .models import IndexChange

CandidateSource = Callable[..., list[CandidateRecord]]

_source: list[CandidateSource] = []
_lock = threading.Lock()
logger = logging.getLogger(__name__)


@dataclass
class _Entry:
    index: CandidateIndex
    last_change: int
    taxonomy_id: int


# Least recently used first: a process keeps at most ``max_indexes()`` municipalities' indexes, so a
# web worker's memory stays bounded however many municipalities it serves (issue 16).
_indexes: OrderedDict[int, _Entry] = OrderedDict()
DEFAULT_MAX_INDEXES = 8  # a city of 100,000 people takes about 0.2 GB (arrays and records)


def max_indexes() -> int:
    """``settings.MATCHING_MAX_INDEXES``: how many municipalities' indexes a process keeps."""
    from django.conf import settings

    return max(1, int(getattr(settings, "MATCHING_MAX_INDEXES", DEFAULT_MAX_INDEXES)))


def register_candidate_source(source: CandidateSource) -> None:
    """The candidates app registers ``source(*, municipality_id, candidate_ids=None)``."""
    _source[:] = [source]


def _records(municipality_id: int, candidate_ids: Iterable[int] | None = None) -> list[CandidateRecord]:
    if not _source:
        raise RuntimeError("No candidate source registered (is the candidates app installed?)")
    return _source[0](municipality_id=municipality_id, candidate_ids=candidate_ids)


def candidate_index(*, municipality_id: int) -> CandidateIndex:
    """The municipality's index with every change recorded so far applied."""
    from .services import taxonomy_index

    taxonomy = taxonomy_index()
    with _lock:
        entry = _indexes.get(municipality_id)
        if entry is None or entry.taxonomy_id != id(taxonomy):
            not_kept("built a candidate index")  # (its reads are no page's rows to check)
            last = IndexChange.objects.aggregate(m=Max("pk"))["m"] or 0
            index = CandidateIndex(_records(municipality_id), taxonomy=taxonomy, coordinates=coordinates)
            entry = _indexes[municipality_id] = _Entry(
                index=index, last_change=last, taxonomy_id=id(taxonomy)
            )
            _indexes.move_to_end(municipality_id)
            while len(_indexes) > max_indexes():
                evicted, _old = _indexes.popitem(last=False)
                logger.info("Candidate index of municipality %s dropped (least recently used)", evicted)
            return entry.index
        _indexes.move_to_end(municipality_id)
        # (statement compiled once per worker: organisations.kept; every matches page asks)
        changes = kept.kept_rows(
            name="matching.index_changes",
            build=lambda municipality_id, last: IndexChange.objects.filter(
                municipality_id=municipality_id, pk__gt=last
            ).values_list("pk", "candidate_id"),
            values=(municipality_id, entry.last_change),
        )
        if changes:
            ids = {candidate_id for _pk, candidate_id in changes}
            fresh = _records(municipality_id, ids)
            entry.index.remove([str(i) for i in ids])
            entry.index.append(fresh)
            entry.last_change = max(pk for pk, _id in changes)
        return entry.index


def warm_indexes() -> int:
    """Build every municipality's index now (at worker start), so no person waits for it.

    Takes the same lock as a request: a matches page asked for while this runs waits for this
    build and then uses it, it never starts a second one. Returns how many indexes were built.
    """
    from organisations.models import Municipality

    built = 0
    # No more than the process keeps: warming more would only evict what it just built.
    for municipality_id in Municipality.objects.order_by("pk").values_list("pk", flat=True)[: max_indexes()]:
        candidate_index(municipality_id=municipality_id)
        built += 1
    return built


# Set while this process builds its indexes at start: readiness (/health/ready/) answers 503 until
# then, so a deploy sends people to a worker only once their first matches page is quick.
_warming = threading.Event()


def warming() -> bool:
    """Whether this process is still building its candidate indexes at start."""
    return _warming.is_set()


def warm_indexes_in_background() -> threading.Thread | None:
    """Start ``warm_indexes`` in a daemon thread if ``settings.MATCHING_WARM_INDEXES`` is on.

    Called from the WSGI entry point, i.e. once in every server worker (gunicorn without
    ``--preload``, runserver); management commands, Celery and tests never load it.
    """
    from django.conf import settings
    from django.db import connection

    if not getattr(settings, "MATCHING_WARM_INDEXES", False):
        return None

    def run() -> None:
        try:
            warm_indexes()
        except Exception:  # a failed warm-up only means the first request builds it
            logger.exception("Warming the candidate indexes failed")
        finally:
            _warming.clear()
            connection.close()  # this thread's own connection: not left open for the worker's life

    _warming.set()
    thread = threading.Thread(target=run, name="matching-warm-indexes", daemon=True)
    thread.start()
    return thread


def forget_indexes() -> None:
    """Drop every index of this process (tests, or after a bulk import)."""
    with _lock:
        _indexes.clear()
