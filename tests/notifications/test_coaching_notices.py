"""Coaching notices: the reminder is in the inbox once, and logging the follow-up answers it."""

from __future__ import annotations

import uuid

import pytest

from coaching import services
from notifications.models import Notification
from tests.clock import TODAY

# "Today" is tests.clock.TODAY, in the test and in the app alike.
pytestmark = pytest.mark.usefixtures("frozen_today")


def test_the_reminder_is_one_inbox_item_and_the_logged_follow_up_reads_it(coaching_world):
    assert services.reminders_send() == 2
    assert services.reminders_send() == 0
    reminders = Notification.objects.filter(recipient=coaching_world.coach, kind="coaching.follow_up_due")
    assert reminders.count() == 2
    assert all(n.dedupe_key.startswith("follow_up_due:") for n in reminders)
    # The reminder mails by itself: the inbox never mails it again (per item or digest).
    assert not reminders.filter(emailed_at__isnull=True).exists()

    services.follow_up_log(
        employment=coaching_world.employment,
        actor=coaching_world.coach,
        date=TODAY,
        mode="phone",
        with_whom="both",
        place="",
        topics=["conflict"],
        notes="Alles gut",
        next_date=None,
        token=uuid.uuid4(),
    )
    assert reminders.filter(read_at__isnull=False).count() == 1
