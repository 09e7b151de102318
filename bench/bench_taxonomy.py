"""Benchmark: ESCO load time and search latency.

    .venv/bin/python bench/bench_taxonomy.py            # uses a throw-away SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_taxonomy.py

Prints the time of a first load and of an idempotent reload, the time to build the search
indexes, and median / p95 latency of ~200 searches (autocomplete-style: prefixes, typos, English).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
_tmp = tempfile.TemporaryDirectory()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from taxonomy.models import Occupation, Skill  # noqa: E402
from taxonomy.selectors import _index_for, clear_search_index, search_occupations, search_skills  # noqa: E402
from taxonomy.services import taxonomy_load  # noqa: E402

WORDS = [
    "Schweißer",
    "Schweisser",
    "Schweiser",
    "Altenpflger",
    "Altenpflege",
    "Gabelstapler",
    "Gabelstaplr",
    "Koch",
    "Köchin",
    "Bäcker",
    "Backer",
    "Baecker",
    "Elektriker",
    "Elektronikr",
    "Lagerist",
    "Lager",
    "Fahrer",
    "Berufskraftfahrer",
    "LKW",
    "Krankenpfleger",
    "Krankenpflger",
    "Pflegehelfer",
    "Maurer",
    "Maler",
    "Lackierer",
    "Friseur",
    "Frisör",
    "Verkäufer",
    "Kassierer",
    "Reinigungskraft",
    "Gebäudereiniger",
    "Tischler",
    "Schreiner",
    "Installateur",
    "Anlagenmechaniker",
    "Mechatroniker",
    "Kfz-Mechaniker",
    "Erzieher",
    "Kinderpflege",
    "Deutsch",
    "Englisch",
    "Arabisch",
    "Excel",
    "Buchhaltung",
    "Kundenberatung",
    "Kundenservice",
    "Lieferwagen fahren",
    "Waren einräumen",
    "Büro",
    "Programmieren",
    "welder",
    "forklift",
    "cook",
    "nurse",
    "driver",
    "warehouse",
    "cleaner",
    "electrician",
]


def queries() -> list[tuple[str, str]]:
    """~230 queries: whole words, autocomplete prefixes (as typed), and English ones."""
    out = []
    for word in WORDS:
        lang = "en" if word.islower() and word.isascii() else "de"
        out.append((word, lang))
        for n in (3, 5):
            if len(word) > n + 1:
                out.append((word[:n], lang))
        if len(word) > 8:
            out.append((word[:-2], lang))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    call_command("migrate", verbosity=0)
    for run in ("first load", "reload (idempotent)"):
        report = taxonomy_load()
        print(
            f"{run}: {report.seconds:.2f} s — occupations {report.occupations.total}, "
            f"skills {report.skills.total}, relations {report.relations.total}, "
            f"skipped {report.relations_skipped}, created {report.relations.created}"
        )

    clear_search_index()
    for model in (Occupation, Skill):
        started = time.perf_counter()
        index = _index_for(model)
        print(
            f"search index {model.__name__}: {time.perf_counter() - started:.2f} s, "
            f"{len(index.keys)} labels, {len(index.words)} words"
        )

    qs = queries()
    for name, search in (("occupations", search_occupations), ("skills", search_skills)):
        timings = []
        for query, lang in qs:
            started = time.perf_counter()
            search(query=query, limit=10, language=lang)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"search_{name}: {len(timings)} queries, median {statistics.median(timings):.1f} ms, "
            f"p95 {pct(timings, 95):.1f} ms, max {max(timings):.1f} ms"
        )


if __name__ == "__main__":
    main()
