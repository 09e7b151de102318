"""Pathways (issue 20): what a person lacks for a target occupation, and which occupations one
ISCO skill level up suit them best. Plain Python and SciPy over the ESCO index; no Django.

What a person *has* is what the matching engine reads from their record: the skills they named
(explicit) and the essential skills of every occupation they declared or had recognised
(inferred, as ``candidate_skill_weights`` infers them). A pathway to a target occupation splits the
target's essential skills into exactly three disjoint parts:

    explicit = essential(target) ∩ named
    inferred = essential(target) ∩ (implied − named)
    missing  = essential(target) − named − implied

Proposals rank the occupations of the level just above the highest of the person's occupations by
how many of their essential skills the person has (then by how few are missing), from one sparse
occupations × skills matrix built once per ESCO index: a matrix-vector product, not a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .taxonomy import TaxonomyIndex

PROPOSALS = 5
HIGHEST_LEVEL = 4


class UnknownOccupation(KeyError):
    """The target is not an ESCO occupation of the index."""


@dataclass(frozen=True)
class Pathway:
    target: str
    missing: frozenset[str]
    explicit: frozenset[str]
    inferred: frozenset[str]

    @property
    def essential(self) -> frozenset[str]:
        return self.missing | self.explicit | self.inferred


@dataclass(frozen=True)
class Proposal:
    occupation: str
    shared: int  # essential skills of the occupation the person has
    missing: int  # essential skills of the occupation the person lacks


def implied_skills(taxonomy: TaxonomyIndex, occupations: Iterable[str]) -> frozenset[str]:
    """The essential skills of the given occupations (what their holders are taken to have)."""
    found: set[str] = set()
    for uri in occupations:
        found |= taxonomy.occupation_essential.get(uri, frozenset())
    return frozenset(found)


def pathway(
    taxonomy: TaxonomyIndex, *, target: str, skills: Iterable[str], occupations: Iterable[str]
) -> Pathway:
    """The target's essential skills split into missing / explicit / inferred (see the module)."""
    if not taxonomy.is_known_occupation(target):
        raise UnknownOccupation(target)
    essential = taxonomy.occupation_essential.get(target, frozenset())
    named = frozenset(skills)
    implied = implied_skills(taxonomy, occupations) - named
    return Pathway(
        target=target,
        missing=essential - named - implied,
        explicit=essential & named,
        inferred=essential & implied,
    )


def target_level(levels: Iterable[int | None]) -> int | None:
    """One skill level above the highest known level among the person's occupations; None when no
    level is known or the person already holds a level-4 occupation."""
    known = [level for level in levels if level]
    if not known or max(known) >= HIGHEST_LEVEL:
        return None
    return max(known) + 1


class PathwayProposer:
    """The essential relations of every ESCO occupation as one sparse 0/1 matrix (rows:
    occupations, columns: skills) with each occupation's ISCO skill level beside it."""

    def __init__(self, taxonomy: TaxonomyIndex, level_of: Callable[[str | None], int | None]) -> None:
        self.taxonomy = taxonomy
        self.occupations: list[str] = sorted(taxonomy.occupation_isco)
        self.row: dict[str, int] = {uri: i for i, uri in enumerate(self.occupations)}
        skills = sorted(set().union(*taxonomy.occupation_essential.values()))
        self.column: dict[str, int] = {uri: j for j, uri in enumerate(skills)}
        rows, cols = [], []
        for uri, essential in taxonomy.occupation_essential.items():
            i = self.row.get(uri)
            if i is None:
                continue
            cols.extend(self.column[s] for s in essential)
            rows.extend([i] * len(essential))
        shape = (len(self.occupations), max(len(skills), 1))
        data = np.ones(len(rows), dtype=np.float32)
        self.essential = sparse.csr_matrix((data, (rows, cols)), shape=shape)
        self.essential.sum_duplicates()
        self.essential_count = np.diff(self.essential.indptr).astype(np.int32)
        self.levels = np.array(
            [level_of(taxonomy.occupation_isco.get(uri)) or 0 for uri in self.occupations], dtype=np.int8
        )

    def level(self, occupation: str) -> int | None:
        i = self.row.get(occupation)
        return int(self.levels[i]) or None if i is not None else None

    def _have_columns(self, skills: Iterable[str], occupations: Sequence[str]) -> np.ndarray:
        """Skill columns the person has: named ones plus their occupations' essential ones."""
        parts = [np.fromiter((self.column[s] for s in skills if s in self.column), dtype=np.int32)]
        indptr, indices = self.essential.indptr, self.essential.indices
        for uri in occupations:
            i = self.row.get(uri)
            if i is not None:
                parts.append(indices[indptr[i] : indptr[i + 1]])
        return np.unique(np.concatenate(parts))

    def _have_matrix(self, people: Sequence[tuple[Iterable[str], Sequence[str]]]) -> sparse.csr_matrix:
        indptr, indices = [0], []
        for skills, occupations in people:
            columns = self._have_columns(skills, occupations)
            indices.append(columns)
            indptr.append(indptr[-1] + len(columns))
        flat = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
        return sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, np.array(indptr)),
            shape=(len(people), self.essential.shape[1]),
        )

    def pathways_all(
        self, *, skills: Iterable[str], occupations: Sequence[str]
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
        """The person's pathway to every occupation at once, as three 0/1 matrices shaped like
        ``essential`` (row = occupation, column = skill): (missing, explicit, inferred). Row i holds
        exactly what ``pathway`` gives for occupation i, without a Python loop over occupations."""
        width = self.essential.shape[1]
        named = np.zeros(width, dtype=np.float32)
        named[[self.column[s] for s in skills if s in self.column]] = 1.0
        implied = np.zeros(width, dtype=np.float32)
        implied[self._have_columns((), occupations)] = 1.0
        implied[named > 0] = 0.0
        explicit = self.essential.multiply(named).tocsr()
        inferred = self.essential.multiply(implied).tocsr()
        missing = (self.essential - explicit - inferred).tocsr()
        for matrix in (explicit, inferred, missing):
            matrix.eliminate_zeros()
        return missing, explicit, inferred

    def skills_of(self, matrix: sparse.csr_matrix, occupation: str) -> frozenset[str]:
        """The skill URIs of one occupation's row of a ``pathways_all`` matrix."""
        if not hasattr(self, "_skill_uris"):
            self._skill_uris = sorted(self.column, key=self.column.__getitem__)
        i = self.row[occupation]
        return frozenset(self._skill_uris[j] for j in matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]])

    def propose(
        self, *, skills: Iterable[str], occupations: Sequence[str], top: int = PROPOSALS
    ) -> list[Proposal]:
        """The ``top`` occupations one level above the person's highest that share most essential
        skills with what they have (ties: fewer missing, then URI); none share nothing."""
        return self.propose_many([(skills, occupations)], top=top)[0]

    def propose_many(
        self, people: Sequence[tuple[Iterable[str], Sequence[str]]], *, top: int = PROPOSALS
    ) -> list[list[Proposal]]:
        """``propose`` for many people at once: one sparse product for the whole caseload."""
        people = [(list(skills), list(occupations)) for skills, occupations in people]
        if not people:
            return []
        shared = np.asarray((self._have_matrix(people) @ self.essential.T).todense(), dtype=np.int32)
        results = []
        for p, (_skills, occupations) in enumerate(people):
            level = target_level(self.level(uri) for uri in occupations)
            if level is None:
                results.append([])
                continue
            row = shared[p]
            candidates = np.flatnonzero((self.levels == level) & (row > 0))
            own = [self.row[uri] for uri in occupations if uri in self.row]
            candidates = np.setdiff1d(candidates, own, assume_unique=False)
            missing = self.essential_count[candidates] - row[candidates]
            # lexsort: the last key is the primary one; the row number follows URI order.
            order = np.lexsort((candidates, missing, -row[candidates]))[:top]
            results.append(
                [
                    Proposal(
                        occupation=self.occupations[candidates[k]],
                        shared=int(row[candidates[k]]),
                        missing=int(missing[k]),
                    )
                    for k in order
                ]
            )
        return results
