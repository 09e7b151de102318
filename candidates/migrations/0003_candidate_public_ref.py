"""Random public references for candidates (issue 11): add the column, fill it for existing rows."""

import secrets

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _reference() -> str:
    # A frozen copy of candidates.models.public_reference: migrations must not follow later changes.
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def backfill(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    used = set()
    for pk in Candidate.objects.filter(public_ref__isnull=True).values_list("pk", flat=True).iterator():
        ref = _reference()
        while ref in used:
            ref = _reference()
        used.add(ref)
        Candidate.objects.filter(pk=pk).update(public_ref=ref)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0002_plan_notes_invitations_warnings"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="public_ref",
            field=models.CharField(
                editable=False, max_length=11, null=True, verbose_name="öffentliche Referenz"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
