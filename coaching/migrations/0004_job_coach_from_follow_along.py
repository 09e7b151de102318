"""The responsible job coach moves onto the employment (employers.Employment.job_coach): copy
each follow-along plan's coach there. A case manager who was made coach only because nobody
else was there stays until someone changes it on the employment page (the audit shows who did)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    FollowAlong = apps.get_model("coaching", "FollowAlong")
    Employment = apps.get_model("employers", "Employment")
    coach = FollowAlong.objects.filter(employment_id=OuterRef("pk")).values("coach_id")[:1]
    Employment.objects.filter(job_coach__isnull=True, follow_along__isnull=False).update(
        job_coach_id=Subquery(coach)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_dates_in_stored_range"),
        ("employers", "0009_employment_contract_hours_job_coach"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
