from celery import shared_task

from . import services


@shared_task(name="privacy.tasks.apply_audit_retention")
def apply_audit_retention() -> int:
    """Daily (Celery beat): drop audit entries past the retention period."""
    return services.audit_apply_retention()
