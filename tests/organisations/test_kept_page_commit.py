"""A kept serve's audit entries commit without waiting for the disk; every other write still waits.

Transactional tests: the setting is the request's own transaction's, which a test transaction
around it (with the fixtures' writes in it) would hide.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import CaseNote
from organisations import kept_page
from privacy.models import AuditEntry
from tests.fixtures.users import login_with_mfa
from tests.organisations.helpers import case_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL"),
]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        return cursor.fetchone()[0]


@pytest.fixture
def audited_with(monkeypatch) -> list[str]:
    """The transaction's synchronous_commit each time the case page audits a read."""
    seen: list[str] = []
    audit = candidate_services.candidate_audit_view

    def watching(**kwargs):
        seen.append(_synchronous_commit())
        return audit(**kwargs)

    monkeypatch.setattr(candidate_services, "candidate_audit_view", watching)
    return seen


def test_a_kept_serve_commits_its_audit_entry_without_waiting_for_the_disk(
    coaching_world, draws, audited_with
):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    for _ in range(4):
        assert client.get(case_url(world.case)).status_code == 200
    assert len(draws) == 2  # a first visit, the drawing kept, then served kept twice
    # The drawings keep the server's setting (they may write more than their audit entry).
    assert audited_with == ["on", "on", "off", "off"]
    # Each serve's entry is committed: another connection's reader finds all four.
    views = AuditEntry.objects.filter(
        actor_id=world.case_manager.pk, action=AuditEntry.Action.VIEW, record_id=str(world.case.candidate_id)
    )
    assert views.count() == 4
    # Only that transaction: the next request's write waits for the disk again.
    assert _synchronous_commit() == "on"


def test_a_note_written_after_kept_serves_waits_for_the_disk(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    for _ in range(3):
        page = client.get(case_url(world.case)).content.decode()
    assert len(draws) == 2  # the last one served kept, with this request's one-time key
    seen = []

    def saved(**kwargs):
        seen.append(_synchronous_commit())

    post_save.connect(saved, sender=CaseNote, weak=False)
    try:
        key = re.search(r'name="submission_key" value="([^"]+)" id="id_note_submission_key_noteform"', page)[
            1
        ]
        answer = client.post(
            reverse("candidates:note_add", args=[world.case.pk]), {"text": "Termin", "submission_key": key}
        )
    finally:
        post_save.disconnect(saved, sender=CaseNote)
    assert answer.status_code == 302
    assert CaseNote.objects.filter(case=world.case, text="Termin").exists()
    assert seen == ["on"]


def test_only_a_transaction_that_wrote_nothing_yet_gives_up_the_flush(coaching_world):
    with transaction.atomic():
        kept_page._commit_without_flush(connection)
        assert _synchronous_commit() == "off"
    assert _synchronous_commit() == "on"  # SET LOCAL: that transaction only
    with transaction.atomic():
        CaseNote.objects.create(case=coaching_world.case, text="vorher geschrieben")
        kept_page._commit_without_flush(connection)
        assert _synchronous_commit() == "on"  # a write before it: everything waits, as always
    kept_page._commit_without_flush(connection)  # outside a transaction: nothing to set
    assert _synchronous_commit() == "on"
