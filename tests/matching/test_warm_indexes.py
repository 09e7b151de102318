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
