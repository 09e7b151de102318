"""The appointment reminder (issue 22) through django-celery-beat's scheduler, Redis and a REAL
Celery worker on the test database: beat fires the task every second, and the reminder of an
appointment 20 hours ahead still goes out exactly once to each attendee, in their language."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule

from candidates import services
from candidates.models import Appointment
from tests.config.celery_helpers import require_redis, running_worker
from tests.factories import CaseFactory, IntervalScheduleFactory, PeriodicTaskFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
TASK = "candidates.tasks.send_appointment_reminders"


def test_the_reminder_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["candidates-appointment-reminders"]
    assert entry["task"] == TASK
    assert entry["schedule"] <= 60 * 60  # often enough to catch "24 hours ahead"


def _mails(directory: Path) -> list[str]:
    return sorted(p.read_text(errors="replace") for p in directory.glob("mail-*.eml"))


def test_beat_and_worker_send_each_reminder_once(tmp_path, request, municipality):
    require_redis(request)
    coach = new_member("job_coach", municipality=municipality, preferred_language="en")
    organisation = coach.memberships.first().organisation
    person = new_member("candidate", preferred_language="fa", email="person-reminder@example.org")
    case = CaseFactory(
        responsible_organisation=organisation, candidate__municipality=municipality, candidate__user=person
    )
    appointment = services.appointment_create(
        case=case,
        actor=coach,
        kind="interview",
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=21),
        place="Rathaus",
        staff_attendees=[coach],
        interpreter_needed=True,
        interpreter_language="fa",
    )
    queue = f"lotse-test-beat-{uuid.uuid4().hex[:12]}"
    every_second = IntervalScheduleFactory(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTaskFactory(name=f"test {queue}", task=TASK, interval=every_second, queue=queue)
    env = {
        "DJANGO_EMAIL_BACKEND": "tests.coaching.mail_backend.DirectoryBackend",
        "LOTSE_TEST_MAIL_DIR": str(tmp_path),
    }
    with running_worker(queues=[queue], beat=True, **env) as celery:
        # Several runs of the task: the first sends, every later one finds the reminder claimed.
        assert celery.wait_for(lambda: celery.log("worker").count(" succeeded in ") >= 4, timeout=90), (
            celery.logs()
        )
        assert f"Sending due task test {queue} ({TASK})" in celery.log("beat"), celery.logs()
    mails = _mails(tmp_path)
    assert len(mails) == 2, mails
    assert sum(person.email in m for m in mails) == 1
    assert sum(coach.email in m for m in mails) == 1
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None
    assert Appointment.objects.filter(reminder_sent_at__isnull=False).count() == 1
