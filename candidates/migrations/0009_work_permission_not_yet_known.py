"""The work permit gets "noch offen" (unknown) as its default (issue 21).

Until now a new person started with "keine Beschäftigung erlaubt", and matching leaves such a
person out: everyone whose permit nobody had entered was never proposed.

Which existing "none" rows are "not set by a person"? The intake form has no permit field, so
every person starts with the default; a person sets the permit only on the staff profile form
(or in the Django admin). The profile service writes an audit entry naming each *changed* field
(``privacy.AuditEntry.fields``), and the admin logs the changed fields by their label
(``LogEntry.change_message``, "Arbeitserlaubnis"). So:

* a "none" with an audit entry or admin log naming ``work_permission`` was chosen: it stays;
* every other "none" never left the default: it becomes "unknown".

The one case this cannot tell apart: a person whose permit really is "none" and whom staff left
at the old default without ever touching the field (the form then changed nothing and wrote no
audit entry). Such a person is now ranked, marked "Arbeitserlaubnis noch offen", listed in "Für
das Matching fehlt noch" and counted on the caseload until someone enters the permit — the
direction in which the mistake is seen and corrected, unlike the old one, which hid people.
(Rows whose "none" was written straight into the database by a script, such as the demo data,
carry no audit entry either and become "unknown" as well.)

Reversing turns every "unknown" back into "none", the only value the old code had for it.
"""

import json

from django.db import migrations, models

FIELD = "work_permission"
ADMIN_LABEL = "Arbeitserlaubnis"  # the field's verbose name, as the admin logs it (untranslated)


def _chosen_in_audit(apps) -> set[str]:
    AuditEntry = apps.get_model("privacy", "AuditEntry")
    entries = AuditEntry.objects.filter(
        record_type="candidates.candidate", action__in=["create", "change"]
    ).values_list("record_id", "fields")
    # In Python, not a JSON lookup: SQLite (the demo) has no "contains" on JSON fields.
    return {record_id for record_id, fields in entries.iterator() if FIELD in (fields or [])}


def _chosen_in_admin(apps) -> set[str]:
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    content_type = ContentType.objects.filter(app_label="candidates", model="candidate").first()
    if content_type is None:
        return set()
    chosen = set()
    for object_id, message in LogEntry.objects.filter(content_type=content_type).values_list(
        "object_id", "change_message"
    ):
        try:
            parts = json.loads(message or "[]")
        except ValueError:
            continue
        for part in parts if isinstance(parts, list) else []:
            fields = (part.get("changed") or {}).get("fields") or [] if isinstance(part, dict) else []
            if FIELD in fields or ADMIN_LABEL in fields:
                chosen.add(str(object_id))
    return chosen


def open_permits_nobody_chose(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    chosen = _chosen_in_audit(apps) | _chosen_in_admin(apps)
    never_chosen = [
        pk for pk in Candidate.objects.filter(work_permission="none").values_list("pk", flat=True)
        if str(pk) not in chosen
    ]
    for start in range(0, len(never_chosen), 1000):
        Candidate.objects.filter(pk__in=never_chosen[start : start + 1000]).update(work_permission="unknown")


def back_to_none(apps, schema_editor):
    apps.get_model("candidates", "Candidate").objects.filter(work_permission="unknown").update(
        work_permission="none"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0008_invitation_language"),
        ("privacy", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="candidate",
            name="work_permission",
            field=models.CharField(
                choices=[
                    ("unknown", "noch offen (nicht eingetragen)"),
                    ("none", "keine Beschäftigung erlaubt"),
                    ("needs_approval", "Beschäftigung nur mit Erlaubnis der Ausländerbehörde"),
                    ("unrestricted", "Erwerbstätigkeit uneingeschränkt erlaubt"),
                ],
                default="unknown",
                max_length=16,
                verbose_name="Arbeitserlaubnis",
            ),
        ),
        migrations.RunPython(open_permits_nobody_chose, back_to_none),
    ]
