"""The candidate index's build, new beside old in one run: CPU time (``time.process_time``, what
survives a busy machine) and wall time, the old ``CandidateIndex`` taken from another checkout.

    git archive main | tar -x -C /tmp/lotse_before
    .venv/bin/python bench/bench_index_build.py --scale 200000 --baseline /tmp/lotse_before [--repeat 2]

Peak memory is measured by ``bench_matching.py`` (one build a process: ``ru_maxrss`` only grows).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _setup import coordinates, esco_index
from bench_matching import make_data

from matching.engine.scoring import CandidateIndex


def baseline_index(checkout: Path):
    """The ``CandidateIndex`` of another checkout, imported as the package ``baseline_engine``."""
    where = Path(tempfile.mkdtemp())
    shutil.copytree(checkout / "platform" / "matching" / "engine", where / "baseline_engine")
    sys.path.insert(0, str(where))
    from baseline_engine.scoring import CandidateIndex as Old

    return Old


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", "--scale", type=int, default=200_000)
    parser.add_argument("--baseline", type=Path, help="a checkout of the old code (git archive)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    taxonomy = esco_index()
    candidates, _placements = make_data(taxonomy, args.candidates, 0)
    builds = [("new", CandidateIndex)]
    if args.baseline:
        builds.append(("old", baseline_index(args.baseline)))
    for _ in range(args.repeat):
        for name, cls in builds:
            cpu, wall = time.process_time(), time.perf_counter()
            index = cls(candidates, taxonomy=taxonomy, coordinates=coordinates)
            print(
                f"{name}: index of {args.candidates:,} built in {time.process_time() - cpu:.2f} s CPU "
                f"({time.perf_counter() - wall:.2f} s wall), arrays {index.nbytes / 2**20:.1f} MiB",
                flush=True,
            )
            del index


if __name__ == "__main__":
    main()
