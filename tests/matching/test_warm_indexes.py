"""The first matches page after a deploy does not build the index: worker start does, once."""

import threading
import time

import pytest
from django.db import connection

from matching import index as matching_index
from matching import services
from matching.engine.records import CandidateRecord
from tests.factories import MunicipalityFactory


@pytest.fixture(autouse=True)
def _fresh_indexes():
    matching_index.forget_indexes()
    yield
    matching_index.forget_indexes()


@pytest.fixture
def slow_source(monkeypatch):
    calls = []

    def records(municipality_id, candidate_ids=None):
        calls.append((municipality_id, candidate_ids))
        time.sleep(0.3)  # a build long enough for a request to arrive during it
        return [CandidateRecord(id="1", skills=("s/cook",))]

    monkeypatch.setattr(matching_index, "_records", records)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_request_during_the_warm_up_waits_for_that_build_and_starts_no_second(slow_source):
    services.taxonomy_index()
    municipality = MunicipalityFactory()
    built = {}

    def warm():
        try:
            built["warm"] = matching_index.candidate_index(municipality_id=municipality.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=warm)
    thread.start()
    time.sleep(0.05)
    during = matching_index.candidate_index(municipality_id=municipality.pk)  # the request
    thread.join()
    assert len(slow_source) == 1
    assert during is built["warm"]


@pytest.mark.django_db
def test_warm_indexes_builds_every_municipality_so_the_first_page_builds_nothing(slow_source):
    first, second = MunicipalityFactory(), MunicipalityFactory()
    assert matching_index.warm_indexes() >= 2
    built = len(slow_source)
    matching_index.candidate_index(municipality_id=first.pk)
    matching_index.candidate_index(municipality_id=second.pk)
    assert len(slow_source) == built


def test_the_warm_up_is_a_setting(settings):
    settings.MATCHING_WARM_INDEXES = False
    assert matching_index.warm_indexes_in_background() is None


@pytest.mark.django_db
def test_a_process_keeps_at_most_the_set_number_of_indexes_least_recently_used_dropped(slow_source, settings):
    settings.MATCHING_MAX_INDEXES = 2
    services.taxonomy_index()
    first, second, third = (MunicipalityFactory().pk for _ in range(3))
    matching_index.candidate_index(municipality_id=first)
    matching_index.candidate_index(municipality_id=second)
    matching_index.candidate_index(municipality_id=first)  # used again: now the most recent
    matching_index.candidate_index(municipality_id=third)
    assert list(matching_index._indexes) == [first, third]  # the least recently used one went
    builds = len(slow_source)
    matching_index.candidate_index(municipality_id=first)  # still kept: no build
    assert len(slow_source) == builds
    matching_index.candidate_index(municipality_id=second)  # dropped: built again when asked for
    assert len(slow_source) == builds + 1 and len(matching_index._indexes) == 2
