"""The notification service: who gets a notice, once, and how it is mailed."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications import services
from notifications.links import base_url
from notifications.models import Notification
from tests.factories import UserFactory

KIND = "coaching.request_answered"  # registered by the coaching app


@pytest.fixture
def people(db):
    return UserFactory(preferred_language="de"), UserFactory(preferred_language="uk")


def test_none_and_duplicates_are_skipped(people):
    first, second = people
    made = services.notify(recipients=[first, None, second, first], kind=KIND, link="coaching:home")
    assert [n.recipient_id for n in made] == [first.pk, second.pk]
    assert Notification.objects.count() == 2


def test_an_unknown_kind_is_refused(people):
    with pytest.raises(ValueError):
        services.notify(recipients=[people[0]], kind="nobody.registered.this")


def test_a_dedupe_key_makes_one_notice_per_person(people):
    first, second = people
    for _ in range(3):
        services.notify(recipients=[first, second], kind=KIND, dedupe_key="follow_up_due:7")
    assert Notification.objects.filter(dedupe_key="follow_up_due:7").count() == 2
    # Without a key, a second notice is a second row.
    services.notify(recipients=[first], kind=KIND)
    services.notify(recipients=[first], kind=KIND)
    assert Notification.objects.filter(recipient=first, dedupe_key="").count() == 2


def test_per_item_mail_goes_after_the_commit_once(people, django_capture_on_commit_callbacks):
    first, _second = people
    with django_capture_on_commit_callbacks(execute=True):
        [notice] = services.notify(recipients=[first], kind=KIND, link="coaching:home")
        assert mail.outbox == []  # nothing leaves before the commit
    assert [m.to for m in mail.outbox] == [[first.email]]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    # A second run of the task (at least once) sends nothing more.
    assert services.notification_email_send(notification_id=notice.pk) is False
    assert len(mail.outbox) == 1


def test_the_digest_collects_unread_notices_once_a_day(people, django_capture_on_commit_callbacks):
    first, second = people
    services.email_preference_set(user=first, choice=services.EMAIL_DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[first, second], kind=KIND, link="coaching:home")
        services.notify(recipients=[first], kind="coaching.handover_decided", link="coaching:home")
        read = services.notify(recipients=[first], kind=KIND)[0]
    # The per-item reader got their mail at once; the digest reader nothing yet.
    assert [m.to for m in mail.outbox] == [[second.email]]
    services.notification_mark_read(user=first, pk=read.pk)

    assert services.digests_send() == 1
    digest = mail.outbox[-1]
    assert digest.to == [first.email]
    assert "2" in digest.subject
    assert digest.body.count(base_url() + "/app/coaching/") == 2  # the read one is not in it
    # Idempotent: a second run the same day sends nothing.
    assert services.digests_send() == 0
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(recipient=first, emailed_at__isnull=True).exists()


def test_in_app_only_notices_are_never_mailed(people, django_capture_on_commit_callbacks):
    first, _ = people
    services.email_preference_set(user=first, choice=services.EMAIL_DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[first], kind=KIND, email=False)
    assert services.digests_send() == 0
    assert mail.outbox == []


def test_the_post_that_answers_marks_the_notices_about_it_read(people):
    first, second = people
    target = UserFactory()  # any row will do as what the notice is about
    services.notify(recipients=[first, second], kind=KIND, target=target)
    services.notify(recipients=[first], kind=KIND)
    assert services.notification_mark_read_for(user=first, target=target) == 1
    assert Notification.objects.filter(recipient=first, read_at__isnull=True).count() == 1
    assert Notification.objects.filter(recipient=second, read_at__isnull=True).count() == 1


def test_the_mail_is_in_the_readers_language_with_an_absolute_link(
    people, django_capture_on_commit_callbacks
):
    _first, second = people  # reads Ukrainian
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[second],
            kind="employers.selected.candidate",
            params={"placement": "Koch", "employer": "Gasthaus Linde"},
            link="employers:my_introductions",
        )
    [message] = mail.outbox
    assert message.body.startswith("Добрий день")
    assert "Підприємство хоче з вами познайомитися" in message.subject
    assert base_url() + "/uk/app/employers/my/introductions/" in message.body
    assert base_url() + "/uk/app/notifications/" in message.body
    # A mailbox is not behind our login: no business or placement in the mail.
    assert "Gasthaus Linde" not in message.body


def test_an_unknown_language_falls_back_to_german(people, django_capture_on_commit_callbacks):
    first, _ = people
    first.preferred_language = "xx"
    first.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[first], kind=KIND, link="coaching:home")
    assert mail.outbox[0].body.startswith("Guten Tag,")
    assert base_url() + "/app/coaching/" in mail.outbox[0].body


def test_notices_are_in_the_gdpr_export_and_go_with_the_erasure(people):
    from privacy.registry import registry

    first, second = people
    services.notify(recipients=[first, second], kind=KIND)
    assert [item["kind"] for item in registry.export(first)["notifications"]] == [KIND]
    registry.erase(first)
    assert not Notification.objects.filter(recipient=first).exists()
    assert Notification.objects.filter(recipient=second).exists()
