"""German postcodes to coordinates and distances, offline."""

import pytest

from taxonomy.postcodes import coordinates, distance_km, is_valid_postcode


def test_berlin_to_munich_is_about_504_km():
    assert distance_km("10115", "80331") == pytest.approx(504, abs=10)


def test_same_postcode_is_zero_km():
    assert distance_km("44135", "44135") == 0


def test_distance_is_symmetric_and_short_for_neighbours():
    # Dortmund centre to Bochum centre: roughly 15–20 km.
    assert distance_km("44135", "44787") == pytest.approx(distance_km("44787", "44135"))
    assert 10 < distance_km("44135", "44787") < 25


@pytest.mark.parametrize("unknown", ["00000", "99999", "1011", "101155", "abcde", "", None])
def test_unknown_or_malformed_postcode_gives_none(unknown):
    assert distance_km("10115", unknown) is None
    assert distance_km(unknown, "10115") is None
    assert coordinates(unknown) is None


def test_leading_zero_postcodes_work():
    lat, lon = coordinates("01067")  # Dresden
    assert 50.9 < lat < 51.2 and 13.6 < lon < 13.9


@pytest.mark.parametrize(
    ("postcode", "valid"),
    [("10115", True), (" 80331 ", True), ("00000", False), ("1011", False), ("10115a", False), ("", False)],
)
def test_is_valid_postcode(postcode, valid):
    assert is_valid_postcode(postcode) is valid


def test_postcodes_module_has_no_django_import():
    import subprocess
    import sys

    code = "import sys; import taxonomy.postcodes; print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="platform"
    )
    assert out.stdout.strip() == "False"
