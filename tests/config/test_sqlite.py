"""The embedded SQLite default (make demo) lets two writers queue instead of answering 500.

Wagtail's autosave racing an editor's submit gave "database is locked". Run in a subprocess with
the demo's SQLite settings, as a demo user would have them (the suite itself runs on PostgreSQL).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as c:
    c.execute("PRAGMA journal_mode")
    print("journal", c.fetchone()[0])
    c.execute("CREATE TABLE IF NOT EXISTS page (id integer primary key, title text)")
    c.execute("INSERT INTO page (id, title) VALUES (1, 'Start')")

errors = []

def edit(title, pause):
    try:
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("SELECT title FROM page WHERE id = 1")
                c.fetchone()
                time.sleep(pause)  # the autosave and the submit both read, then write
                c.execute("UPDATE page SET title = %s WHERE id = 1", [title])
    except Exception as exc:  # noqa: BLE001
        errors.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=edit, args=("autosave", 0.5)), threading.Thread(target=edit, args=("submit", 0.5))]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("errors", errors)
with connection.cursor() as c:
    c.execute("SELECT title FROM page WHERE id = 1")
    print("title", c.fetchone()[0])
"""


def test_two_writers_on_the_demo_sqlite_queue_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "LOTSE_IGNORE_DOTENV": "1",
        "PYTHONPATH": f"{ROOT / 'platform'}{os.pathsep}{ROOT}",
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "journal wal" in out.stdout
    assert "errors []" in out.stdout, out.stdout
    assert "title autosave" in out.stdout or "title submit" in out.stdout
