from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0006_merge_trust_slices"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="voided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ungültig seit"),
        ),
    ]
