"""Matching as the apps use it: the ESCO index from the database, the learned re-ranker
when one exists, and training from decisions. Apps pass plain records in."""

from __future__ import annotations

import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial

import numpy as np
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import timezone

from organisations import kept
from organisations.kept_page import not_kept
from taxonomy.models import Occupation, OccupationSkill, Skill
from taxonomy.postcodes import coordinates

from .engine import rerank
from .engine.records import CandidateRecord, PlacementRecord, RankedMatch
from .engine.scoring import CandidateIndex, Matcher, PlacementIndex
from .engine.taxonomy import TaxonomyIndex
from .models import IndexChange, RerankerModel
from .registry import outcome_samples

RERANK_DEPTH = rerank.RERANK_DEPTH  # the learned model reorders only the base score's best pairs

_index: tuple[str, TaxonomyIndex] | None = None
_TAXONOMY_VERSION_KEY = "matching:taxonomy-version"
_index_lock = threading.Lock()  # a warm-up thread and a request must not build it twice


def taxonomy_index() -> TaxonomyIndex:
    """The ESCO index, built once per process and rebuilt after the taxonomy is reloaded."""
    global _index
    version = taxonomy_version()
    if _index is not None and _index[0] == version:
        return _index[1]
    with _index_lock:
        if _index is not None and _index[0] == version:
            return _index[1]
        not_kept("built the ESCO index")  # (its reads are no page's rows to check)
        index = TaxonomyIndex.build(
            occupations=Occupation.objects.values_list("uri", "isco_code"),
            relations=OccupationSkill.objects.values_list("occupation__uri", "relation", "skill__uri"),
            skills=Skill.objects.values_list("uri", flat=True),
        )
        _index = (version, index)
        return index


# The token as read in the request this thread is serving: a matches page asks for the ESCO index
# four times (index, filter, eligible ids, ranking), one cache round trip is enough (issue 21).
# Outside a request (tasks, commands, the warm-up thread) it is read every time, as before.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_started, dispatch_uid="matching-taxonomy-version-start")
request_finished.connect(_request_finished, dispatch_uid="matching-taxonomy-version-end")


def taxonomy_version() -> str:
    """The current taxonomy's token. A token, not a counter: after the cache is emptied (a flush,
    a Redis restart) a counter would start again at 1 and match an index built from another
    taxonomy; a fresh token matches none built before."""
    known = getattr(_request, "version", None)
    if known is not None:
        return known
    version = cache.get(_TAXONOMY_VERSION_KEY)
    if version is None:
        cache.add(_TAXONOMY_VERSION_KEY, uuid.uuid4().hex, None)  # another process may add first
        # Without a reachable cache, keep the index this process has (as before the cache existed).
        version = cache.get(_TAXONOMY_VERSION_KEY) or "no-cache"
    version = str(version)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def taxonomy_index_invalidate() -> None:
    cache.set(_TAXONOMY_VERSION_KEY, uuid.uuid4().hex, None)
    _request.version = None  # a reload within a request is seen by its next read


def active_reranker() -> RerankerModel | None:
    # Its statement compiled once per worker (organisations.kept): every matches page asks.
    rows = kept.kept_rows(
        name="matching.active_reranker",
        build=lambda: RerankerModel.objects.filter(is_active=True).order_by("-version", "-pk")[:1],
        values=(),
    )
    return rows[0] if rows else None


def _apply_reranker(ranked: list[RankedMatch], model: RerankerModel | None) -> list[RankedMatch]:
    if model is None or not ranked:
        return ranked
    params = rerank.RerankerParams(
        features=tuple(model.features),
        coefficients=tuple(model.coefficients),
        intercept=model.intercept,
        samples=model.samples,
        positives=model.positives,
        auc=model.auc,
    )
    # Half transparent base score, half learned likelihood: the explanation still holds.
    return rerank.apply(ranked, params, version=model.version)


def _depth(top: int | None, model: RerankerModel | None) -> int | None:
    """How many the base ranking must give: the re-ranker reorders its best RERANK_DEPTH, so with a
    model at least those; without one only ``top`` (scoring and explaining more is wasted)."""
    if not top:
        return None
    return max(top, RERANK_DEPTH) if model is not None else top


def _matcher() -> Matcher:
    """A matcher over the current ESCO index, dated by the app's (Berlin) today."""
    return Matcher(taxonomy_index(), coordinates=coordinates, today=timezone.localdate())


def _best(
    rank: Callable[..., list[RankedMatch]], *, model: RerankerModel | None, top: int | None
) -> list[RankedMatch]:
    """What ``rank`` gives as deep as the re-ranker needs, re-ranked, cut to ``top``: the one ranking
    step of every match_* below."""
    ranked = _apply_reranker(rank(top=_depth(top, model)), model)
    return ranked[:top] if top else ranked


def _each(
    rank: Callable[..., list[RankedMatch]], records: Sequence, index: object, *, top: int | None
) -> dict[str, list[RankedMatch]]:
    """``_best`` for each record (by its id) against one index, with one read of the re-ranker."""
    model = active_reranker()
    return {record.id: _best(partial(rank, record, index), model=model, top=top) for record in records}


def match_candidates(
    *,
    placement: PlacementRecord,
    candidates: Sequence[CandidateRecord],
    top: int | None = None,
    where: np.ndarray | None = None,
) -> list[RankedMatch]:
    """Candidates for a placement, best first; with ``top`` exactly the first ``top`` of the whole list
    (of the rows ``where`` keeps, when a list filter gave one: see ``candidate_filter``)."""
    model = active_reranker()
    matcher = _matcher()
    return _best(partial(matcher.rank_candidates, placement, candidates, where=where), model=model, top=top)


class CandidateRanking:
    """One placement's ranking over one index state under one list filter: who is eligible, and
    the best ``depth`` of them ranked and explained (``match_candidates`` with ``top``), computed
    once and deepened when a later page needs more. Read-only for callers."""

    def __init__(self, *, placement: PlacementRecord, candidates: CandidateIndex, where: np.ndarray | None):
        self._placement, self._where = placement, where
        self._index = weakref.ref(candidates)  # a dropped index must not stay in memory for this
        # A tuple: the callers' per-process answers keyed on these ids find the same object again.
        self.eligible: tuple[str, ...] = tuple(
            eligible_candidate_ids(placement=placement, candidates=candidates, where=where)
        )
        self._ranked: list[RankedMatch] = []
        self._depth = 0
        self._lock = threading.Lock()

    def top(self, n: int, *, model: RerankerModel | None) -> list[RankedMatch]:
        """The first ``n`` of the whole ranking (exactly ``match_candidates(top=n)``)."""
        with self._lock:
            if n > self._depth:
                index = self._index()
                if index is None:  # cannot happen while the caller holds the index; be safe anyway
                    raise LookupError("candidate index gone")
                matcher = _matcher()
                rank = partial(matcher.rank_candidates, self._placement, index, where=self._where)
                # The first four pages at once: paging on through the same list costs no ranking.
                depth = max(n, 100)
                self._ranked, self._depth = _best(rank, model=model, top=depth), depth
            return self._ranked[:n]


# (placement record, index, index state, filter, day, taxonomy, re-ranker) -> its ranking; the
# oldest dropped first. The index is named by identity and state: its rows are never reordered,
# an update marks a row dead and appends one (CandidateIndex), so (rows, alive rows) differs after
# every change this process applied to it.
_RANKINGS: OrderedDict[tuple, CandidateRanking] = OrderedDict()
_RANKINGS_SIZE = 64
_rankings_lock = threading.Lock()


def candidate_ranking(
    *,
    placement: PlacementRecord,
    candidates: CandidateIndex,
    model: RerankerModel | None,
    max_km: float | None = None,
    min_german: str | None = None,
    available_by: date | None = None,
) -> CandidateRanking:
    """The placement's ranking over ``candidates`` under a list filter, remembered per process
    (issue 21: a matches page shows 25 people; ranking and explaining is not redone for each
    request while nothing it depends on changed). Callers still check live consent for the rows
    they show: the index may lag behind a revocation, and so does this."""
    key = (
        placement,
        id(candidates),
        len(candidates.ids),
        len(candidates),
        max_km,
        min_german,
        available_by,
        timezone.localdate(),
        id(candidates.taxonomy),
        None if model is None else (model.pk, model.version),
    )
    with _rankings_lock:
        known = _RANKINGS.get(key)
        if known is not None and known._index() is candidates:
            _RANKINGS.move_to_end(key)
            return known
    where = candidate_filter(
        placement=placement,
        candidates=candidates,
        max_km=max_km,
        min_german=min_german,
        available_by=available_by,
    )
    ranking = CandidateRanking(placement=placement, candidates=candidates, where=where)
    with _rankings_lock:
        _RANKINGS[key] = ranking
        while len(_RANKINGS) > _RANKINGS_SIZE:
            _RANKINGS.popitem(last=False)
    return ranking


def candidate_rankings_forget() -> None:
    """Drop every remembered ranking of this process (tests)."""
    with _rankings_lock:
        _RANKINGS.clear()


def match_candidates_many(
    *,
    placements: Sequence[PlacementRecord],
    candidates: Sequence[CandidateRecord] | CandidateIndex,
    top: int | None = None,
) -> dict[str, list[RankedMatch]]:
    """Each placement's candidates (placement id → ``match_candidates``' answer) for a batch: the
    candidates' index is built once (or the given one used) and the re-ranker read once, so each
    further placement costs one ranking, never a rebuild (issue 16, "build once, rank many")."""
    matcher = _matcher()
    index = candidates if isinstance(candidates, CandidateIndex) else matcher.candidate_index(candidates)
    return _each(matcher.rank_candidates, placements, index, top=top)


def match_placements_many(
    *,
    candidates: Sequence[CandidateRecord],
    placements: Sequence[PlacementRecord] | PlacementIndex,
    top: int | None = None,
) -> dict[str, list[RankedMatch]]:
    """Jobs for me for many people at once (candidate id → ``match_placements``' answer): one index
    of the placements for all of them and one read of the re-ranker."""
    matcher = _matcher()
    index = placements if isinstance(placements, PlacementIndex) else matcher.placement_index(placements)
    return _each(matcher.rank_placements, candidates, index, top=top)


def eligible_candidate_ids(
    *, placement: PlacementRecord, candidates: Sequence[CandidateRecord], where: np.ndarray | None = None
) -> list[str]:
    """The ids ``match_candidates`` without ``top`` would list, unordered (nobody scored or explained)."""
    return _matcher().eligible_ids(placement, candidates, where=where)


def candidate_filter(
    *,
    placement: PlacementRecord,
    candidates: CandidateIndex,
    max_km: float | None = None,
    min_german: str | None = None,
    available_by: date | None = None,
) -> np.ndarray | None:
    """The rows of ``candidates`` a matches page's filter keeps (None: nothing to filter), for
    ``where`` of ``match_candidates`` and ``eligible_candidate_ids``. Read from the index's arrays:
    no query, and nobody's score changes."""
    return _matcher().narrow(
        placement, candidates, max_km=max_km, min_german=min_german, available_by=available_by
    )


def match_placements(
    *, candidate: CandidateRecord, placements: Sequence[PlacementRecord], top: int | None = None
) -> list[RankedMatch]:
    model = active_reranker()
    matcher = _matcher()
    return _best(partial(matcher.rank_placements, candidate, placements), model=model, top=top)


@transaction.atomic
def reranker_train(*, samples: Sequence[tuple[dict[str, float], int]] | None = None) -> RerankerModel | None:
    """Train a new version from introduction outcomes; None while there are too few."""
    samples = outcome_samples() if samples is None else samples
    params = rerank.train(samples)
    if params is None:
        return None
    # Lock the newest row so two trainers running at once cannot take the same version.
    latest = (
        RerankerModel.objects.select_for_update()
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    )
    return RerankerModel.objects.create(
        version=latest + 1,
        features=list(params.features),
        coefficients=list(params.coefficients),
        intercept=params.intercept,
        samples=params.samples,
        positives=params.positives,
        auc=params.auc,
    )


def index_record_changes(*, municipality_id: int, candidate_ids: Sequence[int]) -> int:
    IndexChange.objects.bulk_create(
        [IndexChange(municipality_id=municipality_id, candidate_id=cid) for cid in set(candidate_ids)]
    )
    return len(set(candidate_ids))


def index_prune_changes(*, older_than_hours: int = 48) -> int:
    """Processes older than this rebuild from scratch anyway (they restart on deploy)."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted, _ = IndexChange.objects.filter(at__lt=cutoff).delete()
    return deleted
