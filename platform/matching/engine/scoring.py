"""Transparent base score: ranked and explained matches, in both directions.

Every component lies in [0, 1] and the score is their weighted sum, so an explanation
can say exactly why one person ranks above another. Hard filters (no work permission,
German too far below the minimum) remove a pair before scoring. A permit nobody has entered
yet ("unknown") is no filter: such a person is ranked, a little below an equal person whose
permit is known, and the explanation says the permit is open.

The component formulas are written once over NumPy arrays and used both for whole pools
(vectorised ranking) and for a single pair (the explanation), so the two cannot drift.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, repeat
from operator import attrgetter

import numpy as np
from scipy import sparse

from .records import CEFR_LEVELS, CandidateRecord, Explanation, OccupationYears, PlacementRecord, RankedMatch
from .taxonomy import TaxonomyIndex

Coordinates = Callable[[str], tuple[float, float] | None]

WEIGHTS: dict[str, float] = {
    "skills": 0.45,
    "occupation": 0.20,
    "language": 0.10,
    "distance": 0.12,
    "hours": 0.05,
    "start": 0.04,
    "permit": 0.04,
}
ESSENTIAL_WEIGHT = 2.0  # an essential skill counts twice an optional one
OPTIONAL_WEIGHT = 1.0
DISTANCE_HALF_KM = 25.0  # past the near radius, the distance score halves every 25 km
# Within this radius (a commute inside one city) distance scores full: a few km across town must not
# outweigh a real difference in skill fit (measured in bench/eval_matching.py, issue 16).
DISTANCE_NEAR_KM = 10.0
LATE_START_DAYS = 90  # availability this many days after the start scores zero
HOURS_TOLERANCE = 20  # a difference of 20 hours a week scores zero
BRIDGED_LANGUAGE_SCORE = 0.6  # one level below the minimum, with employer language support
UNKNOWN_LANGUAGE_SCORE = 0.3  # no German level recorded yet
OCCUPATION_LEVELS = (("same", 1.0), ("isco4", 0.75), ("isco3", 0.5), ("isco2", 0.25))
# Half the permit component: with its weight (0.04) an open permit costs 0.02 of the score, enough
# to order an equal person with a known permit first, too little to bury a good match.
PERMIT_SCORE = {"may_work": 1.0, "needs_approval": 0.7, "unknown": 0.5}
# Breadth: the skill fit is multiplied by FOCUS_FLOOR + (1 - FOCUS_FLOOR) × the share (by rarity and
# weight) of the person's job-related skills that fit the placement: the skills they listed and those
# their occupations imply, as the skill fit itself counts them. A skill fits when the placement or its
# occupation asks for it. Skills no occupation asks for (languages, transversal skills) are left out.
# Someone listing three occupations' skills to fit everything keeps part of the fit, below a person
# whose skills fit; a few unrelated skills beside an occupation's whole set hardly matter. Measured in
# bench/eval_matching.py (issue 16).
FOCUS_FLOOR = 0.1
# The most a person sharing no skill and no occupation code with a placement can score.
NO_OVERLAP_MAX = round(sum(WEIGHTS.values()) - WEIGHTS["skills"] - WEIGHTS["occupation"], 6)
# Scores are rounded to 6 decimals: a person whose bound lies this far below a score cannot reach or tie it.
BOUND_MARGIN = 1e-6
# A ranking for the top N first scores the PILOT_TIMES × N people who could score most, for a floor.
PILOT_TIMES = 4


def cefr_rank(level: str | None) -> int:
    # Mirrors taxonomy.cefr.cefr_rank: the engine may not import Django (taxonomy.cefr uses TextChoices).
    return CEFR_LEVELS.index(level) + 1 if level else 0


def implied_skill_weight(years: float) -> float:
    """How sure we are a person has an occupation's essential skill, from years in it."""
    return min(1.0, 0.5 + 0.1 * max(years, 0.0))


def inferred_source(
    skill: str, occupations: Sequence[OccupationYears], taxonomy: TaxonomyIndex
) -> OccupationYears | None:
    """The occupation a skill the person did not list is counted from: the one giving it the largest
    weight (essential at the occupation's strength, optional at half), as ``candidate_skill_weights``."""
    best, found = 0.0, None
    for occupation in occupations:
        strength = implied_skill_weight(occupation.years)
        if skill in taxonomy.occupation_essential.get(occupation.uri, ()):
            weight = strength
        elif skill in taxonomy.occupation_optional.get(occupation.uri, ()):
            weight = strength * 0.5
        else:
            continue
        if weight > best:
            best, found = weight, occupation
    return found


def candidate_skill_weights(
    candidate: CandidateRecord,
    taxonomy: TaxonomyIndex,
    implied: dict[tuple[OccupationYears, ...], dict[str, float]] | None = None,
) -> dict[str, float]:
    """Skills named by the person count fully; skills implied by their occupations by years.

    ``implied``: a cache of the occupations' part, shared by the many people with the same
    occupations and years while an index is built (same result, a copy instead of a loop).
    """
    if implied is not None:
        cached = implied.get(candidate.occupations)
        if cached is None:
            cached = implied[candidate.occupations] = candidate_skill_weights(
                CandidateRecord(id="", occupations=candidate.occupations), taxonomy
            )
        weights = dict(cached)
        for skill in candidate.skills:
            weights[skill] = 1.0
        return weights
    weights: dict[str, float] = {}
    for occupation in candidate.occupations:
        strength = implied_skill_weight(occupation.years)
        for skill in taxonomy.occupation_optional.get(occupation.uri, ()):
            weights[skill] = max(weights.get(skill, 0.0), strength * 0.5)
        for skill in taxonomy.occupation_essential.get(occupation.uri, ()):
            weights[skill] = max(weights.get(skill, 0.0), strength)
    for skill in candidate.skills:
        weights[skill] = 1.0
    return weights


def placement_skill_weights(placement: PlacementRecord, taxonomy: TaxonomyIndex) -> dict[str, float]:
    """Essential skills count double; rarer skills (higher IDF) count more.

    A placement that lists no skills is read as asking for its occupation's ESCO skills.
    """
    essential, optional = placement.essential, placement.optional
    if not essential and not optional and placement.occupation:
        essential = tuple(taxonomy.occupation_essential.get(placement.occupation, ()))
        optional = tuple(taxonomy.occupation_optional.get(placement.occupation, ()))
    weights = {skill: OPTIONAL_WEIGHT * taxonomy.idf(skill) for skill in optional}
    weights.update({skill: ESSENTIAL_WEIGHT * taxonomy.idf(skill) for skill in essential})
    return weights


def placement_related_skills(placement: PlacementRecord, taxonomy: TaxonomyIndex) -> set[str]:
    """The skills that belong to a placement: the ones it asks for and its occupation's ESCO skills."""
    related = set(placement.essential) | set(placement.optional)
    if placement.occupation:
        related |= taxonomy.occupation_essential.get(placement.occupation, frozenset())
        related |= taxonomy.occupation_optional.get(placement.occupation, frozenset())
    return related


def profile_skill_mass(weights: dict[str, float], taxonomy: TaxonomyIndex) -> dict[str, float]:
    """Each job-related skill of a person's profile by weight × rarity (skills no occupation asks for
    are left out): what the breadth share is counted in."""
    idf = taxonomy.skill_idf
    return {skill: weight * idf[skill] for skill, weight in weights.items() if skill in idf}


def focus_factor(related_mass: np.ndarray, listed_mass: np.ndarray) -> np.ndarray:
    """FOCUS_FLOOR + (1 - FOCUS_FLOOR) × the profile's share that fits; 1 for an empty profile."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(listed_mass > 0, related_mass / np.where(listed_mass > 0, listed_mass, 1), 1.0)
    return FOCUS_FLOOR + (1.0 - FOCUS_FLOOR) * np.minimum(share, 1.0)


# --- component formulas (arrays in, arrays out) -------------------------------------------


def language_component(cand_rank: np.ndarray, required_rank: np.ndarray, support: np.ndarray):
    """Returns (score, qualifies, gap). No minimum → everyone qualifies fully.

    An unknown level (rank 0) is not a known gap: such a person stays in the list, ranked
    low on language, and the explanation says the level is missing.
    """
    unknown = (cand_rank == 0) & (required_rank > 0)
    gap = np.where(unknown, 0, np.maximum(required_rank - cand_rank, 0))
    qualifies = (gap == 0) | ((gap == 1) & support)
    score = np.where(
        unknown,
        UNKNOWN_LANGUAGE_SCORE,
        np.where(gap == 0, 1.0, np.where(qualifies, BRIDGED_LANGUAGE_SCORE, 0.0)),
    )
    return score, qualifies, gap


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_component(km: np.ndarray) -> np.ndarray:
    # Unknown postcode (NaN): neutral, neither rewarded nor punished.
    beyond = np.maximum(np.nan_to_num(km) - DISTANCE_NEAR_KM, 0.0)
    return np.where(np.isnan(km), 0.5, 0.5 ** (beyond / DISTANCE_HALF_KM))


def hours_component(cand_hours: np.ndarray, placement_hours: np.ndarray) -> np.ndarray:
    known = ~np.isnan(cand_hours) & ~np.isnan(placement_hours)
    diff = np.abs(np.nan_to_num(cand_hours) - np.nan_to_num(placement_hours))
    return np.where(known, 1.0 - np.minimum(diff / HOURS_TOLERANCE, 1.0), 0.75)


def start_component(available_ordinal: np.ndarray, start_ordinal: np.ndarray) -> np.ndarray:
    late = np.maximum(available_ordinal - start_ordinal, 0)
    return np.maximum(0.0, 1.0 - late / LATE_START_DAYS)


# --- indexes ---------------------------------------------------------------------------------

OCCUPATION_CODE_LEVELS = (("same", None), ("isco4", 4), ("isco3", 3), ("isco2", 2))


def occupation_codes(uri: str, isco: dict[str, str]) -> list[str | None]:
    """The codes an occupation is compared by, one per level: its URI, then ISCO 4/3/2 digits."""
    code = isco.get(uri, "")
    return [uri] + [
        code[:digits] if len(code) >= digits else None for _level, digits in OCCUPATION_CODE_LEVELS[1:]
    ]


class Vocabulary:
    """Column numbers shared by both sides so that sparse products line up."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}

    def column(self, key: str) -> int:
        found = self.columns.get(key)
        if found is None:
            found = self.columns[key] = len(self.columns)
        return found

    def __len__(self) -> int:
        return len(self.columns)


def _coords(
    postcodes: Sequence[str | None], coordinates: Coordinates | None
) -> tuple[np.ndarray, np.ndarray]:
    n = len(postcodes)
    if coordinates is None:
        return np.full(n, np.nan), np.full(n, np.nan)
    # Each postcode looked up once, then every row read by a C-level map (no loop a person).
    lat_of: dict[str | None, float] = {}
    lon_of: dict[str | None, float] = {}
    for postcode in dict.fromkeys(postcodes):
        point = coordinates(postcode) if postcode else None
        lat_of[postcode], lon_of[postcode] = point if point is not None else (np.nan, np.nan)
    return (
        np.fromiter(map(lat_of.__getitem__, postcodes), dtype=float, count=n),
        np.fromiter(map(lon_of.__getitem__, postcodes), dtype=float, count=n),
    )


def _optional_floats(values: Sequence[int | None]) -> np.ndarray:
    return np.array(values, dtype=float)  # None becomes NaN


def _days(values: Sequence[date | None]) -> np.ndarray:
    # 0 means "now"; compared after clamping to today at query time. Each distinct date converted once.
    ordinal = {v: v.toordinal() if v else 0 for v in dict.fromkeys(values)}
    return np.fromiter(map(ordinal.__getitem__, values), dtype=np.int64, count=len(values))


def _weights_matrix(rows: Sequence[dict[str, float]], vocabulary: Vocabulary) -> sparse.csr_matrix:
    # array.array, not lists: 100,000 candidates hold millions of entries.
    # 32-bit column numbers and row pointers while they fit: half the memory of 64-bit ones.
    indptr, indices, data = array("q", [0]), array("i"), array("f")
    columns, column = vocabulary.columns, vocabulary.column
    for weights in rows:
        indices.extend([columns[key] if key in columns else column(key) for key in weights])
        data.extend(weights.values())
        indptr.append(len(indices))
    pointer_type = np.int32 if len(indices) < 2**31 - 1 else np.int64
    return sparse.csr_matrix(
        (
            np.frombuffer(data, dtype=np.float32),
            np.frombuffer(indices, dtype=np.int32).astype(pointer_type, copy=False),
            np.frombuffer(indptr, dtype=np.int64).astype(pointer_type),
        ),
        shape=(len(rows), max(len(vocabulary), 1)),
    )


def _first_per_cell(cells: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Indices keeping one entry per cell (the lowest ``rank``), ordered by cell (row-major)."""
    order = np.lexsort((rank, cells))
    ordered = cells[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return order[first]


def _duplicates(cells: np.ndarray) -> np.ndarray:
    """Indices of the second and later occurrences of a cell."""
    order = np.argsort(cells, kind="stable")
    ordered = cells[order]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[1:] = ordered[1:] == ordered[:-1]
    return order[repeated]


_GERMAN_RANK = {level: rank for rank, level in enumerate(CEFR_LEVELS, start=1)}  # as cefr_rank


def _radix_key(values: np.ndarray, bound: int) -> np.ndarray:
    """16-bit keys while every value is below ``bound`` ≤ 2**16: NumPy's stable argsort of them is a
    radix sort (linear), far quicker than sorting 64-bit cells."""
    return values.astype(np.uint16) if bound <= 2**16 else values.astype(np.int64, copy=False)


@dataclass
class _Piece:
    """One chunk's entries of a sparse matrix in CSC order (by column, then row), rows local."""

    n: int
    counts: np.ndarray  # entries a column, for the columns known when the chunk was built
    rows: np.ndarray
    values: np.ndarray  # float32, or one byte an entry: its value's number in ``table``
    table: np.ndarray | None = None

    def data(self) -> np.ndarray:
        return self.values if self.table is None else self.table[self.values]


def _piece(
    rows, cols, vals, n: int, width: int, *, table: np.ndarray | None = None, last_per_cell: bool = False
) -> _Piece:
    """Entries (``rows`` ascending) ordered as CSC holds them: by column, rows ascending within it,
    the given order among entries of one cell. ``last_per_cell`` keeps only each cell's last entry."""
    col_key = _radix_key(cols, width)
    order = np.argsort(col_key, kind="stable")
    col_key, row_key = col_key[order], _radix_key(rows, n)[order]
    if last_per_cell and len(order):
        last = np.ones(len(order), dtype=bool)
        last[:-1] = (col_key[1:] != col_key[:-1]) | (row_key[1:] != row_key[:-1])
        order, col_key, row_key = order[last], col_key[last], row_key[last]
    counts = np.bincount(col_key, minlength=width).astype(np.int64)
    values = np.asarray(vals, dtype=np.float32 if table is None else np.uint8)[order]
    return _Piece(n=n, counts=counts, rows=row_key, values=values, table=table)


def _piece_matrix(piece: _Piece) -> sparse.csc_matrix:
    indptr = np.zeros(len(piece.counts) + 1, dtype=np.int64)
    np.cumsum(piece.counts, out=indptr[1:])
    return sparse.csc_matrix((piece.data(), piece.rows, indptr), shape=(piece.n, max(len(piece.counts), 1)))


class _Pool:
    """Every key's entries laid end to end, extended as new keys are met, gathered row by row."""

    def __init__(self) -> None:
        self.cols = np.zeros(0, dtype=np.int64)
        self.vals = np.zeros(0, dtype=np.float32)
        self.starts = np.zeros(0, dtype=np.int64)
        self.lengths = np.zeros(0, dtype=np.int64)
        # Each value's number in ``table`` (the few distinct weights): pieces then keep one byte an
        # entry instead of four while they wait to be written into the matrix.
        self.codes = np.zeros(0, dtype=np.int64)
        self.number: dict[float, int] = {}
        self.table = np.zeros(0, dtype=np.float32)

    def code(self, values: np.ndarray) -> np.ndarray:
        """The numbers of ``values`` (float32) in ``table``, new values numbered."""
        distinct, inverse = np.unique(values, return_inverse=True)
        known = len(self.number)
        for value in distinct.tolist():
            self.number.setdefault(value, len(self.number))
        if len(self.number) > known:
            self.table = np.array(list(self.number), dtype=np.float32)
        return np.array([self.number[v] for v in distinct.tolist()], dtype=np.int64)[inverse.reshape(-1)]

    def extend(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> None:
        if not parts:
            return
        lengths = np.array([len(c) for c, _v in parts], dtype=np.int64)
        self.starts = np.concatenate([self.starts, len(self.cols) + np.cumsum(lengths) - lengths])
        self.lengths = np.concatenate([self.lengths, lengths])
        self.cols = np.concatenate([self.cols, *(c for c, _v in parts)])
        self.vals = np.concatenate([self.vals, *(v for _c, v in parts)]).astype(np.float32, copy=False)
        self.codes = np.concatenate([self.codes, self.code(self.vals[len(self.codes) :])])

    def gather(self, key_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(entries a row, columns, values) of rows with keys ``key_of``, row after row; the values as
        numbers in ``table`` while there are at most 256 distinct ones."""
        per_row = self.lengths[key_of]
        first = np.cumsum(per_row) - per_row
        index = np.arange(int(per_row.sum()), dtype=np.int64) - np.repeat(
            first - self.starts[key_of], per_row
        )
        coded = len(self.table) <= 256
        return per_row, self.cols[index], (self.codes if coded else self.vals)[index]


class _Numbers(dict):
    """Key → number, numbering a missing key on lookup and noting it in ``new`` (order met)."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list = []

    def __missing__(self, key):
        number = self[key] = len(self)
        self.new.append(key)
        return number


def _csc(pieces: list[_Piece], width: int) -> sparse.csc_matrix:
    """The CSC matrix of row chunks stacked in order, each chunk's entries written straight to their
    place (no CSR, no stacked copy, no conversion). Takes the pieces (the list is emptied as they are
    written, so each is freed once placed)."""
    width = max(width, 1)
    counts = np.zeros(width, dtype=np.int64)
    for piece in pieces:
        counts[: len(piece.counts)] += piece.counts
    nnz, n = int(counts.sum()), sum(piece.n for piece in pieces)
    index_type = np.int32 if max(nnz, n) < 2**31 - 1 else np.int64
    indptr = np.zeros(width + 1, dtype=index_type)
    np.cumsum(counts, out=indptr[1:])
    indices = np.empty(nnz, dtype=index_type)
    data = np.empty(nnz, dtype=np.float32)
    free = indptr[:-1].astype(np.int64)  # the next place to write in each column
    offset = 0
    pieces.reverse()
    while pieces:
        piece = pieces.pop()
        k = len(piece.counts)
        start = np.cumsum(piece.counts) - piece.counts  # each column's first entry in the piece
        where = np.arange(len(piece.rows), dtype=np.int64) + np.repeat(free[:k] - start, piece.counts)
        indices[where] = piece.rows
        indices[where] += offset
        data[where] = piece.data()
        free[:k] += piece.counts
        offset += piece.n
        del piece, where
    return sparse.csc_matrix((data, indices, indptr), shape=(n, width))


def _vector(weights: dict[str, float], vocabulary: Vocabulary, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and weights of one record, keeping only columns the other side has."""
    pairs = [
        (vocabulary.columns[k], w) for k, w in weights.items() if vocabulary.columns.get(k, width) < width
    ]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    columns, values = zip(*pairs, strict=True)
    return np.array(columns, dtype=np.int64), np.array(values, dtype=float)


class CandidateIndex:
    """Every candidate as arrays and a sparse skill matrix, built once, ranked many times.

    Rows are never reordered: an update marks the old row dead and appends the new one, so
    revoking a listing consent takes effect by ``remove`` at once, without a rebuild.
    """

    def __init__(
        self,
        candidates: Sequence[CandidateRecord],
        *,
        taxonomy: TaxonomyIndex,
        coordinates: Coordinates | None,
    ) -> None:
        self.taxonomy = taxonomy
        self.coordinates = coordinates
        self.skill_vocabulary = Vocabulary()
        self.code_vocabulary = Vocabulary()
        self.records: list[CandidateRecord] = []
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self._parts: list[dict[str, object]] = []
        self._implied: dict[tuple[OccupationYears, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._occupations: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._occupation_codes: dict[str, np.ndarray] = {}
        self._idf_by_column = np.zeros(0)
        # Each distinct set of occupations and years numbered once; its implied skills and codes pooled.
        self._keys = _Numbers()
        self._implied_pool, self._code_pool = _Pool(), _Pool()
        candidates = list(candidates)
        n = len(candidates)
        # Built in chunks straight into the final arrays: the dense columns preallocated, each chunk's
        # sparse entries kept compact in CSC order and written once into the final CSC matrices (no
        # per-chunk matrices stacked and converted: that merge was the build's peak memory).
        for key in self._DENSE:
            setattr(self, key, np.empty(n))  # float, as the columns always were
        self.alive = np.ones(n, dtype=bool)
        skills, codes = [], []
        for start in range(0, n, self.CHUNK):
            chunk = candidates[start : start + self.CHUNK]
            self.alive[self._add_rows(chunk)] = False
            dense, skill_piece, code_piece = self._chunk(chunk)
            for key, values in dense.items():
                getattr(self, key)[start : start + len(chunk)] = values
            skills.append(skill_piece)
            codes.append(code_piece)
            del chunk, dense, skill_piece, code_piece
        self._parts = [
            {
                "skills": _csc(skills, len(self.skill_vocabulary)),
                "codes": _csc(codes, len(self.code_vocabulary)),
            }
        ]

    def __len__(self) -> int:
        return int(self.alive.sum())

    def _add_rows(self, candidates: list[CandidateRecord]) -> list[int]:
        """Record the rows of ``candidates`` (appended in order); returns the rows they replace."""
        ids = list(map(attrgetter("id"), candidates))
        base = len(self.records)
        self.records.extend(candidates)
        self.ids.extend(ids)
        if self.row_of.keys().isdisjoint(ids) and len(set(ids)) == len(ids):
            self.row_of.update(zip(ids, range(base, base + len(ids)), strict=True))  # no dict work a person
            return []
        replaced = []
        for row, candidate_id in enumerate(ids, start=base):
            old = self.row_of.get(candidate_id)
            if old is not None:
                replaced.append(old)
            self.row_of[candidate_id] = row
        return replaced

    def _chunk(self, candidates: list[CandidateRecord]) -> tuple[dict[str, np.ndarray], _Piece, _Piece]:
        """One chunk's dense columns and its skill and code entries (CSC order), built
        with NumPy: the per-occupation part once per distinct set of occupations and years, then every
        person's entries gathered as arrays (no per-person dictionaries). Rows hold what
        ``candidate_skill_weights`` gives row by row. Columns are numbered in the order the old build
        met them (occupations, then listed skills, chunk by chunk), so the matrices are the same."""
        n = len(candidates)
        columns, column = self.skill_vocabulary.columns, self.skill_vocabulary.column
        # 1. Each person's set of occupations as a key (one hash a person); the implied skills and codes
        # of keys not met before computed once and pooled.
        keys = self._keys
        key_of = np.fromiter(map(keys.__getitem__, map(attrgetter("occupations"), candidates)), np.int64, n)
        if keys.new:
            self._implied_pool.extend([self._implied_columns(key) for key in keys.new])
            self._code_pool.extend([self._code_columns(key) for key in keys.new])
            keys.new.clear()
        pool = self._implied_pool
        one = pool.number.get(1.0)  # a listed skill's weight, numbered
        if one is None:
            one = pool.code(np.ones(1, dtype=np.float32))[0]
        table = pool.table if len(pool.table) <= 256 else None
        imp_counts, imp_cols, imp_vals = pool.gather(key_of)
        code_counts, code_cols, code_vals = self._code_pool.gather(key_of)
        del key_of
        # 2. The listed skills, flat, one C-level lookup each; skills not known yet numbered in the
        # order met (as the old build did) before the lookup is repeated.
        listed = list(map(attrgetter("skills"), candidates))
        lst_counts = np.fromiter(map(len, listed), dtype=np.int64, count=n)
        flat = list(chain.from_iterable(listed))
        del listed
        try:
            lst_cols = np.fromiter(map(columns.__getitem__, flat), dtype=np.int64, count=len(flat))
        except KeyError:
            for key in dict.fromkeys(flat):
                if key not in columns:
                    column(key)
            lst_cols = np.fromiter(map(columns.__getitem__, flat), dtype=np.int64, count=len(flat))
        del flat
        # 3. Each row's implied entries, then its listed ones, laid out row after row by index
        # arithmetic (no sort); each cell (row, column) keeps its last entry, so a listed skill counts
        # fully, above what an occupation implies.
        per_row = imp_counts + lst_counts
        row_start = np.cumsum(per_row) - per_row
        imp_at = np.arange(len(imp_cols), dtype=np.int64) + np.repeat(
            row_start - (np.cumsum(imp_counts) - imp_counts), imp_counts
        )
        lst_at = np.arange(len(lst_cols), dtype=np.int64) + np.repeat(
            row_start + imp_counts - (np.cumsum(lst_counts) - lst_counts), lst_counts
        )
        cols = np.empty(len(imp_at) + len(lst_at), dtype=np.int64)
        if table is None:
            vals = np.ones(len(cols), dtype=np.float32)
        else:
            vals = np.full(len(cols), one, dtype=np.uint8)
        cols[imp_at], cols[lst_at], vals[imp_at] = imp_cols, lst_cols, imp_vals
        del imp_at, lst_at, imp_cols, imp_vals, lst_cols, row_start
        width = max(len(self.skill_vocabulary), 1)
        skills = _piece(
            np.repeat(np.arange(n), per_row), cols, vals, n, width, table=table, last_per_cell=True
        )
        del cols, vals, per_row
        code_rows = np.repeat(np.arange(n), code_counts)
        table = self._code_pool.table if len(self._code_pool.table) <= 256 else None
        codes = _piece(code_rows, code_cols, code_vals, n, max(len(self.code_vocabulary), 1), table=table)
        lat, lon = _coords(list(map(attrgetter("postcode"), candidates)), self.coordinates)
        dense = {
            # Per chunk, as the old build did: the same sums in the same order (columns ascending).
            "profile_mass": _piece_matrix(skills) @ self._column_idf(width),
            "german": np.fromiter(
                map(_GERMAN_RANK.get, map(attrgetter("german"), candidates), repeat(0)),
                dtype=np.int64,
                count=n,
            ),
            "lat": lat,
            "lon": lon,
            "hours": _optional_floats(list(map(attrgetter("hours"), candidates))),
            "day": _days(list(map(attrgetter("available_from"), candidates))),
            "permit": np.fromiter(
                map(PERMIT_SCORE.get, map(attrgetter("permit"), candidates), repeat(0.0)),
                dtype=float,
                count=n,
            ),
        }
        return dense, skills, codes

    def _column_idf(self, width: int) -> np.ndarray:
        """Each skill column's rarity (0 for skills no occupation asks for), extended as columns grow."""
        known = len(self._idf_by_column)
        if known < width:
            idf, names = self.taxonomy.skill_idf, list(self.skill_vocabulary.columns)[known:width]
            self._idf_by_column = np.concatenate(
                [self._idf_by_column, np.array([idf.get(k, 0.0) for k in names], dtype=float)]
            )
        found = self._idf_by_column[:width]
        # An empty vocabulary still makes a matrix one column wide: that column weighs nothing.
        return np.pad(found, (0, width - len(found))) if len(found) < width else found

    def _implied_columns(self, occupations: tuple[OccupationYears, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The skills a set of occupations implies (``candidate_skill_weights`` without listed skills),
        from each occupation's columns kept once: essential at the years' strength, optional at half."""
        cached = self._implied.get(occupations)
        if cached is None:
            cols, vals = [], []
            for o in occupations:
                essential, optional = self._occupation_columns(o.uri)
                strength = implied_skill_weight(o.years)
                cols += [essential, optional]
                vals += [np.full(len(essential), strength), np.full(len(optional), strength * 0.5)]
            if not cols:
                cached = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
            else:
                columns, values = np.concatenate(cols), np.concatenate(vals).astype(np.float32)
                if len(occupations) > 1:  # the larger weight where occupations share a skill
                    keep = _first_per_cell(columns, -values)
                    columns, values = columns[keep], values[keep]
                cached = (columns, values)
            self._implied[occupations] = cached
        return cached

    def _occupation_columns(self, uri: str) -> tuple[np.ndarray, np.ndarray]:
        """(essential, optional-only) skill columns of one occupation, assigned once."""
        found = self._occupations.get(uri)
        if found is None:
            column = self.skill_vocabulary.column
            essential = self.taxonomy.occupation_essential.get(uri, frozenset())
            optional = self.taxonomy.occupation_optional.get(uri, frozenset()) - essential
            found = self._occupations[uri] = (
                np.array([column(k) for k in sorted(essential)], dtype=np.int64),
                np.array([column(k) for k in sorted(optional)], dtype=np.int64),
            )
        return found

    def _code_columns(self, occupations: tuple[OccupationYears, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The occupation-code columns of a set of occupations (each code once), all weighing 1."""
        parts = [self._codes_of(o.uri) for o in occupations]
        columns = (
            np.zeros(0, dtype=np.int64)
            if not parts
            else parts[0]
            if len(parts) == 1
            else np.unique(np.concatenate(parts))
        )
        return columns, np.ones(len(columns), dtype=np.float32)

    def _codes_of(self, uri: str) -> np.ndarray:
        found = self._occupation_codes.get(uri)
        if found is None:
            isco, column = self.taxonomy.occupation_isco, self.code_vocabulary.column
            levels = zip(OCCUPATION_CODE_LEVELS, occupation_codes(uri, isco), strict=True)
            found = self._occupation_codes[uri] = np.array(
                sorted({column(f"{level[0]}:{code}") for level, code in levels if code is not None}),
                dtype=np.int64,
            )
        return found

    _DENSE = ("german", "lat", "lon", "hours", "day", "permit", "profile_mass")
    _SPARSE = ("skills", "codes")
    MAX_BLOCKS = 8  # small updates stay separate blocks; past this many they are merged
    CHUNK = 10_000

    def append(self, candidates: Sequence[CandidateRecord], *, merge: bool = True) -> None:
        """Add or replace candidates (a replaced row is marked dead, the new one appended)."""
        candidates = list(candidates)
        if not candidates:
            return
        replaced = self._add_rows(candidates)
        dense, skill_piece, code_piece = self._chunk(candidates)
        self._parts.append(
            {
                "skills": _csc([skill_piece], len(self.skill_vocabulary)),
                "codes": _csc([code_piece], len(self.code_vocabulary)),
            }
        )
        for key in self._DENSE:
            setattr(self, key, np.concatenate([getattr(self, key), dense[key]]))
        self.alive = np.concatenate([self.alive, np.ones(len(candidates), dtype=bool)])
        self.alive[replaced] = False
        if merge and len(self._parts) > self.MAX_BLOCKS:
            self._merge()

    def remove(self, ids: Sequence[str]) -> None:
        """Take candidates out at once (e.g. a revoked listing consent)."""
        for candidate_id in ids:
            row = self.row_of.pop(candidate_id, None)
            if row is not None:
                self.alive[row] = False

    def _merge(self) -> None:
        if len(self._parts) <= 1:
            return
        merged = {}
        for key in self._SPARSE:
            width = max(part[key].shape[1] for part in self._parts)
            blocks = []
            for part in self._parts:
                block = part.pop(key).tocsr()  # each block's CSC copy is freed as its CSR is made
                block.resize((block.shape[0], width))
                blocks.append(block)
            # Row blocks stack as CSR without an intermediate (COO would take 20 bytes an entry).
            stacked = sparse.vstack(blocks, format="csr")
            del blocks
            merged[key] = stacked.tocsc()
            del stacked
        self._parts = [merged]

    def _blocks(self, key: str):
        offset = 0
        for part in self._parts:
            block = part[key]
            yield offset, block
            offset += block.shape[0]

    @property
    def nbytes(self) -> int:
        arrays = [getattr(self, key) for key in self._DENSE] + [self.alive]
        matrices = [part[key] for part in self._parts for key in self._SPARSE]
        return sum(a.nbytes for a in arrays) + sum(
            m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in matrices
        )

    def skill_scores(self, placement: PlacementRecord) -> np.ndarray:
        weights = placement_skill_weights(placement, self.taxonomy)
        total = sum(weights.values())
        if total <= 0:
            return np.full(len(self.records), 0.5)
        result = np.zeros(len(self.records))
        for offset, block in self._blocks("skills"):
            columns, values = _vector(weights, self.skill_vocabulary, block.shape[1])
            if len(columns):
                result[offset : offset + block.shape[0]] = block[:, columns] @ values
        return result / total * self.focus(placement)

    def focus(self, placement: PlacementRecord) -> np.ndarray:
        """Every row's breadth factor for a placement (``focus_factor``), from the CSC columns of the
        placement's related skills in the skill matrix; one formula for both ranking paths."""
        related = self._related_columns(placement)
        n = len(self.records)
        mass = np.zeros(n)
        idf = self._column_idf(len(self.skill_vocabulary))
        for offset, block in self._blocks("skills"):
            rows, values = [], []
            for column in related:
                if column >= block.shape[1]:
                    break
                start, end = block.indptr[column], block.indptr[column + 1]
                rows.append(offset + block.indices[start:end])
                values.append(block.data[start:end].astype(float) * idf[column])
            if rows:
                mass += np.bincount(np.concatenate(rows), weights=np.concatenate(values), minlength=n)
        return focus_factor(mass, self.profile_mass)

    def _related_columns(self, placement: PlacementRecord) -> list[int]:
        """The skill columns of a placement's related skills, ascending (the order masses are added)."""
        return sorted(
            column
            for skill in placement_related_skills(placement, self.taxonomy)
            if (column := self.skill_vocabulary.columns.get(skill)) is not None
        )

    def focus_of(self, placement: PlacementRecord, rows: np.ndarray) -> np.ndarray:
        """``focus(placement)[rows]`` for ascending ``rows``, without touching any other row: each
        related column's entries of those rows found by binary search in its ascending row numbers,
        the masses added in the same column order as ``focus`` adds them (so the same sums)."""
        related = self._related_columns(placement)
        idf = self._column_idf(len(self.skill_vocabulary))
        mass = np.zeros(len(rows))
        for offset, block in self._blocks("skills"):
            lo, hi = np.searchsorted(rows, (offset, offset + block.shape[0])).tolist()
            if lo == hi:
                continue
            local, part = rows[lo:hi] - offset, mass[lo:hi]  # ``part`` is a view: adds land in ``mass``
            indptr, indices, data = block.indptr, block.indices, block.data
            for column in related:
                if column >= block.shape[1]:
                    break
                start, end = int(indptr[column]), int(indptr[column + 1])
                if start == end:
                    continue
                held = indices[start:end]
                # Search the shorter list in the longer one. A cell holds one entry, so no place repeats.
                if len(held) <= len(local):
                    at = np.minimum(np.searchsorted(local, held), len(local) - 1)
                    hit = local[at] == held
                    part[at[hit]] += data[start:end][hit].astype(float) * idf[column]
                else:
                    at = np.minimum(np.searchsorted(held, local), len(held) - 1)
                    hit = held[at] == local
                    part[hit] += data[start + at[hit]].astype(float) * idf[column]
        return focus_factor(mass, self.profile_mass[rows])

    def shared(self, placement: PlacementRecord) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The inverted index at work: (rows sharing a skill or an occupation code with the placement,
        ascending; their skill fit before breadth, i.e. ``skill_scores`` without the ``focus``
        factor; their occupation scores), read from the CSC columns of its skills and codes only.
        None when the placement asks for no skill (everyone then scores 0.5)."""
        weights = placement_skill_weights(placement, self.taxonomy)
        total = sum(weights.values())
        if total <= 0:
            return None
        n = len(self.records)
        spans = []  # (offset, block, columns, their values, where their entries start and end in ``every``)
        size = 0
        for offset, block in self._blocks("skills"):
            columns, values = _vector(weights, self.skill_vocabulary, block.shape[1])
            lengths = block.indptr[columns + 1] - block.indptr[columns]
            ends = (size + np.cumsum(lengths)).tolist()
            spans.append((offset, block, columns.tolist(), values.tolist(), size, ends))
            size = ends[-1] if ends else size
        # Every entry of the placement's skill columns (row, product), written once into place.
        every = np.empty(size, dtype=np.int32 if n < 2**31 else np.int64)
        products = np.empty(size)
        for offset, block, columns, values, at, ends in spans:
            for column, value, end in zip(columns, values, ends, strict=True):
                start, stop = block.indptr[column], block.indptr[column + 1]
                np.add(block.indices[start:stop], offset, out=every[at:end])
                # The same products (in float64), added in the same column order, as the full scan's
                # matrix product.
                np.multiply(block.data[start:stop], value, out=products[at:end], dtype=np.float64)
                at = end
        # Added row by row in column order, as the full scan's matrix product adds them. (One array
        # as long as the index: measured quicker than counting each entry's place among ``rows``.)
        # Every product is positive (weights are), so the rows sharing a skill are those above 0:
        # no second pass over the entries to mark them.
        fit = np.bincount(every, weights=products, minlength=n) if size else np.zeros(n)
        del every, products
        shared = fit > 0
        # Each row's closest occupation level as the number of its score in ``scores`` (0: none),
        # written from the lowest score up, so a closer level overwrites a farther one (the maximum).
        code_hits = sorted(self._code_rows(placement), key=lambda hit: hit[1])
        scores = sorted({value for _found, value in code_hits})
        level = np.zeros(n, dtype=np.uint8)
        for found, value in code_hits:
            shared[found] = True
            level[found] = scores.index(value) + 1
        rows = np.flatnonzero(shared)
        del shared
        occupation = np.array([0.0, *scores])[level[rows]]
        return rows, fit[rows] / total, occupation

    def overlap(self, placement: PlacementRecord) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(rows sharing a skill or an occupation code with the placement, their skill scores, their
        occupation scores): ``shared`` with each row's breadth factor applied. None when the placement
        asks for no skill."""
        found = self.shared(placement)
        if found is None:
            return None
        rows, fit, occupation = found
        return rows, fit * self.focus_of(placement, rows), occupation

    def _code_rows(self, placement: PlacementRecord):
        """(rows, value) for each occupation code level the placement has: the rows holding
        that code, read straight from the CSC column, and the level's score."""
        if not placement.occupation:
            return
        codes = occupation_codes(placement.occupation, self.taxonomy.occupation_isco)
        levels = zip(OCCUPATION_CODE_LEVELS, codes, OCCUPATION_LEVELS, strict=True)
        for (level, _digits), code, (_name, value) in levels:
            column = self.code_vocabulary.columns.get(f"{level}:{code}") if code else None
            if column is None:
                continue
            for offset, block in self._blocks("codes"):
                if column < block.shape[1]:
                    yield offset + block.indices[block.indptr[column] : block.indptr[column + 1]], value

    def occupation_scores(self, placement: PlacementRecord) -> np.ndarray:
        result = np.zeros(len(self.records))
        for rows, value in self._code_rows(placement):
            result[rows] = np.maximum(result[rows], value)
        return result


def _highest(values: np.ndarray, size: int) -> np.ndarray:
    """The positions of ``size`` highest values (which of several tied at the cut: any), ascending.

    A partition of every value costs milliseconds at a million people; a sample's cut first leaves a
    few times ``size`` values to partition (all of the highest are at or above it), and when it
    leaves too few, every value is partitioned."""
    n = len(values)
    step = n // (64 * size)
    if step >= 4:
        sample = values[::step]
        above = max(1, 4 * size // step)
        cut = np.partition(sample, len(sample) - above)[len(sample) - above]
        candidates = np.flatnonzero(values >= cut)
        if len(candidates) >= size:
            chosen = np.argpartition(values[candidates], len(candidates) - size)[len(candidates) - size :]
            return np.sort(candidates[chosen])
    return np.sort(np.argpartition(values, n - size)[n - size :])


class _Ids:
    """The ids of some rows of an index, read on demand (ties are broken by id)."""

    def __init__(self, ids: list[str], rows: np.ndarray) -> None:
        self.ids, self.rows = ids, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> str:
        return self.ids[self.rows[i]]


class PlacementIndex:
    """Open placements as arrays, to rank them for one candidate ("jobs for me")."""

    def __init__(
        self,
        placements: Sequence[PlacementRecord],
        *,
        taxonomy: TaxonomyIndex,
        coordinates: Coordinates | None,
    ) -> None:
        self.taxonomy = taxonomy
        self.records = list(placements)
        self.ids = [p.id for p in self.records]
        self.vocabulary = Vocabulary()
        rows = [placement_skill_weights(p, taxonomy) for p in self.records]
        self.totals = np.array([sum(r.values()) for r in rows])
        self.skills = _weights_matrix(rows, self.vocabulary).tocsc()
        related = [dict.fromkeys(placement_related_skills(p, taxonomy), 1.0) for p in self.records]
        self.related = _weights_matrix(related, self.vocabulary).tocsc()
        isco = taxonomy.occupation_isco
        codes = [occupation_codes(p.occupation, isco) if p.occupation else [None] * 4 for p in self.records]
        self.codes = [np.array([row[level] or "" for row in codes], dtype=object) for level in range(4)]
        self.german = np.array([cefr_rank(p.min_german) for p in self.records], dtype=np.int64)
        self.support = np.array([p.language_support for p in self.records], dtype=bool)
        self.lat, self.lon = _coords([p.postcode for p in self.records], coordinates)
        self.hours = _optional_floats([p.hours for p in self.records])
        self.day = _days([p.start for p in self.records])

    def skill_scores(self, candidate: CandidateRecord) -> np.ndarray:
        weights = candidate_skill_weights(candidate, self.taxonomy)
        columns, values = _vector(weights, self.vocabulary, self.skills.shape[1])
        overlap = self.skills[:, columns] @ values if len(columns) else np.zeros(len(self.records))
        profile = profile_skill_mass(weights, self.taxonomy)
        columns, values = _vector(profile, self.vocabulary, self.related.shape[1])
        mass = self.related[:, columns] @ values if len(columns) else np.zeros(len(self.records))
        focus = focus_factor(mass, np.full(len(self.records), float(sum(profile.values()))))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.totals > 0, overlap / np.where(self.totals > 0, self.totals, 1) * focus, 0.5)

    def occupation_scores(self, candidate: CandidateRecord) -> np.ndarray:
        result = np.zeros(len(self.records))
        isco = self.taxonomy.occupation_isco
        mine = [occupation_codes(o.uri, isco) for o in candidate.occupations]
        for level, (_name, value) in enumerate(OCCUPATION_LEVELS):
            wanted = [codes[level] for codes in mine if codes[level]]
            if wanted:
                result = np.maximum(result, np.isin(self.codes[level], wanted) * value)
        return result


class Matcher:
    """Ranks candidates for a placement and placements for a candidate."""

    def __init__(
        self,
        taxonomy: TaxonomyIndex,
        *,
        coordinates: Coordinates | None = None,
        today: date,
    ) -> None:
        # No default: the core has no clock of its own. The system date is UTC on a server, a day
        # behind Berlin for an hour or two after midnight; the caller passes the municipality's date.
        self.taxonomy = taxonomy
        self.coordinates = coordinates
        self.today = today

    def candidate_index(self, candidates: Sequence[CandidateRecord]) -> CandidateIndex:
        return CandidateIndex(candidates, taxonomy=self.taxonomy, coordinates=self.coordinates)

    def placement_index(self, placements: Sequence[PlacementRecord]) -> PlacementIndex:
        return PlacementIndex(placements, taxonomy=self.taxonomy, coordinates=self.coordinates)

    def _point(self, postcode: str | None) -> tuple[float, float]:
        point = self.coordinates(postcode) if (self.coordinates and postcode) else None
        return point if point is not None else (np.nan, np.nan)

    def rank_candidates(
        self,
        placement: PlacementRecord,
        candidates: Sequence[CandidateRecord] | CandidateIndex,
        *,
        top: int | None = None,
        where: np.ndarray | None = None,
    ) -> list[RankedMatch]:
        """Candidates for one placement, best first (employers and coaches).

        ``where`` (one bool per index row, from ``narrow``) keeps only those rows: a filter of the
        list, which changes nobody's score or explanation, only who is in it."""
        index = candidates if isinstance(candidates, CandidateIndex) else self.candidate_index(candidates)
        if not index.records:
            return []
        if top is not None and top > 0:
            ranked = self._rank_overlap(placement, index, top, where)
            if ranked is not None:
                return ranked
        return self._rank_all(placement, index, top, where)

    def narrow(
        self,
        placement: PlacementRecord,
        index: CandidateIndex,
        *,
        max_km: float | None = None,
        min_german: str | None = None,
        available_by: date | None = None,
    ) -> np.ndarray | None:
        """The index rows a list filter keeps (None: no filter given), over the index's own arrays.

        Distance as the explanation measures it (from the placement's postcode); someone whose
        distance is unknown is not kept by a distance filter, since nobody can say they are within
        it. German is the person's own level (language support bridges the placement's minimum, not
        a filter the reader chose). Available by a day: from that day at the latest, "now" for
        people without a date.
        """
        if max_km is None and min_german is None and available_by is None:
            return None
        keep = np.ones(len(index.ids), dtype=bool)
        if max_km is not None:
            lat, lon = self._point(placement.postcode)
            with np.errstate(invalid="ignore"):
                keep &= haversine_km(index.lat, index.lon, lat, lon) <= max_km  # NaN compares False
        if min_german is not None:
            keep &= index.german >= cefr_rank(min_german)
        if available_by is not None:
            keep &= np.maximum(index.day, self.today.toordinal()) <= available_by.toordinal()
        return keep

    def eligible_ids(
        self,
        placement: PlacementRecord,
        candidates: Sequence[CandidateRecord] | CandidateIndex,
        *,
        where: np.ndarray | None = None,
    ) -> list[str]:
        """Everyone a whole ranking (``rank_candidates`` without ``top``) lists, unordered.

        The same filter as the ranking (alive, German met or bridged, may work) without scoring or
        explaining anyone: a list page needs how many there are, and ranks only the page it shows.
        """
        index = candidates if isinstance(candidates, CandidateIndex) else self.candidate_index(candidates)
        if not index.records:
            return []
        _language, qualifies, _gap = language_component(
            index.german, cefr_rank(placement.min_german), placement.language_support
        )
        eligible = index.alive & qualifies & (index.permit > 0)
        if where is not None:
            eligible &= where
        ids = index.ids
        return [ids[i] for i in np.flatnonzero(eligible).tolist()]

    def _rank_overlap(
        self, placement: PlacementRecord, index: CandidateIndex, top: int, where: np.ndarray | None = None
    ) -> list[RankedMatch] | None:
        """The best ``top`` found by scoring only the people sharing a skill or an occupation code.

        Someone sharing neither scores at most ``NO_OVERLAP_MAX`` (0 for skills and occupation, 1
        for everything else). When the ``top``-th best of the overlapping people scores more than
        that, nobody else can enter or tie the list, so it is exactly the full scan's; otherwise
        None, and the caller scans everyone.

        Of the overlapping people, only those who could reach the list are scored in full: a
        person's score is at most their skill fit before breadth (which only lowers it), their
        occupation score and full marks on the rest (``most``). Whoever's ``most`` lies below a
        score ``top`` people already reach (``_floor``) can neither enter nor tie the list; of the
        others, the hard filters and the cheap components leave fewer still (``_scored``).
        """
        found = index.shared(placement)
        if found is None:
            return None
        rows, fit, occupation = found
        most = WEIGHTS["skills"] * fit + WEIGHTS["occupation"] * occupation + NO_OVERLAP_MAX
        pilot = self._floor(placement, index, (rows, fit, occupation), most, top, where)
        if pilot is None:
            rows, components = self._scored(placement, index, rows, fit, occupation, where)
        else:
            # The pilot's people are scored already; of the rest, only who could reach its floor.
            floor, picked, pilot_rows, pilot_components = pilot
            could = most >= floor - BOUND_MARGIN
            could[picked] = False
            keep = np.flatnonzero(could)
            rows, components = self._scored(
                placement, index, rows[keep], fit[keep], occupation[keep], where, floor
            )
            rows = np.concatenate([pilot_rows, rows])
            components = {
                name: np.concatenate([pilot_components[name], values]) for name, values in components.items()
            }
        best = self._best(components, np.ones(len(rows), dtype=bool), _Ids(index.ids, rows), top)
        if len(best) < top:
            return None
        kth = best[top - 1]
        if round(sum(WEIGHTS[name] * float(v[kth]) for name, v in components.items()), 6) <= NO_OVERLAP_MAX:
            return None
        implied: dict[tuple[OccupationYears, ...], dict[str, float]] = {}
        related = placement_related_skills(placement, self.taxonomy)
        return [
            self._result(
                index.records[rows[i]],
                placement,
                {k: float(v[i]) for k, v in components.items()},
                implied,
                related,
            )
            for i in best
        ]

    def _floor(
        self,
        placement: PlacementRecord,
        index: CandidateIndex,
        shared: tuple[np.ndarray, np.ndarray, np.ndarray],
        most: np.ndarray,
        top: int,
        where: np.ndarray | None,
    ) -> tuple[float, np.ndarray, np.ndarray, dict[str, np.ndarray]] | None:
        """(a rounded score at least ``top`` eligible people reach, the positions in ``shared`` of the
        people scored for it, the rows and components of those of them who are eligible, as
        ``_scored`` gives them): the ``top``-th best of the few people who could score most (more of
        them while too few pass the hard filters and ``where``). None when that would take scoring a
        large part of ``shared`` anyway."""
        rows, fit, occupation = shared
        size = PILOT_TIMES * top
        while size * 4 <= len(rows):
            pick = _highest(most, size)
            scored, components = self._scored(
                placement, index, rows[pick], fit[pick], occupation[pick], where
            )
            totals = self._totals(components, np.ones(len(scored), dtype=bool))
            if len(totals) >= top:
                return (
                    float(np.partition(totals, len(totals) - top)[len(totals) - top]),
                    pick,
                    scored,
                    components,
                )
            size *= 8
        return None

    def _scored(
        self,
        placement: PlacementRecord,
        index: CandidateIndex,
        rows: np.ndarray,
        fit: np.ndarray,
        occupation: np.ndarray,
        where: np.ndarray | None,
        floor: float | None = None,
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(the rows of some shared ones that pass the hard filters and ``where``, their components),
        ``fit`` and ``occupation`` from ``shared``. With a ``floor``, also only those whose score with
        their breadth at its best (1, it only lowers the fit) reaches it: every other component is
        cheap, the breadth factor is not, so it is computed last and for these rows only."""
        components = self._components(placement, index, rows, skills=fit, occupation=occupation)
        keep = index.alive[rows] & components.pop("_qualifies") & (index.permit[rows] > 0)
        if where is not None:
            keep &= where[rows]
        if floor is not None:
            most = sum(WEIGHTS[name] * values for name, values in components.items())
            keep &= most >= floor - BOUND_MARGIN
        keep = np.flatnonzero(keep)
        rows = rows[keep]
        components = {name: values[keep] for name, values in components.items()}
        components["skills"] = components["skills"] * index.focus_of(placement, rows)
        return rows, components

    def _components(
        self,
        placement: PlacementRecord,
        index: CandidateIndex,
        rows: np.ndarray | slice,
        *,
        skills: np.ndarray,
        occupation: np.ndarray,
    ) -> dict[str, np.ndarray]:
        today = self.today.toordinal()
        lat, lon = self._point(placement.postcode)
        language, qualifies, _gap = language_component(
            index.german[rows], cefr_rank(placement.min_german), placement.language_support
        )
        start = max(placement.start.toordinal() if placement.start else 0, today)
        return {
            "skills": skills,
            "occupation": occupation,
            "language": language,
            "distance": distance_component(haversine_km(index.lat[rows], index.lon[rows], lat, lon)),
            "hours": hours_component(
                index.hours[rows], np.nan if placement.hours is None else float(placement.hours)
            ),
            "start": start_component(np.maximum(index.day[rows], today), start),
            "permit": index.permit[rows],
            "_qualifies": qualifies,
        }

    def _rank_all(
        self,
        placement: PlacementRecord,
        index: CandidateIndex,
        top: int | None,
        where: np.ndarray | None = None,
    ) -> list[RankedMatch]:
        """Every row scored (the full scan): for a whole list, or when the overlap cannot decide."""
        today = self.today.toordinal()
        lat, lon = self._point(placement.postcode)
        language, qualifies, _gap = language_component(
            index.german, cefr_rank(placement.min_german), placement.language_support
        )
        start = max(placement.start.toordinal() if placement.start else 0, today)
        components = {
            "skills": index.skill_scores(placement),
            "occupation": index.occupation_scores(placement),
            "language": language,
            "distance": distance_component(haversine_km(index.lat, index.lon, lat, lon)),
            "hours": hours_component(
                index.hours, np.nan if placement.hours is None else float(placement.hours)
            ),
            "start": start_component(np.maximum(index.day, today), start),
            "permit": index.permit,
        }
        eligible = index.alive & qualifies & (index.permit > 0)
        if where is not None:
            eligible &= where
        rows = self._best(components, eligible, index.ids, top)
        return [
            self._result(index.records[i], placement, {k: float(v[i]) for k, v in components.items()})
            for i in rows
        ]

    def rank_placements(
        self,
        candidate: CandidateRecord,
        placements: Sequence[PlacementRecord] | PlacementIndex,
        *,
        top: int | None = None,
    ) -> list[RankedMatch]:
        """Open placements for one candidate, best first (case managers, 'jobs for me')."""
        index = placements if isinstance(placements, PlacementIndex) else self.placement_index(placements)
        if not index.records or PERMIT_SCORE.get(candidate.permit, 0.0) <= 0:
            return []
        today = self.today.toordinal()
        lat, lon = self._point(candidate.postcode)
        language, qualifies, _gap = language_component(
            cefr_rank(candidate.german), index.german, index.support
        )
        available = max(candidate.available_from.toordinal() if candidate.available_from else 0, today)
        n = len(index.records)
        components = {
            "skills": index.skill_scores(candidate),
            "occupation": index.occupation_scores(candidate),
            "language": language,
            "distance": distance_component(haversine_km(lat, lon, index.lat, index.lon)),
            "hours": hours_component(
                np.nan if candidate.hours is None else float(candidate.hours), index.hours
            ),
            "start": start_component(available, np.maximum(index.day, today)),
            "permit": np.full(n, PERMIT_SCORE[candidate.permit]),
        }
        rows = self._best(components, np.broadcast_to(qualifies, (n,)), index.ids, top)
        return [
            self._result(
                candidate,
                index.records[i],
                {k: float(np.broadcast_to(v, (n,))[i]) for k, v in components.items()},
            )
            for i in rows
        ]

    @staticmethod
    def _totals(components: dict[str, np.ndarray], eligible: np.ndarray) -> np.ndarray:
        """Each row's score, rounded to 6 decimals (ties within that are ordered by id); -inf for rows
        a hard filter removes."""
        n = len(eligible)
        total = sum(WEIGHTS[name] * np.broadcast_to(values, (n,)) for name, values in components.items())
        return np.round(np.where(eligible, total, -np.inf), 6)

    @staticmethod
    def _best(
        components: dict[str, np.ndarray], eligible: np.ndarray, ids: list[str], top: int | None
    ) -> list[int]:
        total = Matcher._totals(components, eligible)
        candidates = np.flatnonzero(eligible)
        if top is not None and top < len(candidates):
            # Take everything tied with the top-th score too, then order exactly.
            kth = np.partition(total[candidates], len(candidates) - top)[len(candidates) - top]
            candidates = candidates[total[candidates] >= kth]
        order = sorted(candidates.tolist(), key=lambda i: (-total[i], ids[i]))
        return order[:top] if top is not None else order

    def _result(
        self,
        candidate: CandidateRecord,
        placement: PlacementRecord,
        parts: dict[str, float],
        implied: dict[tuple[OccupationYears, ...], dict[str, float]] | None = None,
        related: set[str] | None = None,
    ) -> RankedMatch:
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        return RankedMatch(
            candidate_id=candidate.id,
            placement_id=placement.id,
            score=round(float(score), 4),
            explanation=self.explain(
                candidate, placement, components=parts, implied=implied, related=related
            ),
        )

    def score_pair(self, candidate: CandidateRecord, placement: PlacementRecord) -> RankedMatch | None:
        ranked = self.rank_candidates(placement, [candidate])
        return ranked[0] if ranked else None

    def score_pairs(
        self, pairs: Sequence[tuple[CandidateRecord, PlacementRecord]]
    ) -> dict[tuple[str, str], RankedMatch]:
        """Many (candidate, placement) pairs scored over one index of their candidates (training the
        re-ranker): ``score_pair`` for each, without building an index per pair. Pairs a hard filter
        removes are absent; keys are (candidate id, placement id)."""
        people = {c.id: c for c, _p in pairs}
        if not people:
            return {}
        index = self.candidate_index(list(people.values()))
        wanted: dict[str, tuple[PlacementRecord, set[str]]] = {}
        for candidate, placement in pairs:
            wanted.setdefault(placement.id, (placement, set()))[1].add(candidate.id)
        results: dict[tuple[str, str], RankedMatch] = {}
        for placement, ids in wanted.values():
            rows = np.array(sorted(index.row_of[i] for i in ids), dtype=np.int64)
            components = self._components(
                placement,
                index,
                rows,
                skills=index.skill_scores(placement)[rows],
                occupation=index.occupation_scores(placement)[rows],
            )
            eligible = index.alive[rows] & components.pop("_qualifies") & (index.permit[rows] > 0)
            for i in np.flatnonzero(eligible).tolist():
                record = index.records[rows[i]]
                parts = {k: float(v[i]) for k, v in components.items()}
                results[(record.id, placement.id)] = self._result(record, placement, parts)
        return results

    def explain(
        self,
        candidate: CandidateRecord,
        placement: PlacementRecord,
        *,
        components: dict[str, float],
        implied: dict[tuple[OccupationYears, ...], dict[str, float]] | None = None,
        related: set[str] | None = None,
    ) -> Explanation:
        """``implied``: a cache of occupations' implied skills (``candidate_skill_weights``), shared by
        the explanations of one list, whose people often hold the same occupations; ``related``: the
        placement's ``placement_related_skills``, the same for the whole list."""
        c_weights = candidate_skill_weights(candidate, self.taxonomy, implied)
        essential = placement.essential
        optional = placement.optional
        if not essential and not optional and placement.occupation:
            essential = tuple(sorted(self.taxonomy.occupation_essential.get(placement.occupation, ())))
            optional = tuple(sorted(self.taxonomy.occupation_optional.get(placement.occupation, ())))
        has = set(c_weights)
        c_rank, p_rank = cefr_rank(candidate.german), cefr_rank(placement.min_german)
        gap = max(p_rank - c_rank, 0) if c_rank else 0
        km = None
        if self.coordinates and candidate.postcode and placement.postcode:
            a, b = self.coordinates(candidate.postcode), self.coordinates(placement.postcode)
            if a and b:
                km = float(haversine_km(a[0], a[1], b[0], b[1]))
        start = placement.start or self.today
        available = max(candidate.available_from or self.today, self.today)
        listed = set(candidate.skills)
        inferred = {}
        for skill in essential:
            if skill in has and skill not in listed:
                source = inferred_source(skill, candidate.occupations, self.taxonomy)
                if source is not None:
                    inferred[skill] = (source.uri, source.years, source.uri in candidate.recognised)
        profile = profile_skill_mass(c_weights, self.taxonomy)
        if related is None:
            related = placement_related_skills(placement, self.taxonomy)
        fitting = [skill for skill in profile if skill in related]
        # ``focus_factor`` for one person, in plain floats (the same operations, without arrays).
        listed_mass = sum(profile.values())
        share = sum(profile[skill] for skill in fitting) / listed_mass if listed_mass > 0 else 1.0
        focus = FOCUS_FLOOR + (1.0 - FOCUS_FLOOR) * min(share, 1.0)
        return Explanation(
            essential_met=[s for s in essential if s in has],
            essential_missing=[s for s in essential if s not in has],
            other_relevant=[s for s in optional if s in has],
            occupation=occupation_closeness(candidate, placement, self.taxonomy.occupation_isco)[0],
            german=candidate.german,
            german_required=placement.min_german,
            language_gap=gap,
            bridged_by_language_support=gap == 1 and placement.language_support,
            distance_km=km,
            permit=candidate.permit,
            hours_fit=None
            if candidate.hours is None or placement.hours is None
            else abs(candidate.hours - placement.hours) <= 5,
            # Without a start date the placement is flexible: nothing to say about timing.
            available_in_time=None
            if placement.start is None
            else candidate.available_from is None or candidate.available_from <= max(start, self.today),
            components=components,
            skills_listed=len(profile),
            skills_listed_fitting=len(fitting),
            skill_focus=focus,
            essential_inferred=inferred,
            hours=candidate.hours,
            hours_required=placement.hours,
            available_from=candidate.available_from,
            start=placement.start,
            # As start_component counts it: both dates clamped to today, no start date meaning today.
            days_late=max((available - max(start, self.today)).days, 0),
            recognised_qualification=bool(candidate.recognised)
            and occupation_closeness(
                CandidateRecord(
                    id="", occupations=tuple(OccupationYears(uri=u) for u in candidate.recognised)
                ),
                placement,
                self.taxonomy.occupation_isco,
            )[0]
            != "none",
        )


def occupation_closeness(
    candidate: CandidateRecord, placement: PlacementRecord, isco: dict[str, str]
) -> tuple[str, float]:
    """('same'|'isco4'|'isco3'|'isco2'|'none', score): the closest of the person's occupations."""
    if not placement.occupation:
        return "none", 0.0
    target = isco.get(placement.occupation, "")
    best = ("none", 0.0)
    for occupation in candidate.occupations:
        if occupation.uri == placement.occupation:
            return OCCUPATION_LEVELS[0]
        code = isco.get(occupation.uri, "")
        for level, digits in (("isco4", 4), ("isco3", 3), ("isco2", 2)):
            if len(code) >= digits and len(target) >= digits and code[:digits] == target[:digits]:
                score = dict(OCCUPATION_LEVELS)[level]
                if score > best[1]:
                    best = (level, score)
                break
    return best
