"""Audit log, retention, GDPR export/erasure through the registry, audit log selector."""

from datetime import timedelta

import pytest
from django.utils import timezone

from privacy import selectors, services
from privacy.models import AuditEntry
from privacy.registry import PrivacyRegistry, registry
from privacy.tasks import apply_audit_retention
from tests.factories import AuditEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def temp_registry(monkeypatch):
    """A clean registry in place of the global one, so tests do not see each other's functions."""
    fresh = PrivacyRegistry()
    monkeypatch.setattr(services, "registry", fresh)
    return fresh


def test_audit_record_names_actor_record_and_fields(make_member, municipality):
    actor = make_member("case_manager")
    subject = make_member("candidate")
    entry = services.audit_record(
        actor=actor,
        action="view",
        record=subject,
        municipality_id=municipality.pk,
        fields=["phone", "address"],
    )
    assert entry.actor_id == actor.pk and entry.actor_label == actor.email
    assert entry.record_type == "accounts.user" and entry.record_id == str(subject.pk)
    assert entry.fields == ["address", "phone"]


def test_audit_entry_survives_the_actors_deletion(user):
    entry = services.audit_record(actor=user, action="change", record_type="x.y", record_id=1)
    user.delete()
    entry.refresh_from_db()
    assert entry.actor_label and entry.actor_id is not None


def test_system_actor():
    entry = services.audit_record(actor=None, action="delete", record_type="x.y", record_id=5)
    assert entry.actor_id is None and entry.actor_label == "system"


def test_export_collects_every_registered_exporter_and_is_audited(temp_registry, make_member):
    subject, actor = make_member("candidate"), make_member("coordinator")
    temp_registry.register("profile", exporter=lambda u: {"email": u.email})
    temp_registry.register("notes", exporter=lambda u: ["Notiz 1"])
    data = services.gdpr_export(subject_user=subject, actor=actor)
    assert data == {"notes": ["Notiz 1"], "profile": {"email": subject.email}}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor_id == actor.pk and entry.record_id == str(subject.pk)


def test_erase_calls_every_eraser_and_is_audited(temp_registry, make_member):
    subject, actor = make_member("candidate"), make_member("coordinator")
    erased = []
    temp_registry.register("profile", eraser=lambda u: erased.append(u.pk) or 3)
    counts = services.gdpr_erase(subject_user=subject, actor=actor)
    assert counts == {"profile": 3}
    assert erased == [subject.pk]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASE, record_id=str(subject.pk)).count() == 1


def test_registry_names_and_replacing_a_registration():
    r = PrivacyRegistry()
    r.register("a", exporter=lambda u: 1)
    r.register("b", eraser=lambda u: 0)
    r.register("a", exporter=lambda u: 2)
    assert r.names() == ["a", "b"]
    assert r.export(object()) == {"a": 2}


def test_global_registry_is_a_privacy_registry():
    # Apps register into this one from AppConfig.ready().
    assert isinstance(registry, PrivacyRegistry)


def _entry_at(when, **kw):
    entry = AuditEntryFactory(action="view", record_type="t.t", record_id="1", **kw)
    AuditEntry.objects.filter(pk=entry.pk).update(at=when)  # ``at`` is auto_now_add
    return entry


def test_retention_deletes_only_entries_older_than_the_period(settings):
    settings.LOTSE_AUDIT_RETENTION_DAYS = 30
    now = timezone.now() + timedelta(days=400)  # a frozen "now" in the future
    old = _entry_at(now - timedelta(days=31))
    edge = _entry_at(now - timedelta(days=29, hours=23))
    fresh = _entry_at(now - timedelta(days=1))
    assert services.audit_apply_retention(now=now) == 1
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and {edge.pk, fresh.pk} <= remaining


def test_retention_task_runs_the_service(settings):
    settings.LOTSE_AUDIT_RETENTION_DAYS = 30
    _entry_at(timezone.now() - timedelta(days=60))
    _entry_at(timezone.now())
    assert apply_audit_retention.delay().get() == 1
    assert AuditEntry.objects.count() == 1


def test_coordinator_sees_audit_entries_of_own_municipality_only(coordinator_team, case_manager_team):
    here = coordinator_team.municipality
    there = coordinator_team.foreign_organisation.municipality
    mine = _entry_at(timezone.now(), municipality_id=here.pk)
    _entry_at(timezone.now(), municipality_id=there.pk)
    _entry_at(timezone.now(), municipality_id=None)
    assert list(selectors.audit_entry_list(user=coordinator_team.own)) == [mine]
    assert list(selectors.audit_entry_list(user=coordinator_team.own, municipality_id=there.pk)) == []
    assert [e.municipality_id for e in selectors.audit_entry_list(user=coordinator_team.elsewhere)] == [
        there.pk
    ]
    assert not selectors.audit_entry_list(user=case_manager_team.own).exists()
    assert selectors.can_read_audit_log(user=coordinator_team.own)
    assert not selectors.can_read_audit_log(user=case_manager_team.own)


def test_audit_entry_list_filters(coordinator_team):
    m = coordinator_team.municipality.pk
    view = _entry_at(timezone.now(), municipality_id=m)
    AuditEntry.objects.filter(pk=view.pk).update(record_type="candidates.case", record_id="9")
    _entry_at(timezone.now(), municipality_id=m)
    user = coordinator_team.own
    assert [
        e.pk for e in selectors.audit_entry_list(user=user, record_type="candidates.case", record_id="9")
    ] == [view.pk]
    assert not selectors.audit_entry_list(user=user, action="erase").exists()
