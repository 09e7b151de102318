"""Speed-dating slots: who meets which business in which round, at which table.

Plain functions over plain arrays, no Django (an import-linter contract checks it). The app
(employers/speeddating.py) turns its rows into a fit matrix and stores what comes back.

The problem: ``fit[c, b]`` says how well candidate ``c`` fits business ``b`` (0 or less, or NaN:
they do not meet). In each of ``rounds`` rounds a business has some tables (``tables``, less in its
breaks, none in a round everybody pauses); a candidate sits at one table per round at most, meets a
business at most once and has at most ``max_meetings`` meetings (the rest of the rounds are their
breaks). Maximise the total fit of the meetings held.

``schedule`` solves each round as an assignment problem with SciPy's ``linear_sum_assignment``
(candidates × one column per free table), most pressing first: a pair's weight in a round is its fit
plus a small bonus for candidates and businesses with few rounds left to be served in. The result is
compared with ``schedule_greedy`` (best pairs first, earliest free round) and with a second pass
from the other end; the best of them is returned, so the schedule is never worse than the greedy one.
``fit_upper_bound`` is the optimum without the round structure (a linear programme, exact on this
bipartite polytope): a schedule that reaches it is optimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix


@dataclass(frozen=True, order=True)
class Meeting:
    round: int
    business: int
    table: int
    candidate: int


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]
    total_fit: float
    method: str

    def rounds(self, count: int) -> list[list[Meeting]]:
        out: list[list[Meeting]] = [[] for _ in range(count)]
        for meeting in self.meetings:
            out[meeting.round].append(meeting)
        return out


def capacity(
    *,
    businesses: int,
    rounds: int,
    tables: int | Iterable[int] = 1,
    breaks: Iterable[int] = (),
    business_breaks: Iterable[tuple[int, int]] = (),
) -> np.ndarray:
    """Tables per round and business, shape (rounds, businesses).

    ``breaks``: rounds in which nobody meets (a coffee break); ``business_breaks``: (round,
    business) pairs in which one business pauses."""
    per_business = np.broadcast_to(np.asarray(tables, dtype=np.int64), (businesses,))
    cap = np.tile(per_business, (rounds, 1)).copy()
    for r in breaks:
        cap[r, :] = 0
    for r, b in business_breaks:
        cap[r, b] = 0
    return np.clip(cap, 0, None)


def _weights(fit: np.ndarray, min_fit: float) -> np.ndarray:
    weights = np.nan_to_num(np.asarray(fit, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    weights[weights <= min_fit] = 0.0
    return weights


def _total(weights: np.ndarray, meetings: list[Meeting]) -> float:
    return float(sum(weights[m.candidate, m.business] for m in meetings))


def _quota(candidates: int, rounds: int, max_meetings: int | None) -> np.ndarray:
    return np.full(candidates, rounds if max_meetings is None else max(0, max_meetings), dtype=np.int64)


def schedule_greedy(
    fit: np.ndarray, cap: np.ndarray, *, max_meetings: int | None = None, min_fit: float = 0.0
) -> Schedule:
    """The baseline: pairs from the best fit down, each in the earliest round both are free."""
    weights = _weights(fit, min_fit)
    n_rounds, _ = cap.shape
    candidates = weights.shape[0]
    used = np.zeros_like(cap)
    busy = np.zeros((n_rounds, candidates), dtype=bool)
    quota = _quota(candidates, n_rounds, max_meetings)
    meetings: list[Meeting] = []
    cs, bs = np.nonzero(weights)
    order = np.argsort(-weights[cs, bs], kind="stable")
    for c, b in zip(cs[order], bs[order], strict=True):
        if quota[c] == 0:
            continue
        for r in range(n_rounds):
            if not busy[r, c] and used[r, b] < cap[r, b]:
                meetings.append(Meeting(r, int(b), int(used[r, b]), int(c)))
                used[r, b] += 1
                busy[r, c] = True
                quota[c] -= 1
                break
    return Schedule(tuple(sorted(meetings)), _total(weights, meetings), "greedy")


def _rounds_lsa(
    weights: np.ndarray, cap: np.ndarray, quota: np.ndarray, round_order: list[int], urgency: float
) -> list[Meeting]:
    candidates, businesses = weights.shape
    met = np.zeros_like(weights, dtype=bool)
    quota = quota.copy()
    scale = float(weights.max()) if weights.size and weights.max() > 0 else 1.0
    meetings: list[Meeting] = []
    for step, r in enumerate(round_order):
        columns = np.repeat(np.arange(businesses), cap[r])  # one column per free table
        table_no = np.concatenate([np.arange(n) for n in cap[r]]) if columns.size else columns
        rows = np.nonzero(quota > 0)[0]
        if columns.size == 0 or rows.size == 0:
            continue
        value = np.where(met[np.ix_(rows, columns)], 0.0, weights[np.ix_(rows, columns)])
        if urgency:
            # Rounds left after this one: a candidate whose quota fills every remaining round and a
            # business with few rounds left are served first; a tie-breaker, scaled well below a fit.
            left = len(round_order) - step
            pressure = np.minimum(quota[rows], left) / left
            value = np.where(value > 0, value + urgency * scale * pressure[:, None], 0.0)
        row_idx, col_idx = linear_sum_assignment(value, maximize=True)
        for i, j in zip(row_idx, col_idx, strict=True):
            if value[i, j] <= 0:
                continue
            c, b = int(rows[i]), int(columns[j])
            met[c, b] = True
            quota[c] -= 1
            meetings.append(Meeting(int(r), b, int(table_no[j]), c))
    return meetings


def schedule(
    fit: np.ndarray, cap: np.ndarray, *, max_meetings: int | None = None, min_fit: float = 0.0
) -> Schedule:
    """The schedule with the highest total fit of the solver's passes and the greedy baseline."""
    weights = _weights(fit, min_fit)
    n_rounds = cap.shape[0]
    quota = _quota(weights.shape[0], n_rounds, max_meetings)
    forward = list(range(n_rounds))
    best = schedule_greedy(fit, cap, max_meetings=max_meetings, min_fit=min_fit)
    for urgency, order in ((0.0, forward), (0.01, forward), (0.0, forward[::-1])):
        meetings = _rounds_lsa(weights, cap, quota, order, urgency)
        total = _total(weights, meetings)
        if total > best.total_fit + 1e-9:
            best = Schedule(tuple(sorted(meetings)), total, "assignment")
    return best


def fit_upper_bound(
    fit: np.ndarray, cap: np.ndarray, *, max_meetings: int | None = None, min_fit: float = 0.0
) -> float:
    """The best total fit if rounds did not matter: each candidate at most ``quota`` meetings, each
    business at most its tables summed over the rounds, each pair once. A bound for any schedule."""
    weights = _weights(fit, min_fit)
    cs, bs = np.nonzero(weights)
    if cs.size == 0:
        return 0.0
    n = cs.size
    quota = _quota(weights.shape[0], cap.shape[0], max_meetings)
    quota = np.minimum(quota, int((cap.sum(axis=1) > 0).sum()))
    seats = cap.sum(axis=0)
    ones = np.ones(n)
    a_c = coo_matrix((ones, (cs, np.arange(n))), shape=(weights.shape[0], n))
    a_b = coo_matrix((ones, (bs, np.arange(n))), shape=(weights.shape[1], n))
    result = milp(
        -weights[cs, bs],
        constraints=[LinearConstraint(a_c, 0, quota), LinearConstraint(a_b, 0, seats)],
        bounds=Bounds(0, 1),
    )
    return float(-result.fun) if result.success else float("nan")


def problems(
    schedule: Schedule, fit: np.ndarray, cap: np.ndarray, *, max_meetings: int | None = None
) -> list[str]:
    """What is wrong with a schedule (empty when it keeps every rule); used by the tests."""
    out = []
    seen_pairs: set[tuple[int, int]] = set()
    seen_seats: set[tuple[int, int]] = set()
    seen_tables: set[tuple[int, int, int]] = set()
    per_candidate: dict[int, int] = {}
    weights = _weights(fit, 0.0)
    for m in schedule.meetings:
        if (m.round, m.candidate) in seen_seats:
            out.append(f"candidate {m.candidate} twice in round {m.round}")
        seen_seats.add((m.round, m.candidate))
        if (m.candidate, m.business) in seen_pairs:
            out.append(f"candidate {m.candidate} meets business {m.business} twice")
        seen_pairs.add((m.candidate, m.business))
        if not 0 <= m.table < cap[m.round, m.business]:
            out.append(f"business {m.business} has no table {m.table} in round {m.round}")
        if (m.round, m.business, m.table) in seen_tables:
            out.append(f"table {m.table} of business {m.business} double-booked in round {m.round}")
        seen_tables.add((m.round, m.business, m.table))
        if weights[m.candidate, m.business] <= 0:
            out.append(f"candidate {m.candidate} does not fit business {m.business}")
        per_candidate[m.candidate] = per_candidate.get(m.candidate, 0) + 1
    if max_meetings is not None:
        out.extend(f"candidate {c} has {n} meetings" for c, n in per_candidate.items() if n > max_meetings)
    return out
