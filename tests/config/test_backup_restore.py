"""Backups you have restored (issue 18): the routine of docs/operations.md, run for real.

The demo (seed_demo on the real ESCO taxonomy) is committed to the test database, dumped with
``pg_dump --format=custom``, restored with ``pg_restore`` into a new database, and the two are
compared: the same tables, the same number of rows in every table, the same rows in the key
tables (a checksum over each row's text), every sequence at the same position. PostgreSQL only;
under CI=true the skip elsewhere is a failure (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.fixtures.demo import clear_demo

# People, their consents and cases, the jobs, who looked at what, the logins.
KEY_TABLES = (
    "candidates_candidate",
    "candidates_consent",
    "candidates_case",
    "employers_placement",
    "privacy_auditentry",
    "accounts_user",
)


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the backup routine is PostgreSQL's pg_dump/pg_restore (DATABASE_URL is not postgres)")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"the PostgreSQL client {tool} is not installed (apt-get install postgresql-client)")


def _connection_args(database: str) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    args = ["--host", settings.get("HOST") or "localhost", "--dbname", database]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _maintenance(sql: str) -> None:
    """CREATE/DROP DATABASE: outside a transaction, on a connection of their own."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings.get("HOST") or "localhost",
        port=settings.get("PORT") or 5432,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as maintenance:
        maintenance.execute(sql)


def _snapshot(database: str) -> dict:
    """Tables with their row counts, checksums of the key tables, sequence positions."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings.get("HOST") or "localhost",
        port=settings.get("PORT") or 5432,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        dbname=database,
    ) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
        checksums = {
            table: db.execute(
                f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()[0]
            for table in KEY_TABLES
        }
        sequences = dict(
            db.execute(
                "SELECT schemaname || '.' || sequencename, coalesce(last_value, 0) FROM pg_sequences "
                "WHERE schemaname = 'public'"
            ).fetchall()
        )
    return {"counts": counts, "checksums": checksums, "sequences": sequences}


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker, request):
    """The demo as `make demo` seeds it, committed; removed afterwards."""
    from tests.fixtures.taxonomy import esco_ensure

    esco_ensure(request, django_db_blocker)
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            yield None
            return
        call_command("seed_demo", stdout=StringIO())
        yield connection.settings_dict["NAME"]
        clear_demo()


# A django_db mark so that pytest-django sets up the test database at all; the demo itself was
# committed by the module fixture, which is what pg_dump sees.
@pytest.mark.django_db
def test_a_dump_of_the_demo_restores_into_a_new_database_with_every_row(demo_database, tmp_path):
    _require_postgres()
    from candidates.models import Candidate, Consent
    from privacy.models import AuditEntry

    assert Candidate.objects.count() >= 400 and Consent.objects.exists() and AuditEntry.objects.exists()
    restored = f"{demo_database}_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "lotse.dump"

    started = time.perf_counter()
    args, env = _connection_args(demo_database)
    subprocess.run(
        ["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(dump)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    dumped = time.perf_counter() - started
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public candidates_candidate" in listing.stdout

    _maintenance(f'CREATE DATABASE "{restored}"')
    try:
        args, env = _connection_args(restored)
        result = subprocess.run(
            ["pg_restore", *args, "--no-owner", "--exit-on-error", str(dump)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        restored_seconds = time.perf_counter() - started - dumped

        source, copy = _snapshot(demo_database), _snapshot(restored)
        assert len(source["counts"]) > 100  # every app's tables, Wagtail's, Celery beat's
        assert source["counts"]["candidates_candidate"] >= 400
        assert sum(source["counts"].values()) > 100_000  # ESCO and the demo: a real amount of rows
        assert copy["counts"] == source["counts"]
        assert copy["checksums"] == source["checksums"]
        assert all(
            checksum != "d41d8cd98f00b204e9800998ecf8427e" for checksum in source["checksums"].values()
        )
        assert copy["sequences"] == source["sequences"]
        print(
            f"\nbackup: {sum(source['counts'].values()):,} rows in {len(source['counts'])} tables, "
            f"dump {dump.stat().st_size / 2**20:.1f} MiB in {dumped:.1f} s, restore {restored_seconds:.1f} s"
        )
    finally:
        _maintenance(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    # Gone again: nothing of the copy stays on the server.
    import psycopg

    with pytest.raises(psycopg.OperationalError):
        _snapshot(restored)
