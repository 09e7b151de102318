"""Copy the employers' notices into the one inbox (notifications.Notification). The old model is
deleted by the next migration."""

from django.db import migrations

KINDS = {
    # old kind: (kind for a candidate, kind for staff, URL name for a candidate, URL name for staff)
    "selected": (
        "employers.selected.candidate",
        "employers.selected.staff",
        "employers:my_introductions",
        "employers:staff_introductions",
    ),
    "updated": (
        "employers.updated.candidate",
        "employers.updated.staff",
        "employers:my_introductions",
        "employers:staff_introductions",
    ),
}
EMPLOYER_KINDS = {"accepted": "employers.accepted.employer", "declined": "employers.declined.employer"}


def copy(apps, schema_editor):
    Old = apps.get_model("employers", "Notification")
    New = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    intro_type, _ = ContentType.objects.get_or_create(app_label="employers", model="introduction")
    rows = Old.objects.select_related("user", "introduction__placement__employer__organisation")
    for old in rows.iterator():
        intro = old.introduction
        params, url_name, url_kwargs = {}, "", {}
        if intro is not None:
            placement = intro.placement
            params = {"placement": placement.title, "employer": placement.employer.organisation.name}
        if old.kind in EMPLOYER_KINDS:
            kind = EMPLOYER_KINDS[old.kind]
            if intro is not None:
                url_name, url_kwargs = "employers:introduction_detail", {"ref": intro.reference}
        else:
            candidate_kind, staff_kind, candidate_url, staff_url = KINDS.get(old.kind, KINDS["updated"])
            mine = old.user.is_candidate
            kind = candidate_kind if mine else staff_kind
            url_name = candidate_url if mine else staff_url
        new = New.objects.create(
            recipient_id=old.user_id,
            kind=kind,
            params=params,
            url_name=url_name,
            url_kwargs=url_kwargs,
            target_type=intro_type if intro is not None else None,
            target_id=intro.pk if intro is not None else None,
        )
        # auto_now_add stamps "now" on create: put the original times back (they were mailed then).
        New.objects.filter(pk=new.pk).update(
            created_at=old.created_at, read_at=old.read_at, emailed_at=old.created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0008_merge_trust_slices"),
        ("notifications", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
