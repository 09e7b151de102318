from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxJob(models.Model):
    """A Celery job not yet handed to the broker (deleted once it is)."""

    task = models.CharField(_("Aufgabe"), max_length=200)
    args = models.JSONField(_("Argumente"), default=list)
    kwargs = models.JSONField(_("Schlüsselwort-Argumente"), default=dict)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    # Due for the drain; set a little ahead at first, so that the drain leaves the attempt
    # right after the commit alone.
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    # What the request that made the job would have put into the task message (its request id),
    # so a job sent later by the drain still logs under the request that caused it.
    headers = models.JSONField(_("Kopfzeilen der Aufgabe"), default=dict, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        verbose_name = _("ausstehende Hintergrundaufgabe")
        verbose_name_plural = _("ausstehende Hintergrundaufgaben")

    def __str__(self) -> str:
        return f"{self.task} ({self.attempts})"
