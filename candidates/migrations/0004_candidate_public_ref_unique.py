"""Every candidate now has a reference: make it required and unique (a migration of its own, because
PostgreSQL refuses to ALTER a table with pending trigger events from the backfill's updates)."""

from django.db import migrations, models

import candidates.models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0003_candidate_public_ref"),
    ]

    operations = [
        migrations.AlterField(
            model_name="candidate",
            name="public_ref",
            field=models.CharField(
                default=candidates.models.public_reference,
                editable=False,
                max_length=11,
                unique=True,
                verbose_name="öffentliche Referenz",
            ),
        ),
    ]
