from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who viewed or changed which personal record. Kept apart from the data itself:

    no foreign key to the record, so the entry survives the record's erasure and
    never cascades; the actor is kept as id and label for the same reason.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("angesehen")
        CREATE = "create", _("angelegt")
        CHANGE = "change", _("geändert")
        DELETE = "delete", _("gelöscht")
        EXPORT = "export", _("exportiert")
        ERASE = "erase", _("DSGVO-Löschung")

    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("Akteur*in (ID)"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("Akteur*in"), max_length=255, blank=True)
    action = models.CharField(_("Aktion"), max_length=16, choices=Action.choices)
    record_type = models.CharField(_("Datensatztyp"), max_length=100)
    record_id = models.CharField(_("Datensatz-ID"), max_length=64)
    municipality_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    fields = models.JSONField(_("Felder"), default=list, blank=True)
    note = models.CharField(_("Notiz"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Audit-Eintrag")
        verbose_name_plural = _("Audit-Protokoll")
        ordering = ["-at"]
        indexes = [models.Index(fields=["record_type", "record_id", "-at"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.record_type}#{self.record_id}"
        )
