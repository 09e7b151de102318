"""CPU ms per request of the staff pages of bench_load.py (the case page, the coaching caseload, the
monitoring dashboard) beside its trivial view, in-process, before and after in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench_load REDIS_URL=redis://127.0.0.1:6379/14 \\
    BENCH_BASELINE=/tmp/lotse_before .venv/bin/python bench/bench_staff_pages.py

bench_load.py's seed, sessions and production settings (its ``prepare``), the method of
bench_page_cpu.py: each code version in its own short-lived process through Django's test client
(the whole middleware chain, DEBUG off, PostgreSQL, Redis cache), timed with ``time.process_time``,
the versions alternating BENCH_ROUNDS times (default 4) with BENCH_REQUESTS requests per page and
round (default 30, the pages interleaved) after warm-up. On a crowded machine the CPU a request
costs moves far less than the latency and throughput wrk measures.

    .venv/bin/python bench/bench_staff_pages.py --profile case   # cProfile (CPU) of one page, this checkout
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))

from bench_page_cpu import alternate, print_table  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
# (any of bench_load.py's pages: BENCH_PAGES=trivial,matches)
PAGES = tuple(os.environ.get("BENCH_PAGES", "trivial,case,case_new,caseload,dashboard").split(","))


def worker(root: Path) -> None:
    sys.argv = sys.argv[:1]
    sys.path.insert(0, str(root / "bench"))
    import bench_load  # the production settings, django.setup(), of this code version
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = bench_load.prepare()
    for name in PAGES:  # an older checkout without a "_new" page: its page under a new address
        if name.endswith("_new") and name not in pages:
            path, cookie = pages[name.removesuffix("_new")]
            pages[name] = (f"{path}{'&' if '?' in path else '?'}v={{n}}", cookie)
    clients = {}
    for name in PAGES:
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = pages[name][1]
        clients[name] = client
    queries, sizes = {}, {}
    for name in PAGES:
        for _ in range(3):
            response = clients[name].get(pages[name][0].replace("{n}", "0"))
            if response.status_code != 200:
                sys.exit(f"{name}: {pages[name][0]} answered {response.status_code}")
        with CaptureQueriesContext(connection) as ctx:  # (a "_new" page under an address of its own)
            response = clients[name].get(pages[name][0].replace("{n}", "queries"))
        queries[name], sizes[name] = len(ctx.captured_queries), len(response.content)
    cpu: dict[str, list[float]] = {name: [] for name in PAGES}
    for n in range(REQUESTS):
        for name in PAGES:
            path = pages[name][0].replace("{n}", str(n + 1))  # (a page under a new address each time)
            t0 = time.process_time()
            clients[name].get(path)
            cpu[name].append((time.process_time() - t0) * 1000)
    print(json.dumps({"cpu_ms": cpu, "queries": queries, "bytes": sizes}))


def profile(name: str) -> None:
    import cProfile
    import pstats

    import bench_load
    from django.test import Client

    path, cookie = bench_load.prepare()[name]
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = cookie
    for n in range(5):
        client.get(path.replace("{n}", f"w{n}"))
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for the database
    for n in range(REQUESTS):  # a "_new" page under a new address each time, as in bench_load.py
        url = path.replace("{n}", str(n))
        profiler.enable()
        client.get(url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    if os.environ.get("BENCH_PROFILE_OUT"):
        stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])
    stats.sort_stats("cumulative").print_stats(70)
    stats.sort_stats("tottime").print_stats(30)


def run_worker(root: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
        cwd=root,
        check=False,
    )
    if out.returncode:
        sys.exit(f"worker for {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    samples, queries, sizes, load, started = alternate(run_worker, PAGES, ROUNDS)
    print(
        f"{started}, {os.uname().machine}, {os.cpu_count()} cores; {ROUNDS} rounds × {REQUESTS} requests "
        f"per page and version; load average {min(load):.1f}–{max(load):.1f}\n"
        "CPU ms per request (time.process_time, test client included): median [quartiles]"
    )
    print_table(samples, queries, sizes, PAGES)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]).resolve())
    elif "--profile" in sys.argv:
        sys.argv, name = sys.argv[:1], sys.argv[sys.argv.index("--profile") + 1]
        profile(name)
    else:
        main()
