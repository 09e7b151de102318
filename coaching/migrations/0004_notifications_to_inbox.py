"""Copy the coaching notices into the one inbox (notifications.Notification): their German text
stays as ``params["text"]``, their link becomes a URL name and kwargs. The old model is deleted by
the next migration."""

import re

from django.db import migrations
from django.urls import Resolver404, resolve


def _link(path):
    """``/uk/app/coaching/requests/5/`` → ("coaching:support_request_detail", {"pk": 5})."""
    if not path:
        return "", {}
    # Stored under whichever language was active: resolve without the prefix.
    path = re.sub(r"^/(?:en|ar|uk|fa)/", "/", path)
    try:
        match = resolve(path)
    except Resolver404:
        return "", {}
    if not match.view_name.startswith("coaching:"):
        return "", {}  # not one of ours (e.g. Wagtail's catch-all): the inbox shows it unlinked
    return match.view_name, dict(match.kwargs)


def copy(apps, schema_editor):
    Old = apps.get_model("coaching", "CoachingNotification")
    New = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    due_type, _ = ContentType.objects.get_or_create(app_label="coaching", model="followupdue")
    for old in Old.objects.iterator():
        url_name, url_kwargs = _link(old.url)
        new = New.objects.create(
            recipient_id=old.user_id,
            kind=f"coaching.{old.kind}",
            params={"text": old.text} if old.text else {},
            url_name=url_name,
            url_kwargs=url_kwargs,
            target_type=due_type if old.due_id else None,
            target_id=old.due_id,
            dedupe_key=f"follow_up_due:{old.due_id}" if old.kind == "follow_up_due" and old.due_id else "",
        )
        New.objects.filter(pk=new.pk).update(
            created_at=old.created_at, read_at=old.read_at, emailed_at=old.created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_dates_in_stored_range"),
        ("notifications", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
