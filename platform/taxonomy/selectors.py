"""Reads from the taxonomy.

ESCO is public reference data (no personal data), so these selectors take no requesting user.

Search keeps one in-memory index per model and process, built on the first search (~1 s) and
dropped when the taxonomy changes (the loader and the post_save/post_delete signals call
`clear_search_index`). A search then costs a few milliseconds and one query to fetch the hits.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from rapidfuzz import fuzz, process

from taxonomy.models import EN_FALLBACK, LABEL_LANGUAGES, Occupation, OccupationSkill, Skill, label_order

MIN_QUERY_LENGTH = 2
# Shorter query words must appear as written; longer ones may carry a typo or two.
MIN_FUZZY_WORD = 4
FUZZY_CUTOFF = 80.0
# Query words from this length may also match the start of longer words (a half-typed compound
# with a typo), about one typo per 7 letters.
MIN_PARTIAL_WORD = 6
PARTIAL_CUTOFF = 85.0
PARTIAL_PENALTY = 5.0
# Generic queries ("er", "ung") hit most labels; beyond this many substring hits we stop looking.
# Exact and prefix matches come from the sorted list and are never cut off.
MAX_SUBSTRING_HITS = 2000

# Match tiers, best first: exact and prefix matches always rank above the looser kinds.
EXACT = 7  # the whole label
PREFIX_WORD = 6  # the label starts with the query as a word: "deutsch" -> "deutsch sprechen"
PREFIX = 5  # the label starts with the query: "gabelstapler" -> "gabelstaplerfahrer"
WORD = 4  # a whole word inside the label: "excel" -> "microsoft office excel"
WORD_PREFIX = 3  # a word inside the label starts with the query
SUBSTRING = 2  # anywhere: "stapler" -> "gabelstaplerfahrer"
FUZZY = 1  # words similar to the query's words: "altenpflger" -> "altenpflege"

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Any letter or digit of any script is a word character (Ukrainian and Arabic labels are searched too).
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Fold case, ß, umlauts and accents so that 'Schweisser' meets 'Schweißer' (and Arabic hamza
    carriers and short vowels, so that 'احمد' meets 'أحمد')."""
    text = text.casefold().translate(_UMLAUTS)  # casefold turns ß into ss
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class _Entry:
    concept_id: int
    text: str  # the label as written, shown as "found via" when it is not the preferred one
    language: str  # de, en, uk or ar
    preferred: bool


def _containment_score(n: int, key: str) -> float:
    """fuzz.ratio of a query of length n contained in key, without computing it: shorter is better."""
    return 200.0 * n / (n + len(key))


class _Index:
    """Normalised labels of one model.

    A sorted list finds prefixes, one joined string finds substrings (str.find runs in C), and a
    vocabulary of label words with their labels lets rapidfuzz compare query words to ~40k short
    words instead of ~150k long labels.
    """

    def __init__(self, rows: list[tuple[int, dict[str, tuple[str, str]], bool]]):
        """``rows``: (id, {language: (preferred label, ' | '-separated alternatives)}, whether the
        German label is ESCO's English one standing in)."""
        norm_to_entries: dict[str, list[_Entry]] = {}

        def add(concept_id: int, text: str, language: str, preferred: bool) -> None:
            key = normalise(text)
            if len(key) < MIN_QUERY_LENGTH:
                return
            bucket = norm_to_entries.setdefault(key, [])
            entry = _Entry(concept_id, text, language, preferred)
            if entry not in bucket:
                bucket.append(entry)

        for pk, labels, de_is_english in rows:
            for language, (label, alts) in labels.items():
                if not label or (language == "de" and de_is_english):
                    continue  # an English stand-in for a missing German label is indexed as English
                add(pk, label, language, True)
                # "Schweißer/Schweißerin": each gendered form is a preferred label of its own.
                if "/" in label:
                    for part in label.split("/"):
                        add(pk, part.strip(), language, True)
                for alt in alts.split(" | ") if alts else ():
                    add(pk, alt.strip(), language, False)

        self.keys: list[str] = sorted(norm_to_entries)
        self.entries: list[list[_Entry]] = [norm_to_entries[k] for k in self.keys]
        # One big string with a separator that normalise() never leaves in a label.
        self.blob = "\n".join(self.keys)
        self.starts: list[int] = []
        pos = 0
        postings: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.starts.append(pos)
            pos += len(key) + 1
            for word in set(key.split()):
                postings.setdefault(word, []).append(i)
        self.words: list[str] = list(postings)
        self.postings: dict[str, list[int]] = postings
        self.words_by_length: list[str] = sorted(self.words, key=len)
        self.word_lengths: list[int] = [len(w) for w in self.words_by_length]
        self._heads_cache: dict[int, tuple[list[str], int]] = {}

    def _heads(self, length: int) -> tuple[list[str], int]:
        """The first `length` letters of every word at least that long (cached per length)."""
        if length not in self._heads_cache:
            first = bisect.bisect_left(self.word_lengths, length)
            self._heads_cache[length] = ([w[:length] for w in self.words_by_length[first:]], first)
        return self._heads_cache[length]

    def _key_at(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def match(self, query: str, want: int = 10) -> dict[int, tuple[int, float]]:
        """key index -> (tier, score) for every label the query matches."""
        hits: dict[int, tuple[int, float]] = {}

        def hit(i: int, tier: int, score: float) -> None:
            if hits.get(i, (0, 0.0)) < (tier, score):
                hits[i] = (tier, score)

        # Exact and prefix: a contiguous run in the sorted keys.
        n = len(query)
        i = bisect.bisect_left(self.keys, query)
        while i < len(self.keys) and self.keys[i].startswith(query):
            key = self.keys[i]
            tier = EXACT if key == query else PREFIX_WORD if key[n] == " " else PREFIX
            hit(i, tier, _containment_score(n, key))
            i += 1

        # Inside a label: whole word, word prefix, anywhere (from 4 letters; before that only at
        # word starts, or "sch" would hit every third label).
        if n >= 3:
            # A literal pattern lets the regex engine use its fast substring search.
            anywhere = n >= MIN_FUZZY_WORD
            pattern = re.compile(re.escape(query if anywhere else " " + query))
            for found, m in enumerate(pattern.finditer(self.blob)):
                if found >= MAX_SUBSTRING_HITS:
                    break
                pos = m.start() if anywhere else m.start() + 1
                i = self._key_at(pos)
                key = self.keys[i]
                offset = pos - self.starts[i]
                if offset == 0 or offset + n > len(key):
                    continue  # a prefix (done above) or running into the next label
                if key[offset - 1] == " ":
                    tier = WORD if offset + n == len(key) or key[offset + n] == " " else WORD_PREFIX
                else:
                    tier = SUBSTRING
                hit(i, tier, _containment_score(n, key))

        # Typo matches rank below all of the above: skip them when those already fill the list.
        if len({e.concept_id for i in hits for e in self.entries[i]}) >= want:
            return hits

        # Typos: every query word must meet a similar word of the label (or appear in it as typed).
        words = query.split()
        if any(len(w) >= MIN_FUZZY_WORD for w in words):
            # Half-typed compounds with a typo ("gabelstaplr" -> "gabelstaplerfahrer") need a second
            # comparison; it runs only when the other kinds found too little.
            partial = len(hits) < want
            per_key: dict[int, list[float]] = {}
            for slot, word in enumerate(words):
                if len(word) < MIN_FUZZY_WORD:
                    continue
                similar = process.extract(
                    word, self.words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=40
                )
                if partial and len(word) >= MIN_PARTIAL_WORD:
                    # Compare with the start of longer words, one letter more than typed.
                    heads, first = self._heads(len(word) + 1)
                    similar += [
                        (self.words_by_length[first + j], score - PARTIAL_PENALTY, first + j)
                        for _h, score, j in process.extract(
                            word, heads, scorer=fuzz.ratio, score_cutoff=PARTIAL_CUTOFF, limit=40
                        )
                    ]
                for w, score, _j in similar:
                    for i in self.postings[w]:
                        scores = per_key.setdefault(i, [0.0] * len(words))
                        scores[slot] = max(scores[slot], score)
            for i, scores in per_key.items():
                key = self.keys[i]
                for slot, word in enumerate(words):
                    if len(word) < MIN_FUZZY_WORD and word in key:
                        scores[slot] = 100.0
                score = sum(scores) / len(words)
                if score >= FUZZY_CUTOFF:
                    hit(i, FUZZY, score)
        return hits

    def search(self, query: str, *, limit: int, first: str) -> list[tuple[int, str]]:
        """Best (concept id, matched label) pairs, best first; labels in language ``first`` win ties."""
        best: dict[int, tuple] = {}
        for i, (tier, score) in self.match(query, want=limit).items():
            key_len = len(self.keys[i])
            for entry in self.entries[i]:
                rank = (tier, entry.language == first, entry.preferred, score, -key_len)
                if entry.concept_id not in best or best[entry.concept_id][0] < rank:
                    best[entry.concept_id] = (rank, entry.text)
        ordered = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
        return [(concept_id, text) for concept_id, (_rank, text) in ordered[:limit]]


_indexes: dict[str, _Index] = {}
_lock = threading.Lock()

Concept = TypeVar("Concept", Occupation, Skill)


def clear_search_index() -> None:
    """Forget the in-memory indexes of this process; the next search rebuilds them."""
    with _lock:
        _indexes.clear()


def _index_for(model: type[Concept]) -> _Index:
    name = model._meta.label
    index = _indexes.get(name)
    if index is None:
        with _lock:
            index = _indexes.get(name)
            if index is None:
                fields = ["id"]
                for code in LABEL_LANGUAGES:
                    fields += [f"label_{code}", f"alt_labels_{code}"]
                if model is Skill:
                    fields.append("label_de_source")
                rows = []
                for row in model.objects.values_list(*fields):
                    labels = {
                        code: (row[1 + 2 * i], row[2 + 2 * i]) for i, code in enumerate(LABEL_LANGUAGES)
                    }
                    rows.append((row[0], labels, model is Skill and row[-1] == EN_FALLBACK))
                index = _indexes[name] = _Index(rows)
    return index


def _search(model: type[Concept], query: str, limit: int, language: str) -> list[Concept]:
    # Both as typed and normalised: "ß" alone is one letter, even though it folds to "ss".
    if len((query or "").strip()) < MIN_QUERY_LENGTH:
        return []
    query = normalise(query)
    if len(query) < MIN_QUERY_LENGTH or limit <= 0:
        return []
    found = _index_for(model).search(query, limit=limit, first=label_order(language)[0])
    objects = model.objects.in_bulk([concept_id for concept_id, _text in found])
    results = []
    for concept_id, text in found:
        obj = objects.get(concept_id)
        if obj is None:  # deleted since the index was built
            continue
        # The label the query matched, e.g. an alternative label; templates may show it.
        obj.matched_label = text
        results.append(obj)
    return results


def search_occupations(*, query: str, limit: int = 10, language: str = "de") -> list[Occupation]:
    """Occupations whose preferred or alternative labels (German, English, Ukrainian or Arabic)
    match the query.

    Exact and prefix matches come first, then matches inside a label, then typo-tolerant ones;
    at the same level, labels in the reader's `language` (or its first fallback) come first.
    """
    return _search(Occupation, query, limit, language)


def search_skills(*, query: str, limit: int = 10, language: str = "de") -> list[Skill]:
    """Skills (and knowledge) matching the query; see search_occupations."""
    return _search(Skill, query, limit, language)


class OccupationSkills(NamedTuple):
    essential: list[Skill]
    optional: list[Skill]


def skills_for_occupation(*, occupation: Occupation) -> OccupationSkills:
    """The occupation's essential and optional ESCO skills, each sorted by German label."""
    essential: list[Skill] = []
    optional: list[Skill] = []
    relations = (
        OccupationSkill.objects.filter(occupation=occupation)
        .select_related("skill")
        .order_by("skill__label_de")
    )
    for rel in relations:
        (essential if rel.relation == OccupationSkill.Relation.ESSENTIAL else optional).append(rel.skill)
    return OccupationSkills(essential=essential, optional=optional)


def occupation_by_uri(*, uri: str) -> Occupation | None:
    return Occupation.objects.filter(uri=uri).select_related("isco_group").first()


def skills_by_uris(*, uris: list[str] | set[str] | tuple[str, ...]) -> dict[str, Skill]:
    """Skills keyed by URI; unknown URIs are left out."""
    return {skill.uri: skill for skill in Skill.objects.filter(uri__in=list(uris))}
