"""One ranking for a placement at scale (issue 21: ≤ 30 ms per ranking at 1,000,000 candidates),
this checkout beside a baseline in the same process, the rankings interleaved.

    BENCH_BASELINE=/tmp/lotse_before .venv/bin/python bench/bench_ranking.py [--candidates 1000000]
        [--placements 30] [--rounds 3]

The baseline's ``matching/engine/scoring.py`` (e.g. ``git archive main | tar -x -C /tmp/lotse_before``)
is loaded beside this checkout's as a second module of the same package, each builds its own index
of the same people (bench_matching's seed), and every placement is ranked by one, then the other,
``--rounds`` times: a drift in the machine's speed (a shared VM) meets both alike. Prints the median,
p95 and maximum per version (of each placement's fastest round) and checks that both give the same
lists (people, order, scores, explanations). Without BENCH_BASELINE, this checkout alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _setup import coordinates, esco_index
from bench_matching import make_data

import matching.engine.scoring as current

TARGET_P95_MS = 30.0


def load_baseline(root: Path):
    """The baseline's scoring module as ``matching.engine._baseline_scoring`` (its relative imports
    find this checkout's records and taxonomy, which it must share)."""
    path = root / "platform" / "matching" / "engine" / "scoring.py"
    spec = importlib.util.spec_from_file_location("matching.engine._baseline_scoring", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    return f"median {statistics.median(ms):6.1f} ms, p95 {p95:6.1f} ms, max {ms[-1]:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=int(os.environ.get("BENCH_CANDIDATES", 100_000)))
    parser.add_argument("--placements", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=50)
    args = parser.parse_args()
    taxonomy = esco_index()
    candidates, placements = make_data(taxonomy, args.candidates, args.placements)
    today = date(2026, 11, 26)
    versions = {"this checkout": current}
    if os.environ.get("BENCH_BASELINE"):
        versions = {"baseline": load_baseline(Path(os.environ["BENCH_BASELINE"])), **versions}
    matchers, indexes = {}, {}
    for name, module in versions.items():
        matchers[name] = module.Matcher(taxonomy, coordinates=coordinates, today=today)
        t = time.perf_counter()
        indexes[name] = matchers[name].candidate_index(candidates)
        print(f"{name}: index of {len(candidates):,} built in {time.perf_counter() - t:.1f} s", flush=True)
    del candidates
    best: dict[str, list[float]] = {name: [float("inf")] * len(placements) for name in versions}
    lists: dict[str, list] = {name: [None] * len(placements) for name in versions}
    for name in versions:  # one warm-up ranking each
        matchers[name].rank_candidates(placements[0], indexes[name], top=args.top)
    for _round in range(args.rounds):
        for i, placement in enumerate(placements):
            for name in versions:
                t = time.perf_counter()
                ranked = matchers[name].rank_candidates(placement, indexes[name], top=args.top)
                best[name][i] = min(best[name][i], (time.perf_counter() - t) * 1000)
                lists[name][i] = [(m.candidate_id, m.score, m.explanation.as_dict()) for m in ranked]
    print(
        f"one ranking of {args.candidates:,} candidates for each of {len(placements)} placements, "
        f"top {args.top} explained, fastest of {args.rounds} interleaved rounds:"
    )
    for name in versions:
        print(f"  {name:14} {summary(best[name])}")
    if len(versions) == 2:
        same = lists["baseline"] == lists["this checkout"]
        print(f"  the same lists from both: {'yes' if same else 'NO'}")
        if not same:
            sys.exit(1)
    p95 = sorted(best["this checkout"])[max(0, int(len(placements) * 0.95) - 1)]
    if args.candidates >= 1_000_000:
        verdict = "met" if p95 <= TARGET_P95_MS else "missed"
        print(f"target at 1,000,000: p95 ≤ {TARGET_P95_MS:.0f} ms per ranking: {p95:.1f} ms {verdict}")


if __name__ == "__main__":
    main()
