"""Benchmark (issue 21): CPU ms per request of the browse and matches pages beside two trivial pages.

    createdb -h 127.0.0.1 -U postgres lotse_bench_cards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench_cards \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/bench_page_cpu.py

    # before and after in one run (the old code in another folder, e.g. main):
    git archive main | tar -x -C /tmp/lotse_before
    BENCH_BASELINE=/tmp/lotse_before DATABASE_URL=… .venv/bin/python bench/bench_page_cpu.py

    .venv/bin/python bench/bench_page_cpu.py --profile matches   # cProfile (CPU) of one page, this checkout

The method of ``bench_cards.py`` (whose seed, production settings and signed-in employer session it
reuses): every page through Django's test client **in-process**, DEBUG off, cached templates,
PostgreSQL, Redis cache, database sessions, the whole middleware chain, timed with
``time.process_time`` — the CPU a request costs, which the crowd on a shared 2-core box inflates far
less than latency or throughput. Each code version runs in its own short-lived process, the versions
alternate BENCH_ROUNDS times (default 4) with BENCH_REQUESTS requests per page and round (default 50,
the pages interleaved) after warm-up, so both see the same load. Prints the median and quartiles.

Pages:

- ``trivial``: ``robots.txt`` with the employer's session — the whole middleware chain, no template
  (the "trivial view" of issue 21 and of bench_load.py).
- ``layout``: a signed-in page that renders only the base layout (``base.html`` with an empty
  content block), mounted by the worker at ``/bench-layout/``: what every page pays for navigation,
  the unread count, the language list and the context processors.
- ``browse``: the employer's browse page as it opens (10 cards), as most requests find it: the
  worker kept the page's cards (employers.browse_results) and checks their listing live.
- ``browse_cold``: the same page read anew, as after a change to who is listed or to a card: the
  worker's kept pages are dropped before each request (outside the time measured).
- ``matches``: page 1 of a placement's matches (25 cards with their explanations), as most
  requests find it: the worker kept the page (employers.selectors.placement_matches).
- ``matches_cold``: the same page read anew (the kept pages dropped before each request; the
  ranking itself stays remembered, as it does until the index changes).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))

from bench_cards import N_CANDIDATES, _client, _django, measure, prepare, profile  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
PAGES = ("trivial", "layout", "browse", "browse_cold", "matches", "matches_cold")


def run_worker(root: Path, pages: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(root)],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
        cwd=root,  # Celery's Django fix-up puts the working directory first on sys.path
        check=False,
    )
    if out.returncode:
        sys.exit(f"worker for {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pages() -> dict[str, str]:
    found = prepare()
    return (
        {"cookie": found["cookie"], "trivial": found["trivial"], "layout": "/bench-layout/"}
        | {name: found[name] for name in ("browse", "matches")}
        | {"browse_cold": found["browse"], "matches_cold": found["matches"]}
    )


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Give it a PostgreSQL database of its own: DATABASE_URL=postgres://…/lotse_bench_cards")
    _django(HERE)
    pages = _pages()
    if "--profile" in sys.argv:
        _mount_layout()
        profile(pages, sys.argv[sys.argv.index("--profile") + 1], REQUESTS)
        return
    samples, queries, sizes, load, started = alternate(lambda root: run_worker(root, pages), PAGES, ROUNDS)
    print(
        f"{started}, {os.uname().machine}, {os.cpu_count()} cores; {N_CANDIDATES:,} listed candidates; "
        f"{ROUNDS} rounds × {REQUESTS} requests per page and version; load average "
        f"{min(load):.1f}–{max(load):.1f}\nCPU ms per request (time.process_time, test client included): "
        "median [quartiles]"
    )
    print_table(samples, queries, sizes, PAGES)


def alternate(run, pages: tuple[str, ...], rounds: int) -> tuple[dict, dict, dict, list[float], str]:
    """Run this checkout (and BENCH_BASELINE's, first in every round) ``rounds`` times, alternating.

    ``run(root)`` measures one code version in its own process and returns its worker's JSON. Returns
    the CPU samples and the queries and bytes per version and page, the load averages seen and when
    the run started (shared with bench_staff_pages.py).
    """
    baseline = os.environ.get("BENCH_BASELINE")
    versions = {"before": Path(baseline).resolve()} if baseline else {}
    versions["after" if baseline else "this"] = HERE
    samples: dict[str, dict[str, list[float]]] = {v: {p: [] for p in pages} for v in versions}
    queries: dict[str, dict[str, int]] = {}
    sizes: dict[str, dict[str, int]] = {}
    load = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for r in range(rounds):
        for name, root in versions.items():
            load.append(os.getloadavg()[0])
            result = run(root)
            for page, values in result["cpu_ms"].items():
                samples[name][page].extend(values)
            queries[name], sizes[name] = result["queries"], result["bytes"]
        print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
    return samples, queries, sizes, load, started


def print_table(samples: dict, queries: dict, sizes: dict, pages: tuple[str, ...]) -> None:
    """One line per page: median [quartiles] CPU ms per version, the queries and the page's size."""
    names = list(samples)
    print("page".ljust(10) + "".join(f"{n:>24}" for n in names) + "   queries     KB")
    for page in pages:
        cells = []
        for n in names:
            q = statistics.quantiles(samples[n][page], n=4)
            cells.append(f"{statistics.median(samples[n][page]):6.1f} [{q[0]:5.1f}–{q[2]:5.1f}]".rjust(24))
        qs = " → ".join(str(queries[n][page]) for n in names)
        kb = " → ".join(f"{sizes[n][page] / 1024:.0f}" for n in names)
        print(page.ljust(10) + "".join(cells) + f"   {qs:>7}   {kb}")


# --- worker: one code version, in its own process ----------------------------------------------------


def _mount_layout() -> None:
    """/bench-layout/: a signed-in page that renders only base.html (the cost every page shares)."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    import config.urls

    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}Bench{% endblock %}{% block content %}<p>x</p>{% endblock %}'
    )

    @login_required
    def layout(request):
        return HttpResponse(template.render({}, request))

    config.urls.urlpatterns.insert(0, path("bench-layout/", layout))
    clear_url_caches()


def worker(root: Path) -> None:
    pages = json.loads(sys.stdin.read())
    _django(root)
    import employers

    print(f"worker: {employers.__file__}", file=sys.stderr)
    _mount_layout()
    print(json.dumps(measure(_client(pages), pages, PAGES, REQUESTS)))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]).resolve())
    else:
        main()
