# Stable HSDS ids for the services directory (issue 17). Existing rows get a fresh uuid4 each,
# filled in one by one (a column default would give every row the same value).
import uuid

from django.db import migrations, models

MODELS = ("serviceorganisation", "servicelocation", "service")


def fill_ids(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("coaching", name)
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(hsds_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0006_merge_inbox_and_responsibility"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name=name, name="hsds_id", field=models.UUIDField(null=True, editable=False)
            )
            for name in MODELS
        ],
        migrations.RunPython(fill_ids, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=name,
                name="hsds_id",
                field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="HSDS-ID"),
            )
            for name in MODELS
        ],
        migrations.AddConstraint(
            model_name="service",
            constraint=models.UniqueConstraint(fields=("municipality", "hsds_id"), name="service_unique_hsds_id"),
        ),
        migrations.AddConstraint(
            model_name="servicelocation",
            constraint=models.UniqueConstraint(
                fields=("organisation", "hsds_id"), name="service_location_unique_hsds_id"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceorganisation",
            constraint=models.UniqueConstraint(
                fields=("municipality", "hsds_id"), name="service_org_unique_hsds_id"
            ),
        ),
    ]
