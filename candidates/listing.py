"""Who is listed for employers changed: a new token for the municipality, in the same transaction.

The employer's browse page caches the number of listed people per municipality under the tokens
of ``ListingVersion`` (``selectors.listed_count_for_employer``). Every write that can change who
is listed calls ``listing_changed`` (or reaches it through the signals below) before its
transaction commits, so the first request that can see the change also sees a new token and
counts again. A page of cards kept in a worker's memory (employers.browse_results) is kept under
these tokens too, and shown only after a live consent check of the people on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Candidate, Consent, ConsentScope, ListingVersion

_TABLE = ListingVersion._meta.db_table


def _upsert(select_sql: str, params: list) -> None:
    # One statement, the same on PostgreSQL and SQLite: a missing row is made, an existing one
    # gets the new token (and keeps it locked until the change commits).
    with connection.cursor() as cursor:
        cursor.execute(  # noqa: S608 (table name from the model, values as parameters)
            f'INSERT INTO "{_TABLE}" ("municipality_id", "token") {select_sql} '
            f'ON CONFLICT ("municipality_id") DO UPDATE SET "token" = excluded."token"',
            params,
        )


def listing_changed(*, municipality_ids: Iterable[int | None]) -> None:
    """New tokens for these municipalities (call inside the transaction that made the change)."""
    ids = sorted({m for m in municipality_ids if m is not None})  # sorted: no lock-order deadlock
    if not ids:
        return
    params: list = []
    for municipality_id in ids:
        params += [municipality_id, uuid.uuid4().hex]
    _upsert("VALUES " + ", ".join("(%s, %s)" for _ in ids), params)


def listing_changed_for(*, candidate_id: int) -> None:
    """New token for the municipality this person belongs to (one statement, no read first)."""
    table = Candidate._meta.db_table
    _upsert(
        f'SELECT "municipality_id", %s FROM "{table}" WHERE "id" = %s',  # noqa: S608 (names from the model)
        [uuid.uuid4().hex, candidate_id],
    )


@receiver([post_save, post_delete], sender=Consent, dispatch_uid="listing-consent")
def _consent_changed(sender, instance: Consent, **kwargs) -> None:
    if instance.scope == ConsentScope.LISTING:
        listing_changed_for(candidate_id=instance.candidate_id)


@receiver(pre_save, sender=Candidate, dispatch_uid="listing-candidate-save")
def _candidate_saving(sender, instance: Candidate, **kwargs) -> None:
    # A new person has no listing consent yet: nothing to count until one is given.
    loaded = getattr(instance, "_listing_loaded", None)
    if loaded is None:
        return
    municipality_id, erased_at = loaded
    if municipality_id != instance.municipality_id or (erased_at is None) != (instance.erased_at is None):
        listing_changed(municipality_ids=[municipality_id, instance.municipality_id])
    instance._listing_loaded = (instance.municipality_id, instance.erased_at)


@receiver(post_delete, sender=Candidate, dispatch_uid="listing-candidate-delete")
def _candidate_deleted(sender, instance: Candidate, **kwargs) -> None:
    listing_changed(municipality_ids=[instance.municipality_id])
