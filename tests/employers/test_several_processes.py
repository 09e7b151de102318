"""Several processes, one truth (issue 18): two gunicorn instances, two Celery workers and beat
on one PostgreSQL and one Redis, as docker-compose scales them out.

- A profile change made through instance A (the person adds a skill, then lowers their German
  level) shows in the matches instance B serves on its very next request: the new skill in the
  score, the German level in the explanation and in B's German filter.
- The case page, kept by each instance for a returning case manager (organisations.kept_page): a
  note written through A, from A's kept page with its token and one-time key, shows in B's next
  answer and in A's.
- A consent revocation made through instance A: the person is gone from the matches that
  instance B serves on its very next request (B's in-memory candidate index was built before).
- The daily follow-up reminder, sent by beat every second and by hand at once to both workers:
  one e-mail and one notice per due follow-up, whichever worker ran it and however often.
(A worker killed mid-task losing nothing: tests/coaching/test_reminder_worker.py.)
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule

from candidates.models import Consent, ConsentScope
from coaching.models import FollowUpDue
from matching.models import IndexChange
from notifications.models import Notification
from tests.clock import live_today
from tests.config.celery_helpers import require_redis, running_worker
from tests.config.servers import RunningServer, running_gunicorns
from tests.employers.server_pages import get_page, match_section, session_cookie, submit_form
from tests.factories import IntervalScheduleFactory, PeriodicTaskFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
REMINDERS = "coaching.tasks.send_follow_up_reminders"


def _revoke_through(server: RunningServer, consent: Consent, cookie: str) -> None:
    """The person's own revocation, on its page."""
    submit_form(server, f"/app/candidates/consents/{consent.pk}/revoke/", cookie)


def _note_through(server: RunningServer, page: str, case_pk: int, cookie: str) -> None:
    """A note sent from the case page as a browser sends it, with that page's token and one-time key."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    key = re.search(
        r'name="submission_key" value="([^"]+)" id="id_note_submission_key_noteform"', page
    ).group(1)
    status, _headers, body = server.request(
        "POST",
        reverse("candidates:note_add", args=[case_pk]),
        body=urlencode(
            {"csrfmiddlewaretoken": token, "text": "Rückruf am Montag", "submission_key": key}
        ).encode(),
        headers={
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert status == 302, (status, body.decode()[-3000:], server.log()[-3000:])


def _score(page: str, ref: str) -> int:
    return int(re.search(r"Passung: (\d+) von 100", match_section(page, ref)).group(1))


def _runs(celery) -> int:
    log = celery.log("worker")
    return sum(1 for line in log.splitlines() if f"Task {REMINDERS}[" in line and " succeeded in " in line)


def _index_runs(*workers) -> int:
    """Runs of the index update task on the given workers (skill, German, revocation: one each)."""
    task = "Task matching.tasks.index_candidates_changed["
    return sum(
        1
        for w in workers
        for line in w.log("worker").splitlines()
        if task in line and " succeeded in " in line
    )


def _mails(directory: Path) -> list[str]:
    return sorted(p.read_text(errors="replace") for p in directory.glob("mail-*.eml"))


def test_two_servers_two_workers_and_beat_share_one_truth(
    request,
    tmp_path,
    employer,
    placement,
    candidate,
    candidate_user,
    coaching_world,
    signed_in,
    cook_taxonomy,
):
    require_redis(request)
    started = time.monotonic()
    queue = f"lotse-test-several-{uuid.uuid4().hex[:10]}"
    shared = {
        "LOTSE_TEST_CELERY_QUEUE": queue,
        "DJANGO_EMAIL_BACKEND": "tests.coaching.mail_backend.DirectoryBackend",
        "LOTSE_TEST_MAIL_DIR": str(tmp_path),
    }
    every_second = IntervalScheduleFactory(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTaskFactory(name=f"test {queue}", task=REMINDERS, interval=every_second, queue=queue)
    today = live_today()  # real processes read the real clock (tests/clock.py)
    dues = list(FollowUpDue.objects.filter(due_date__lte=today).values_list("pk", flat=True))
    assert (
        len(dues) == 2
    )  # the coaching coaching_world: one due today or earlier per plan, later ones not yet
    listing = Consent.objects.get(candidate=candidate, scope=ConsentScope.LISTING)
    employer_cookie = session_cookie(signed_in(employer.own))
    candidate_cookie = session_cookie(signed_in(candidate_user))
    matches = f"/app/employers/placements/{placement.pk}/matches/"

    with (
        running_gunicorns(2, **shared) as (a, b),
        # Each worker also has a queue of its own: the broker may hand every message of the shared
        # queue to one worker, so "both run the reminders at once" is sent, not hoped for.
        running_worker(queues=[queue, f"{queue}-a"], beat=True, **shared) as first,
        running_worker(queues=[queue, f"{queue}-b"], **shared) as second,
    ):
        print(f"\nall processes up after {time.monotonic() - started:.1f} s")
        ref = candidate.public_ref
        # --- profile: changed through A, in B's next answer -----------------------------------
        seen = IndexChange.objects.filter(candidate_id=candidate.pk).count()
        before = get_page(b, matches, employer_cookie)  # B has built its index
        assert "Deutsch: B1 – erfüllt (gefordert A2)." in match_section(before, ref)
        assert ref in get_page(b, f"{matches}?german=B1", employer_cookie)
        assert ref in get_page(a, matches, employer_cookie)
        menu = cook_taxonomy.skills[2]  # the placement's optional skill, not yet in the profile
        submit_form(
            a,
            "/app/candidates/me/skills/",
            candidate_cookie,
            {"skill_label": menu.label_de, "skill_uri": menu.uri},
        )
        after_skill = get_page(b, matches, employer_cookie)
        assert _score(after_skill, ref) > _score(before, ref), match_section(after_skill, ref)
        german = {"language": "de", "spoken": "A2", "written": "A2", "exam": "none"}
        submit_form(a, "/app/candidates/me/languages/", candidate_cookie, german)
        after_german = get_page(b, matches, employer_cookie)
        assert "Deutsch: A2 – erfüllt (gefordert A2)." in match_section(after_german, ref)
        assert ref not in get_page(b, f"{matches}?german=B1", employer_cookie)
        print(f"profile part done after {time.monotonic() - started:.1f} s")

        # --- the case page: kept in each instance, a note written through A in B's next answer ---
        case_page = reverse("candidates:case_detail", args=[coaching_world.case.pk])
        manager_cookie = session_cookie(signed_in(coaching_world.case_manager))
        for server in (b, b, a, a):  # drawn, then kept (organisations.kept_page), in each instance
            assert "Rückruf am Montag" not in get_page(server, case_page, manager_cookie)
        _note_through(a, get_page(a, case_page, manager_cookie), coaching_world.case.pk, manager_cookie)
        assert "Rückruf am Montag" in get_page(b, case_page, manager_cookie)
        assert "Rückruf am Montag" in get_page(a, case_page, manager_cookie)

        # --- consent: revoked through A, gone from B's next answer ----------------------------
        assert ref in get_page(b, matches, employer_cookie)
        assert ref in get_page(a, matches, employer_cookie)
        _revoke_through(a, listing, candidate_cookie)
        assert ref not in get_page(b, matches, employer_cookie)
        assert ref not in get_page(a, matches, employer_cookie)
        # ... and a worker took the index update A sent too (the durable copy of the change log
        # row A wrote at once): one run of the task per change made through A.
        assert first.wait_for(lambda: _index_runs(first, second) >= 3, timeout=30), (
            first.logs() + second.logs()
        )
        assert IndexChange.objects.filter(candidate_id=candidate.pk).count() - seen >= 6

        print(f"consent part done after {time.monotonic() - started:.1f} s")
        # --- reminders: beat every second, plus two each sent to both workers at once -----------
        for _ in range(2):
            first.send_task(REMINDERS, queue=f"{queue}-a")
            second.send_task(REMINDERS, queue=f"{queue}-b")
        assert first.wait_for(lambda: _runs(first) >= 2 and _runs(second) >= 2, timeout=40), (
            first.logs() + second.logs()
        )
        # Beat reads its schedule from the database on its own clock (up to a few seconds under load).
        sent_by_beat = f"Sending due task test {queue} ({REMINDERS})"
        assert first.wait_for(lambda: sent_by_beat in first.log("beat"), timeout=45), first.log("beat")
    mails = _mails(tmp_path)
    assert len(mails) == len(dues), mails
    for pk in dues:
        assert sum(f"followup-due-{pk}@" in mail for mail in mails) == 1
    assert Notification.objects.filter(kind="coaching.follow_up_due").count() == len(dues)
    print(f"\nseveral processes: {time.monotonic() - started:.1f} s")
