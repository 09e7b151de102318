import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0017_service_area_documents_wait_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="geändert am"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="serviceorganisation",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="geändert am"
            ),
            preserve_default=False,
        ),
    ]
