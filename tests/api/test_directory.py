"""The municipality's services directory in the API: HSDS 3.0 shape, own municipality only."""

import pytest

from coaching.hsds import hsds_document
from tests.factories import make_service

pytestmark = pytest.mark.django_db

URL = "/api/v1/directory/services/"


@pytest.fixture
def services(coordinators):
    return {
        "own": make_service(coordinators.own.organisation.municipality, "Deutschkurs B1"),
        "foreign": make_service(coordinators.foreign.organisation.municipality, "Deutschkurs Bochum"),
    }


def test_list_is_the_own_municipalitys_directory_in_hsds_shape(coordinators, services):
    body = coordinators.own.client.get(URL).json()
    assert body["count"] == 1
    [service] = body["results"]
    # Exactly what the HSDS export writes for this service.
    [organisation] = hsds_document(municipality=coordinators.own.organisation.municipality)
    assert service == organisation["services"][0]
    assert service["id"] == str(services["own"].hsds_id)
    assert {lang["code"] for lang in service["languages"]} == {"de", "ar"}


@pytest.mark.parametrize("target, status", [("own", 200), ("foreign", 404)])
def test_retrieve(coordinators, services, target, status):
    response = coordinators.own.client.get(f"{URL}{services[target].hsds_id}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["name"] == "Deutschkurs B1"
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert "Bochum" not in response.content.decode()


@pytest.mark.parametrize("ref", ["nonsense", "00000000-0000-0000-0000-000000000000", "1"])
def test_unknown_ids_are_404(coordinators, services, ref):
    assert coordinators.own.client.get(f"{URL}{ref}/").status_code == 404


def test_other_municipality_sees_its_own(coordinators, services):
    body = coordinators.foreign.client.get(URL).json()
    assert [s["name"] for s in body["results"]] == ["Deutschkurs Bochum"]


def test_directory_is_flat_in_the_number_of_services(coordinators, django_assert_max_num_queries):
    for n in range(15):
        make_service(coordinators.own.organisation.municipality, f"Kurs {n}")
    client = coordinators.own.client
    client.get(URL)
    # Four more than before issue 17's opening hours, service areas (municipalities and postcodes) and
    # required documents: one prefetch each, whatever the count.
    with django_assert_max_num_queries(12):
        assert len(client.get(URL).json()["results"]) == 15
