"""Before the database holds "one live consent per person, scope and recipient" (0004), collapse the
duplicates that simultaneous grants left behind: keep the earliest grant, revoke the others, and
write an audit entry for each revoked row. Nobody loses access (the kept grant covers exactly the
same), and one revoke by the person then ends it.

Self-contained on purpose: a migration must not import app code that changes later.
"""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

# The same key as candidates.models.LIVE_CONSENT_KEY at the time of writing.
LIVE_CONSENT_KEY = {
    "listing": ("candidate_id",),
    "contact": ("candidate_id", "recipient_organisation_id", "reference"),
    "case_data": ("candidate_id", "recipient_organisation_id"),
    "volunteer": ("candidate_id", "recipient_user_id"),
}


def collapse_duplicate_live_consents(apps, schema_editor) -> int:
    """Revoke all but the earliest live grant of each key; returns how many rows were revoked."""
    Consent = apps.get_model("candidates", "Consent")
    AuditEntry = apps.get_model("privacy", "AuditEntry")
    now = timezone.now()
    revoked = 0
    for scope, key in LIVE_CONSENT_KEY.items():
        live = Consent.objects.filter(scope=scope, revoked_at__isnull=True)
        groups = live.values(*key).annotate(n=Count("pk")).filter(n__gt=1).order_by()
        for group in groups:
            group.pop("n")
            rows = list(live.filter(**group).select_related("candidate").order_by("granted_at", "pk"))
            kept = rows[0]
            for row in rows[1:]:
                # Never before the grant itself (the table's check constraint).
                row.revoked_at = max(now, row.granted_at)
                row.save(update_fields=["revoked_at"])
                AuditEntry.objects.create(
                    actor_id=None,
                    actor_label="system",
                    action="change",
                    record_type="candidates.candidate",
                    record_id=str(row.candidate_id),
                    municipality_id=row.candidate.municipality_id,
                    fields=[f"consent.{scope}"],
                    note=f"duplicate live consent #{row.pk} revoked, #{kept.pk} kept",
                )
                revoked += 1
    return revoked


def _forwards(apps, schema_editor) -> None:
    collapse_duplicate_live_consents(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0002_plan_notes_invitations_warnings"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        # Nothing to undo: the revoked duplicates stay revoked (and audited) when going back.
        migrations.RunPython(_forwards, migrations.RunPython.noop),
    ]
