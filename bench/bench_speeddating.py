"""Benchmark: the speed-dating scheduler (issue 15) on 300 candidates × 40 businesses × 8 rounds.

    .venv/bin/python bench/bench_speeddating.py [--seed N]

No database: the scheduler is a plain function over a fit matrix (platform/matching/slots.py).
The fit matrix looks like the matcher's: each candidate is proposed to 6–15 businesses (their top
matches) with a fit between 0.3 and 1, the rest 0 (they do not meet). Businesses have 2–7 tables,
each pauses in one round, everybody pauses in round 5 (coffee), a candidate has at most 6 meetings.

Prints the median wall time of the solver (target ≤ 2 s; exits 1 on a miss), its total fit beside
the greedy schedule's (best pairs first, earliest free round) and the bound without rounds (a
schedule that reaches the bound is optimal).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

import numpy as np  # noqa: E402

from matching import slots  # noqa: E402

CANDIDATES, BUSINESSES, ROUNDS = 300, 40, 8
TARGET_SECONDS = 2.0
REPEATS = 5


def problem(seed: int):
    rng = np.random.default_rng(seed)
    fit = np.zeros((CANDIDATES, BUSINESSES))
    for c in range(CANDIDATES):
        chosen = rng.choice(BUSINESSES, size=rng.integers(6, 16), replace=False)
        fit[c, chosen] = rng.uniform(0.3, 1.0, size=chosen.size)
    cap = slots.capacity(
        businesses=BUSINESSES,
        rounds=ROUNDS,
        tables=rng.integers(2, 8, size=BUSINESSES),
        breaks=[4],
        business_breaks=[(int(rng.integers(0, ROUNDS)), b) for b in range(BUSINESSES)],
    )
    return fit, cap


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    fit, cap = problem(args.seed)
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = slots.schedule(fit, cap, max_meetings=6)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    greedy = slots.schedule_greedy(fit, cap, max_meetings=6)
    greedy_seconds = time.perf_counter() - started
    bound = slots.fit_upper_bound(fit, cap, max_meetings=6)
    assert result is not None and not slots.problems(result, fit, cap, max_meetings=6)
    median = statistics.median(times)
    print(f"{CANDIDATES} candidates × {BUSINESSES} businesses × {ROUNDS} rounds, {int(cap.sum())} seats")
    print(
        f"scheduler: median {median:.3f} s of {REPEATS} runs (max {max(times):.3f} s), target ≤ {TARGET_SECONDS} s"
    )
    print(
        f"  total fit {result.total_fit:.2f} ({len(result.meetings)} meetings, from the {result.method} pass)"
    )
    print(
        f"greedy:    {greedy_seconds:.3f} s, total fit {greedy.total_fit:.2f} ({len(greedy.meetings)} meetings)"
    )
    print(f"bound without rounds: {bound:.2f} (scheduler reaches {result.total_fit / bound:.2%})")
    if median > TARGET_SECONDS:
        print(f"MISSED the target: {median:.3f} s > {TARGET_SECONDS} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
