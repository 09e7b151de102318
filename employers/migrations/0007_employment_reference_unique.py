"""Every employment now has a reference: make it required and unique (its own migration, see
candidates 0004)."""

from django.db import migrations, models

import candidates.models


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0006_employment_reference"),
        ("candidates", "0004_candidate_public_ref_unique"),
    ]

    operations = [
        migrations.AlterField(
            model_name="employment",
            name="reference",
            field=models.CharField(
                default=candidates.models.public_reference,
                editable=False,
                max_length=11,
                unique=True,
                verbose_name="Referenz",
            ),
        ),
    ]
