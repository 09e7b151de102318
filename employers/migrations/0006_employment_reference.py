"""Random references for employments (issue 11): add the column, fill it for existing rows."""

import secrets

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _reference() -> str:
    # A frozen copy of candidates.models.public_reference: migrations must not follow later changes.
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def backfill(apps, schema_editor):
    Employment = apps.get_model("employers", "Employment")
    used = set()
    for pk in Employment.objects.filter(reference__isnull=True).values_list("pk", flat=True).iterator():
        ref = _reference()
        while ref in used:
            ref = _reference()
        used.add(ref)
        Employment.objects.filter(pk=pk).update(reference=ref)


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0005_introduction_reference_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="employment",
            name="reference",
            field=models.CharField(editable=False, max_length=11, null=True, verbose_name="Referenz"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
