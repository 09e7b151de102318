"""Writes to the taxonomy: loading the ESCO files shipped in taxonomy/data/esco.

The loader is idempotent: it creates what is new, updates what changed and leaves the rest alone,
so running it twice gives the same rows (and the same primary keys, which other apps point at).
Occupations and skills that vanished from the files are kept (profiles and placements refer to
them); only relations, which nothing else points at, are pruned to match the files.
"""

from __future__ import annotations

import csv
import gzip
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from taxonomy.models import EN_FALLBACK, IscoGroup, Occupation, OccupationSkill, Skill
from taxonomy.selectors import clear_search_index
from taxonomy.signals import taxonomy_loaded

DATA_DIR = Path(__file__).resolve().parent / "data" / "esco"
ISCO_FILE = "isco08_groups_de_en.csv.gz"
OCCUPATIONS_FILE = "occupations_de_en.csv.gz"
SKILLS_FILE = "skills_de_en.csv.gz"
RELATIONS_FILE = "occupation_skill_relations_v1.1.1.csv.gz"
# Ukrainian and Arabic labels (ESCO v1.2.1): every occupation, the skills of six collections.
OCCUPATIONS_UK_AR_FILE = "occupations_uk_ar.csv.gz"
SKILLS_UK_AR_FILE = "skills_uk_ar.csv.gz"

BATCH_SIZE = 2000

# The German v1.0.3 labels of the BA EURES mapping lost their commas on the way (a comma became a
# second space: "Gesundheits-  Sicherheits-  Hygiene- und …"). These are the ones where a comma
# stood; in the other doubled spaces nothing was lost (they are collapsed, see _tidy).
_LOST_COMMAS = {
    "Gesundheits-  Sicherheits-  Hygiene- und andere wichtige Rechtsvorschriften in Bezug auf "
    "Lebensmittel einhalten": "Gesundheits-, Sicherheits-, Hygiene- und andere wichtige "
    "Rechtsvorschriften in Bezug auf Lebensmittel einhalten",
    "die Einhaltung von Gesundheits-  Sicherheits- und Hygienestandards sicherstellen": (
        "die Einhaltung von Gesundheits-, Sicherheits- und Hygienestandards sicherstellen"
    ),
    "Sicherstellen  dass Geschirr einsatzbereit ist": "Sicherstellen, dass Geschirr einsatzbereit ist",
    "Vereinbarungen für Unterkunft  Transport und Aktivitäten treffen": (
        "Vereinbarungen für Unterkunft, Transport und Aktivitäten treffen"
    ),
    "mit Hotels  Busunternehmen  Restaurants kommunizieren": "mit Hotels, Busunternehmen, Restaurants kommunizieren",
    "ein sicheres  hygienisches und gesichertes Arbeitsumfeld bewahren": (
        "ein sicheres, hygienisches und gesichertes Arbeitsumfeld bewahren"
    ),
    "Kulturveranstaltungen  Festivals und Ausstellungen organisieren": (
        "Kulturveranstaltungen, Festivals und Ausstellungen organisieren"
    ),
    "Werkzeuge für die Extraktion  Transformation und das Laden von Daten": (
        "Werkzeuge für die Extraktion, Transformation und das Laden von Daten"
    ),
    "Werkzeug für Extraktion  Transformation und Laden von Daten": (
        "Werkzeug für Extraktion, Transformation und Laden von Daten"
    ),
    "Extraktion  Transformation  Laden": "Extraktion, Transformation, Laden",
    "Extract  Transform  Load": "Extract, Transform, Load",
}


def _tidy(label: str) -> str:
    """A German label with its lost commas put back and doubled spaces made single."""
    return " ".join(_LOST_COMMAS.get(label, label).split())


def _tidy_alternatives(labels: str) -> str:
    return " | ".join(_tidy(label) for label in labels.split(" | ")) if labels else labels


@dataclass
class LoadCounts:
    """What one table looked like after the load, and what the load did to it."""

    total: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class TaxonomyLoadReport:
    isco_groups: LoadCounts = field(default_factory=LoadCounts)
    occupations: LoadCounts = field(default_factory=LoadCounts)
    skills: LoadCounts = field(default_factory=LoadCounts)
    relations: LoadCounts = field(default_factory=LoadCounts)
    # Relation rows whose occupation or skill URI is not in the files (ESCO version gap).
    relations_skipped: int = 0
    skipped_occupation_uris: set[str] = field(default_factory=set)
    skipped_skill_uris: set[str] = field(default_factory=set)
    skills_en_fallback: int = 0
    occupations_uk_ar: int = 0
    skills_uk_ar: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = []
        for name in ("isco_groups", "occupations", "skills", "relations"):
            c: LoadCounts = getattr(self, name)
            out.append(f"{name}: {c.total} (created {c.created}, updated {c.updated}, deleted {c.deleted})")
        out.append(f"skills without a German label (English shown): {self.skills_en_fallback}")
        out.append(
            f"Ukrainian/Arabic labels: {self.occupations_uk_ar} occupations, {self.skills_uk_ar} skills"
        )
        out.append(
            f"relations skipped (unknown URIs): {self.relations_skipped} "
            f"({len(self.skipped_occupation_uris)} unknown occupations, "
            f"{len(self.skipped_skill_uris)} unknown skills)"
        )
        out.append(f"time: {self.seconds:.1f} s")
        return out


def _rows(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _uk_ar_labels(path: Path) -> dict[str, dict[str, str]]:
    """Ukrainian and Arabic labels by URI; an absent file gives none (German and English stay)."""
    if not path.exists():
        return {}
    return {
        row["conceptUri"]: {
            "label_uk": row["preferredLabel_uk"],
            "alt_labels_uk": row["altLabels_uk"],
            "label_ar": row["preferredLabel_ar"],
            "alt_labels_ar": row["altLabels_ar"],
        }
        for row in _rows(path)
    }


_NO_UK_AR = {"label_uk": "", "alt_labels_uk": "", "label_ar": "", "alt_labels_ar": ""}


def _sync(model, wanted: dict[str, dict], fields: list[str], counts: LoadCounts, key: str = "uri") -> None:
    """Create rows missing by `key`, update rows whose `fields` differ from `wanted`."""
    # only() wants field names, not attnames (isco_group, not isco_group_id).
    names = [f.removesuffix("_id") for f in fields]
    existing = {getattr(obj, key): obj for obj in model.objects.only(key, *names)}
    to_create, to_update = [], []
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**{key: k}, **values))
            continue
        if any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _load_isco(data_dir: Path, report: TaxonomyLoadReport) -> dict[str, int]:
    wanted = {
        row["iscoCode"]: {
            "uri": row["conceptUri"],
            "label_de": row["preferredLabel_de"] or row["preferredLabel_en"],
            "label_en": row["preferredLabel_en"],
        }
        for row in _rows(data_dir / ISCO_FILE)
    }
    _sync(IscoGroup, wanted, ["uri", "label_de", "label_en"], report.isco_groups, key="code")
    # Parents by code prefix: 7212 -> 721 -> 72 -> 7.
    groups = {g.code: g for g in IscoGroup.objects.only("code", "parent_id")}
    changed = []
    for code, group in groups.items():
        parent = groups.get(code[:-1]) if len(code) > 1 else None
        parent_id = parent.pk if parent else None
        if group.parent_id != parent_id:
            group.parent_id = parent_id
            changed.append(group)
    IscoGroup.objects.bulk_update(changed, ["parent"], batch_size=BATCH_SIZE)
    report.isco_groups.total = len(groups)
    return {code: g.pk for code, g in groups.items()}


def _load_occupations(data_dir: Path, isco_ids: dict[str, int], report: TaxonomyLoadReport) -> None:
    uk_ar = _uk_ar_labels(data_dir / OCCUPATIONS_UK_AR_FILE)
    wanted = {}
    for row in _rows(data_dir / OCCUPATIONS_FILE):
        wanted[row["conceptUri"]] = {
            **uk_ar.get(row["conceptUri"], _NO_UK_AR),
            "label_de": _tidy(row["preferredLabel_de"]) or row["preferredLabel_en"],
            "label_en": row["preferredLabel_en"],
            "alt_labels_de": _tidy_alternatives(row["altLabels_de"]),
            "alt_labels_en": row["altLabels_en"],
            "isco_code": row["iscoGroup"],
            "isco_group_id": isco_ids.get(row["iscoGroup"]),
            "esco_code": row["escoCode"],
            "description_de": row["description_de"],
        }
    report.occupations_uk_ar = sum(1 for uri in wanted if uri in uk_ar)
    fields = list(next(iter(wanted.values())).keys())
    _sync(Occupation, wanted, fields, report.occupations)
    report.occupations.total = Occupation.objects.count()


def _load_skills(data_dir: Path, report: TaxonomyLoadReport) -> None:
    # 5 skills new in v1.2.1 have Ukrainian and Arabic labels but no German or English row: skipped.
    uk_ar = _uk_ar_labels(data_dir / SKILLS_UK_AR_FILE)
    wanted = {}
    for row in _rows(data_dir / SKILLS_FILE):
        label_de, source = _tidy(row["preferredLabel_de"]), row["preferredLabel_de_source"]
        if not label_de:
            # 1,101 skills have no German label in any source we have: show the English one
            # and say so, so that the UI (and a later data update) can tell them apart.
            label_de, source = row["preferredLabel_en"], EN_FALLBACK
            report.skills_en_fallback += 1
        wanted[row["conceptUri"]] = {
            **uk_ar.get(row["conceptUri"], _NO_UK_AR),
            "label_de": label_de,
            "label_de_source": source,
            "label_en": row["preferredLabel_en"],
            "alt_labels_de": _tidy_alternatives(row["altLabels_de"]),
            "alt_labels_en": row["altLabels_en"],
            "skill_type": row["skillType"],
            "reuse_level": row["reuseLevel"],
            "description_en": row["description_en"],
        }
    report.skills_uk_ar = sum(1 for uri in wanted if uri in uk_ar)
    fields = list(next(iter(wanted.values())).keys())
    _sync(Skill, wanted, fields, report.skills)
    report.skills.total = Skill.objects.count()


def _load_relations(data_dir: Path, report: TaxonomyLoadReport) -> None:
    occupation_ids = dict(Occupation.objects.values_list("uri", "id"))
    skill_ids = dict(Skill.objects.values_list("uri", "id"))
    wanted: dict[tuple[int, int], str] = {}
    for row in _rows(data_dir / RELATIONS_FILE):
        occ_id = occupation_ids.get(row["occupationUri"])
        skill_id = skill_ids.get(row["skillUri"])
        if occ_id is None or skill_id is None:
            report.relations_skipped += 1
            if occ_id is None:
                report.skipped_occupation_uris.add(row["occupationUri"])
            if skill_id is None:
                report.skipped_skill_uris.add(row["skillUri"])
            continue
        wanted[(occ_id, skill_id)] = row["relationType"]

    existing = {
        (occ_id, skill_id): (pk, relation)
        for pk, occ_id, skill_id, relation in OccupationSkill.objects.values_list(
            "id", "occupation_id", "skill_id", "relation"
        )
    }
    to_create, to_update = [], []
    for (occ_id, skill_id), relation in wanted.items():
        found = existing.get((occ_id, skill_id))
        if found is None:
            to_create.append(OccupationSkill(occupation_id=occ_id, skill_id=skill_id, relation=relation))
        elif found[1] != relation:
            to_update.append(OccupationSkill(pk=found[0], relation=relation))
    stale = [pk for key, (pk, _relation) in existing.items() if key not in wanted]

    OccupationSkill.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        OccupationSkill.objects.bulk_update(to_update, ["relation"], batch_size=BATCH_SIZE)
    for start in range(0, len(stale), BATCH_SIZE):
        OccupationSkill.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    report.relations.created = len(to_create)
    report.relations.updated = len(to_update)
    report.relations.deleted = len(stale)
    report.relations.total = OccupationSkill.objects.count()


def taxonomy_load(*, data_dir: Path | None = None) -> TaxonomyLoadReport:
    """Load (or refresh) ISCO groups, ESCO occupations, skills and their relations."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    report = TaxonomyLoadReport()
    started = time.perf_counter()
    with transaction.atomic():
        isco_ids = _load_isco(data_dir, report)
        _load_occupations(data_dir, isco_ids, report)
        _load_skills(data_dir, report)
        _load_relations(data_dir, report)
    # The search index of this process holds the old labels; drop it (rebuilt on next search).
    clear_search_index()
    report.seconds = time.perf_counter() - started
    taxonomy_loaded.send(sender=TaxonomyLoadReport, report=report)
    return report
