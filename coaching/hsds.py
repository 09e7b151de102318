"""The services directory as Open Referral HSDS 3.0 JSON (issue 17): export and import.

The document is an HSDS 3.0 "organization package": a JSON array of ``organization`` objects, each
with its ``locations`` and its ``services`` (with ``service_at_locations``, ``languages``,
``cost_options``, ``contacts``, ``phones`` and ``attributes``). It is validated against the compiled
schema ``coaching/data/hsds/schema/compiled/organization_package.json.gz`` (CC BY-SA 4.0, see
SOURCE.md there).

Ids: organisations, locations and services carry a stored ``hsds_id``; an import keeps the document's
ids, so exporting, importing into an empty municipality and exporting again gives the same document.
Parts without a row of their own (phones, languages, contacts, cost options, attributes, addresses,
service_at_location links) get uuid5 ids derived from their parent's id, so they are stable too.
What stays behind: the link of a provider to an organisation on Lotse (``ServiceOrganisation
.organisation``) is specific to one installation and neither exported nor imported.

Lotse's own fields travel as HSDS attributes with taxonomy terms: the category
(taxonomy ``lotse-service-category``) and the eligible residence statuses (``lotse-residence-status``);
the ESCO skills an offer teaches (issue 20) as taxonomy ``esco-skill`` terms whose code is the skill's
ESCO URI (an import refuses URIs the installation's ESCO does not know).

Weekly opening hours travel as HSDS ``schedules`` (``freq`` WEEKLY, ``byday``, ``opens_at`` and
``closes_at`` in local time); an import names other schedules (monthly, without times) as errors.
The further municipalities an offer serves across a district line travel as ``service_areas`` named
as on Lotse (the owning municipality is implied); an import into one of them drops that one. Single
postcodes of the service area travel as ``service_areas`` too, each named by its postcode with the
``uri`` ``urn:de:plz:<postcode>``. Required documents are HSDS ``required_documents`` (with their
stored ids), the waiting time HSDS's ``wait_time`` text.

The functions with a ``user`` check the role on the server (coordinators of that municipality), so
the page, the management commands (``user=None``: the operator) and a later API share them.
"""

from __future__ import annotations

import datetime
import gzip
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from accounts.roles import Role
from candidates.models import Language, ResidenceStatus
from organisations import access
from organisations.models import Municipality
from taxonomy.models import Skill

from . import directory_selectors
from .directory_services import hours_errors
from .models import (
    BYDAY,
    Cost,
    Service,
    ServiceAreaPostcode,
    ServiceCategory,
    ServiceLocation,
    ServiceOrganisation,
    ServiceRequiredDocument,
    ServiceSchedule,
)

if TYPE_CHECKING:
    from accounts.models import User

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "hsds" / "schema"
# Larger uploads are refused before parsing: the demo directory is ~20 kB, a big county's a few 100 kB.
MAX_BYTES = 2 * 1024 * 1024
# Errors listed at most; a wholly wrong document would otherwise bury the first, useful ones.
MAX_ERRORS = 20
# Namespace of the uuid5 ids derived for parts without a row (taxonomy terms, phones, ...).
NAMESPACE = uuid.UUID("5b0c1c1e-5a3e-4c57-9f0a-6c6f74736531")
TAXONOMY_CATEGORY = "lotse-service-category"
TAXONOMY_RESIDENCE = "lotse-residence-status"
TAXONOMY_ESCO_SKILL = "esco-skill"
# A service area that is one postcode (issue 17) says so by its uri.
POSTCODE_URN = "urn:de:plz:"


class HsdsImportError(Exception):
    """An HSDS document that cannot be imported; ``errors`` lists "path: message" lines."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@cache
def package_schema() -> dict:
    with gzip.open(SCHEMA_DIR / "compiled" / "organization_package.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(package_schema(), format_checker=FormatChecker())


def _sub(parent: uuid.UUID | str, part: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(parent)), part))


def _term(taxonomy: str, code: str, name: str) -> dict:
    term_id = str(uuid.uuid5(NAMESPACE, f"{taxonomy}:{code}"))
    return {"id": term_id, "code": code, "name": name, "description": name, "taxonomy": taxonomy}


def _attribute(service: Service, taxonomy: str, code: str, name: str) -> dict:
    term = _term(taxonomy, code, name)
    return {
        "id": _sub(service.hsds_id, f"attribute:{taxonomy}:{code}"),
        "link_id": str(service.hsds_id),
        "link_type": taxonomy,
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "value": code,
        "taxonomy_term": term,
    }


# --- export ------------------------------------------------------------------------------------


def _location(location: ServiceLocation, state: str) -> dict:
    lid = str(location.hsds_id)
    data: dict[str, Any] = {
        "id": lid,
        "location_type": "physical",
        "organization_id": str(location.organisation.hsds_id),
        "name": location.name,
        "addresses": [],
        "accessibility": [],
    }
    if location.street or location.postcode or location.city:
        data["addresses"].append(
            {
                "id": _sub(lid, "address"),
                "location_id": lid,
                "address_1": location.street,
                "city": location.city,
                "state_province": state,
                "postal_code": location.postcode,
                "country": "DE",
                "address_type": "physical",
            }
        )
    if location.accessible:
        data["accessibility"].append(
            {"id": _sub(lid, "accessibility"), "location_id": lid, "description": "barrierefrei"}
        )
    return data


def _schedule(sid: str, row: ServiceSchedule) -> dict:
    """A weekly opening time as an HSDS 3.0 ``schedule`` (iCal WEEKLY on one day, local time)."""
    opens, closes = f"{row.opens:%H:%M}", f"{row.closes:%H:%M}"
    return {
        "id": _sub(sid, f"schedule:{row.weekday}:{opens}"),
        "service_id": sid,
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": BYDAY[row.weekday],
        "opens_at": opens,
        "closes_at": closes,
    }


def _service_area(sid: str, municipality: Municipality) -> dict:
    """A further municipality the offer serves across a district line, named as on Lotse (the
    owning municipality itself is implied and not listed)."""
    area: dict[str, Any] = {
        "id": _sub(sid, f"area:{municipality.name}"),
        "service_id": sid,
        "name": municipality.name,
    }
    if municipality.ags:
        area["uri"] = f"urn:de:ags:{municipality.ags}"
    return area


def _postcode_area(sid: str, postcode: str) -> dict:
    """One postcode of the offer's service area, possibly in another municipality."""
    return {
        "id": _sub(sid, f"area:plz:{postcode}"),
        "service_id": sid,
        "name": postcode,
        "uri": f"{POSTCODE_URN}{postcode}",
    }


def _required_document(sid: str, document: ServiceRequiredDocument) -> dict:
    data = {"id": str(document.hsds_id), "service_id": sid, "document": document.document}
    if document.uri:
        data["uri"] = document.uri
    return data


def _service(service: Service) -> dict:
    sid = str(service.hsds_id)
    categories = dict(ServiceCategory.choices)
    statuses = dict(ResidenceStatus.choices)
    languages = dict(Language.choices)
    attributes = [_attribute(service, TAXONOMY_CATEGORY, service.category, str(categories[service.category]))]
    attributes += [
        _attribute(service, TAXONOMY_RESIDENCE, code, str(statuses.get(code, code)))
        for code in service.eligible_residence_statuses
    ]
    attributes += [
        _attribute(service, TAXONOMY_ESCO_SKILL, skill.uri, skill.label_de)
        for skill in sorted(service.skills.all(), key=lambda skill: skill.uri)
    ]
    data: dict[str, Any] = {
        "id": sid,
        "organization_id": str(service.organisation.hsds_id),
        "name": service.name,
        "description": service.description,
        "status": "active" if service.is_active else "inactive",
        "eligibility_description": ", ".join(
            str(statuses.get(c, c)) for c in service.eligible_residence_statuses
        ),
        "languages": [
            {
                "id": _sub(sid, f"language:{code}"),
                "service_id": sid,
                "code": code,
                "name": str(languages.get(code, code)),
            }
            for code in service.languages
        ],
        "cost_options": [
            {
                "id": _sub(sid, "cost"),
                "service_id": sid,
                "option": service.cost,
                "amount_description": service.cost_details,
            }
        ],
        "contacts": [],
        "phones": [],
        "service_at_locations": [
            {"id": _sub(sid, f"at:{loc.hsds_id}"), "service_id": sid, "location_id": str(loc.hsds_id)}
            for loc in sorted(service.locations.all(), key=lambda loc: str(loc.hsds_id))
        ],
        "attributes": attributes,
        "schedules": [_schedule(sid, row) for row in service.schedules.all()],
        "service_areas": [
            _service_area(sid, m) for m in sorted(service.served_municipalities.all(), key=lambda m: m.name)
        ]
        + [_postcode_area(sid, p) for p in service.area_postcode_list()],
        "required_documents": [_required_document(sid, d) for d in service.required_documents.all()],
    }
    if service.wait_time:
        data["wait_time"] = service.wait_time
    # HSDS types url and email as formats: an empty value is left out rather than sent as an invalid one.
    if service.url:
        data["url"] = service.url
    if service.email:
        data["email"] = service.email
    if service.contact_name:
        data["contacts"].append({"id": _sub(sid, "contact"), "service_id": sid, "name": service.contact_name})
    if service.phone:
        data["phones"].append({"id": _sub(sid, "phone"), "service_id": sid, "number": service.phone})
    return data


def service_document(service: Service) -> dict:
    """One service in HSDS 3.0 shape, as in the export (the API's directory, coaching/api.py).
    The service needs its ``organisation`` and its ``locations`` (select and prefetch them)."""
    return _service(service)


def hsds_document(*, municipality: Municipality) -> list[dict]:
    """The municipality's whole directory (active and inactive offers) as an HSDS package."""
    providers = (
        ServiceOrganisation.objects.filter(municipality=municipality)
        .prefetch_related(
            "locations",
            "services__locations",
            "services__skills",
            "services__schedules",
            "services__served_municipalities",
            "services__area_postcodes",
            "services__required_documents",
        )
        .order_by("name", "pk")
    )
    package = []
    for provider in providers:
        org = organization_document(provider)
        org["locations"] = [
            _location(loc, municipality.state)
            for loc in sorted(provider.locations.all(), key=lambda loc: (loc.name, str(loc.hsds_id)))
        ]
        org["services"] = [
            _service(s) for s in sorted(provider.services.all(), key=lambda s: (s.name, str(s.hsds_id)))
        ]
        package.append(org)
    return package


def organization_document(provider: ServiceOrganisation) -> dict:
    """One provider as an HSDS 3.0 ``organization`` without its locations and services (the
    API's organizations, coaching/api.py; the export adds both)."""
    oid = str(provider.hsds_id)
    org: dict[str, Any] = {
        "id": oid,
        "name": provider.name,
        "description": provider.description,
        "phones": (
            [{"id": _sub(oid, "phone"), "organization_id": oid, "number": provider.phone}]
            if provider.phone
            else []
        ),
    }
    if provider.website:
        org["website"] = provider.website
    if provider.email:
        org["email"] = provider.email
    return org


def coordinator_municipalities(*, user: User):
    """The municipalities whose directory the user may exchange (as coordinator)."""
    ids = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def coordinator_municipality(*, user: User, municipality_id: int | None = None) -> Municipality:
    """The municipality whose directory the coordinator exchanges: 403 for any other role, 404 for a
    municipality the user does not coordinate."""
    ids = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if not ids:
        raise PermissionDenied
    chosen = municipality_id if municipality_id is not None else min(ids)
    if chosen not in ids:
        raise access.NotFound
    return Municipality.objects.get(pk=chosen)


def directory_export(*, user: User, municipality_id: int | None = None) -> tuple[Municipality, list[dict]]:
    municipality = coordinator_municipality(user=user, municipality_id=municipality_id)
    return municipality, hsds_document(municipality=municipality)


def dumps(document: list[dict]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)


# --- import ------------------------------------------------------------------------------------


def _path(parts: Any) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def refuse_if_too_large(size: int) -> None:
    """HsdsImportError for a document over the limit (the API asks before it reads the body)."""
    if size > MAX_BYTES:
        raise HsdsImportError(
            [_("$: Die Datei ist zu groß (höchstens {limit} MB).").format(limit=MAX_BYTES // (1024 * 1024))]
        )


def parse(raw: bytes | str) -> Any:
    """JSON from an upload or a file, with the size checked before parsing."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    refuse_if_too_large(len(raw))
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested too deep
        raise HsdsImportError([_("$: Das ist kein gültiges JSON ({error}).").format(error=exc)]) from exc


def validate(document: Any) -> list[str]:
    """Schema errors as "path: message" lines (empty when the document is valid HSDS 3.0)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{_path(e.absolute_path)}: {e.message[:300]}" for e in errors[:MAX_ERRORS]]


def codes(service: dict, taxonomy: str) -> list[str]:
    return [
        str(a.get("taxonomy_term", {}).get("code") or a.get("value") or "")
        for a in service.get("attributes", [])
        if (a.get("taxonomy_term") or {}).get("taxonomy") == taxonomy
    ]


def _plan(document: list[dict]) -> tuple[list[dict], list[str]]:
    """Check what the schema cannot (references, Lotse's vocabularies, lengths, unique ids) and turn
    the document into plain rows. Returns (providers, errors)."""
    errors: list[str] = []
    seen: set[str] = set()

    def unique(value: str, path: str) -> None:
        if value in seen:
            errors.append(_("{path}: Die ID {id} kommt mehrfach vor.").format(path=path, id=value))
        seen.add(value)

    def text(obj: dict, key: str, path: str, limit: int) -> str:
        value = obj.get(key) or ""
        if len(value) > limit:
            errors.append(
                _("{path}.{key}: höchstens {limit} Zeichen.").format(path=path, key=key, limit=limit)
            )
        return value

    providers = []
    planned_skills: list[tuple[str, list[str]]] = []
    known_municipalities = directory_selectors.municipality_ids_by_name()
    for i, org in enumerate(document):
        op = f"$[{i}]"
        unique(org["id"], f"{op}.id")
        phones = org.get("phones") or []
        provider = {
            "path": op,
            "hsds_id": org["id"],
            "name": text(org, "name", op, 200),
            "description": org.get("description") or "",
            "email": text(org, "email", op, 254),
            "website": text(org, "website", op, 200),
            "phone": (phones[0].get("number") or "")[:40] if phones else "",
            "locations": {},
            "services": [],
        }
        providers.append(provider)
        if not provider["name"].strip():
            errors.append(_("{path}.name: Der Name fehlt.").format(path=op))
        for j, loc in enumerate(org.get("locations") or []):
            lp = f"{op}.locations[{j}]"
            unique(loc["id"], f"{lp}.id")
            address = (loc.get("addresses") or [{}])[0]
            postcode = address.get("postal_code") or ""
            if postcode and not (len(postcode) == 5 and postcode.isdigit()):
                errors.append(
                    _("{path}.addresses[0].postal_code: fünfstellige Postleitzahl erwartet.").format(path=lp)
                )
            provider["locations"][loc["id"]] = {
                "name": text(loc, "name", lp, 200) or provider["name"][:200],
                "street": text(address, "address_1", f"{lp}.addresses[0]", 200),
                "postcode": postcode,
                "city": text(address, "city", f"{lp}.addresses[0]", 120),
                "accessible": bool(loc.get("accessibility")),
            }
        for j, svc in enumerate(org.get("services") or []):
            sp = f"{op}.services[{j}]"
            unique(svc["id"], f"{sp}.id")
            if svc.get("organization_id") not in (None, org["id"]):
                errors.append(
                    _("{path}.organization_id: verweist nicht auf den Träger {id}.").format(
                        path=sp, id=org["id"]
                    )
                )
            categories = codes(svc, TAXONOMY_CATEGORY) or [ServiceCategory.OTHER.value]
            if categories[0] not in ServiceCategory.values:
                errors.append(
                    _("{path}.attributes: unbekannte Art des Angebots „{code}“.").format(
                        path=sp, code=categories[0]
                    )
                )
            statuses = codes(svc, TAXONOMY_RESIDENCE)
            for code in statuses:
                if code not in ResidenceStatus.values:
                    errors.append(
                        _("{path}.attributes: unbekannter Aufenthaltsstatus „{code}“.").format(
                            path=sp, code=code
                        )
                    )
            skill_uris = list(dict.fromkeys(codes(svc, TAXONOMY_ESCO_SKILL)))
            planned_skills.append((sp, skill_uris))
            languages = [lang.get("code") or "" for lang in svc.get("languages") or []]
            for k, code in enumerate(languages):
                if code not in Language.values:
                    errors.append(
                        _("{path}.languages[{k}].code: unbekannte Sprache „{code}“.").format(
                            path=sp, k=k, code=code
                        )
                    )
            cost = (svc.get("cost_options") or [{}])[0]
            option = cost.get("option") or Cost.FREE.value
            if option not in Cost.values:
                errors.append(
                    _("{path}.cost_options[0].option: unbekannte Kostenangabe „{code}“.").format(
                        path=sp, code=option
                    )
                )
            location_ids = []
            for k, link in enumerate(svc.get("service_at_locations") or []):
                if link.get("location_id") not in provider["locations"]:
                    errors.append(
                        _(
                            "{path}.service_at_locations[{k}].location_id: Standort {id} gibt es bei diesem Träger nicht."
                        ).format(path=sp, k=k, id=link.get("location_id"))
                    )
                else:
                    location_ids.append(link["location_id"])
            hours = plan_schedules(svc, sp, errors)
            areas, postcodes = plan_areas(svc, sp, errors, known_municipalities)
            documents = _plan_documents(svc, sp, errors)
            contacts = svc.get("contacts") or []
            phones = svc.get("phones") or []
            provider["services"].append(
                {
                    "path": sp,
                    "hsds_id": svc["id"],
                    "name": text(svc, "name", sp, 200),
                    "description": svc.get("description") or "",
                    "category": categories[0],
                    "languages": languages,
                    "eligible_residence_statuses": statuses,
                    "cost": option,
                    "cost_details": text(cost, "amount_description", f"{sp}.cost_options[0]", 300),
                    "contact_name": text(contacts[0], "name", f"{sp}.contacts[0]", 150) if contacts else "",
                    "email": text(svc, "email", sp, 254),
                    "phone": text(phones[0], "number", f"{sp}.phones[0]", 40) if phones else "",
                    "url": text(svc, "url", sp, 200),
                    "wait_time": text(svc, "wait_time", sp, 200),
                    "is_active": svc.get("status") == "active",
                    "location_ids": location_ids,
                    "skill_uris": skill_uris,
                    "hours": hours,
                    "area_ids": areas,
                    "area_postcodes": postcodes,
                    "documents": documents,
                }
            )
    wanted = {uri for _path, uris in planned_skills for uri in uris}
    known = set(Skill.objects.filter(uri__in=wanted).values_list("uri", flat=True)) if wanted else set()
    for sp, uris in planned_skills:
        for uri in uris:
            if uri not in known:
                errors.append(
                    _("{path}.attributes: unbekannte ESCO-Kompetenz „{code}“.").format(
                        path=sp, code=uri[:200]
                    )
                )
    return providers, errors


_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$")
_DAYS = {code: day for day, code in BYDAY.items()}


def _time(value: Any) -> datetime.time | None:
    match = _TIME.match(value) if isinstance(value, str) else None
    return datetime.time(int(match[1]), int(match[2])) if match else None


def plan_schedules(svc: dict, sp: str, errors: list[str]) -> list[tuple[int, datetime.time, datetime.time]]:
    """Weekly opening hours from HSDS ``schedules``: Lotse keeps WEEKLY schedules with ``byday``,
    ``opens_at`` and ``closes_at``; anything else is named as an error rather than dropped."""
    hours = []
    for k, schedule in enumerate(svc.get("schedules") or []):
        path = f"{sp}.schedules[{k}]"
        if (schedule.get("freq") or "WEEKLY") != "WEEKLY":
            errors.append(
                _("{path}.freq: nur wöchentliche Öffnungszeiten (WEEKLY) werden übernommen.").format(
                    path=path
                )
            )
            continue
        days = [d.strip() for d in (schedule.get("byday") or "").split(",") if d.strip()]
        opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        if not days or any(d not in _DAYS for d in days):
            errors.append(_("{path}.byday: Wochentage wie „MO,TU“ erwartet.").format(path=path))
        if opens is None:
            errors.append(_("{path}.opens_at: Uhrzeit als HH:MM erwartet.").format(path=path))
        if closes is None:
            errors.append(_("{path}.closes_at: Uhrzeit als HH:MM erwartet.").format(path=path))
        if opens and closes and days and all(d in _DAYS for d in days):
            hours += [(_DAYS[d], opens, closes) for d in days]
    problems = hours_errors(hours)
    errors += [f"{sp}.schedules: {problem}" for problem in problems]
    return [] if problems else hours


def plan_areas(svc: dict, sp: str, errors: list[str], known: dict[str, int]) -> tuple[list[int], list[str]]:
    """The further municipalities an offer serves, from ``service_areas`` named as on Lotse, and
    the single postcodes of its area (``uri`` ``urn:de:plz:…``)."""
    ids: list[int] = []
    postcodes: list[str] = []
    for k, area in enumerate(svc.get("service_areas") or []):
        name = area.get("name") or ""
        uri = area.get("uri") or ""
        if uri.startswith(POSTCODE_URN):
            postcode = uri.removeprefix(POSTCODE_URN)
            if not (len(postcode) == 5 and postcode.isdigit()):
                errors.append(
                    _("{path}.service_areas[{k}].uri: fünfstellige Postleitzahl erwartet.").format(
                        path=sp, k=k
                    )
                )
            elif postcode not in postcodes:
                postcodes.append(postcode)
        elif name not in known:
            errors.append(
                _("{path}.service_areas[{k}].name: Die Kommune „{name}“ gibt es auf Lotse nicht.").format(
                    path=sp, k=k, name=name[:200]
                )
            )
        else:
            ids.append(known[name])
    return ids, postcodes


def _plan_documents(svc: dict, sp: str, errors: list[str]) -> list[dict]:
    """Required documents: named, unique per offer, with a valid id and an optional link."""
    documents: list[dict] = []
    names: set[str] = set()
    for k, doc in enumerate(svc.get("required_documents") or []):
        path = f"{sp}.required_documents[{k}]"
        name = (doc.get("document") or "").strip()
        uri = doc.get("uri") or ""
        try:
            hsds_id = uuid.UUID(str(doc.get("id")))
        except ValueError:
            errors.append(_("{path}.id: UUID erwartet.").format(path=path))
            continue
        if not name:
            errors.append(_("{path}.document: Die Unterlage hat keinen Namen.").format(path=path))
        elif len(name) > 200 or len(uri) > 200:
            errors.append(_("{path}: höchstens 200 Zeichen.").format(path=path))
        elif name in names:
            errors.append(
                _("{path}.document: „{name}“ steht schon in der Liste.").format(path=path, name=name)
            )
        else:
            names.add(name)
            documents.append({"hsds_id": hsds_id, "document": name, "uri": uri, "order": len(documents)})
    return documents


def _replace_area_and_documents(
    service: Service, path: str, postcodes: list[str], documents: list[dict]
) -> None:
    service.area_postcodes.all().delete()
    ServiceAreaPostcode.objects.bulk_create(
        ServiceAreaPostcode(service=service, postcode=p) for p in postcodes
    )
    service.required_documents.all().delete()
    rows = [ServiceRequiredDocument(service=service, **d) for d in documents]
    for row, data in zip(rows, documents, strict=True):
        _clean(row, f"{path}.required_documents[{data['order']}]", exclude=["service"])
    ServiceRequiredDocument.objects.bulk_create(rows)


def _replace_schedules(service: Service, hours: list[tuple[int, datetime.time, datetime.time]]) -> None:
    service.schedules.all().delete()
    ServiceSchedule.objects.bulk_create(
        ServiceSchedule(service=service, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in hours
    )


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """``update_or_create`` that leaves an unchanged row alone, so that re-importing the same
    document keeps each row's ``updated_at`` (the API's ETag) as it was."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save()
    return row


def hsds_import(*, municipality: Municipality, document: Any) -> dict[str, int]:
    """Create or update (by HSDS id) the providers, locations and services of ``document`` in the
    municipality, all or nothing. Rows not in the document stay. Raises HsdsImportError."""
    errors = validate(document)
    if errors:
        raise HsdsImportError(errors)
    providers, errors = _plan(document)
    if errors:
        raise HsdsImportError(errors[:MAX_ERRORS])
    counts = {"organisations": 0, "locations": 0, "services": 0}
    try:
        with transaction.atomic():
            for data in providers:
                provider = _upsert(
                    ServiceOrganisation,
                    {"municipality": municipality, "hsds_id": data["hsds_id"]},
                    {k: data[k] for k in ("name", "description", "email", "website", "phone")},
                )
                _clean(provider, data["path"], exclude=["municipality", "organisation"])
                counts["organisations"] += 1
                locations = {}
                for lid, fields in data["locations"].items():
                    # A location id belongs to one provider of the municipality; moving it would
                    # silently detach it from the other provider's services.
                    if (
                        ServiceLocation.objects.filter(organisation__municipality=municipality, hsds_id=lid)
                        .exclude(organisation=provider)
                        .exists()
                    ):
                        raise HsdsImportError(
                            [_("$: Der Standort {id} gehört schon zu einem anderen Träger.").format(id=lid)]
                        )
                    locations[lid], _created = ServiceLocation.objects.update_or_create(
                        organisation=provider, hsds_id=lid, defaults=fields
                    )
                    counts["locations"] += 1
                for fields in data["services"]:
                    fields = dict(fields)
                    location_ids = fields.pop("location_ids")
                    skill_uris = fields.pop("skill_uris")
                    hours = fields.pop("hours")
                    area_ids = set(fields.pop("area_ids")) - {municipality.pk}
                    area_postcodes = fields.pop("area_postcodes")
                    documents = fields.pop("documents")
                    path = fields.pop("path")
                    service = _upsert(
                        Service,
                        {"municipality": municipality, "hsds_id": fields.pop("hsds_id")},
                        {"organisation": provider, **fields},
                    )
                    _clean(service, path, exclude=["organisation", "municipality", "locations", "skills"])
                    service.locations.set([locations[lid] for lid in location_ids])
                    service.skills.set(Skill.objects.filter(uri__in=skill_uris))
                    service.served_municipalities.set(area_ids)
                    _replace_schedules(service, hours)
                    _replace_area_and_documents(service, path, area_postcodes, documents)
                    counts["services"] += 1
    except IntegrityError as exc:
        raise HsdsImportError(
            [_("$: Ein Träger mit diesem Namen ist in der Kommune schon unter einer anderen ID eingetragen.")]
        ) from exc
    return counts


# Lotse's field names where they differ from HSDS's, for error paths.
_HSDS_NAMES = {
    "website": "website",
    "url": "url",
    "email": "email",
    "name": "name",
    "phone": "phones[0].number",
}


def _clean(row: Any, path: str, *, exclude: list[str]) -> None:
    """Django's own field checks (URL and e-mail syntax, lengths) with the document's path in the
    error; raising inside the import's transaction undoes everything before it."""
    try:
        row.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise HsdsImportError(
            [
                f"{path}.{_HSDS_NAMES.get(field, field)}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ][:MAX_ERRORS]
        ) from exc


def directory_import(*, user: User, document: Any, municipality_id: int | None = None) -> dict[str, int]:
    municipality = coordinator_municipality(user=user, municipality_id=municipality_id)
    return hsds_import(municipality=municipality, document=document)
