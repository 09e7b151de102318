"""Demo candidates for `manage.py seed_demo`: coherent ESCO profiles, languages, cases and consents.

Profiles are drawn from the real ESCO data loaded by `manage.py load_taxonomy`: each candidate
has one or two occupations from the catalogue below and skills taken from those occupations'
ESCO relations (mostly essential, some optional). Everything is drawn from a seeded random
generator, so two runs on the same day produce the same people.

Names are written in Latin letters as German offices record them (from the passport's
machine-readable zone): Faker's uk_UA and tr_TR names (Ukrainian ones transliterated after the
official Ukrainian table of 2010), and short lists of common transliterated names for
Arabic, Dari/Farsi, Kurdish and Tigrinya speakers, because Faker's ar_AA and fa_IR locales only
give names in Arabic script.

Demo only: never run this on a real system.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from faker import Faker

from candidates.listing import listing_changed
from candidates.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    CasePhase,
    ChildrenUnder6,
    Consent,
    ConsentScope,
    ConsentSource,
    Gender,
    LanguageExam,
    LanguageSkill,
    LegalCircle,
    ProfileSource,
    Qualification,
    QualificationKind,
    RecognitionStatus,
    ResidenceStatus,
    WorkPermission,
)
from demo.organisations import REGION_PLACES
from taxonomy.cefr import CEFR_ORDER
from taxonomy.models import Occupation, OccupationSkill


class DemoDataError(RuntimeError):
    """The demo cannot be built (usually: the ESCO taxonomy has not been loaded)."""


@dataclass(frozen=True)
class DemoOccupation:
    """An ESCO occupation the demo uses, found in the database by its German label (URI as fallback)."""

    key: str
    label_de: str
    uri: str
    title: str  # short, gender-inclusive job title for placements
    family: str  # occupations of one family go together in profiles and at employers
    weight: int  # how often candidates have worked in it
    skilled: bool  # Fachkraft (True) or Helfer*in (False)


_ESCO = "http://data.europa.eu/esco/occupation/"

# Occupations in which people with refugee experience in Germany often worked or train (ESCO v1.2 de).
OCCUPATIONS: tuple[DemoOccupation, ...] = (
    DemoOccupation(
        "cook",
        "Koch/Köchin",
        _ESCO + "90f75f67-495d-49fa-ab57-2f320e251d7e",
        "Koch/Köchin",
        "gastro",
        9,
        True,
    ),
    DemoOccupation(
        "kitchen_assistant",
        "Küchenhilfe",
        _ESCO + "e1cf6897-158d-4b48-a39e-2a3a8cac216c",
        "Küchenhilfe",
        "gastro",
        9,
        False,
    ),
    DemoOccupation(
        "waiter",
        "Kellner/Kellnerin",
        _ESCO + "d5db9d5c-2ebf-4a54-a79a-1b7e7ff70471",
        "Servicekraft (Kellner*in)",
        "gastro",
        4,
        False,
    ),
    DemoOccupation(
        "baker",
        "Bäcker/Bäckerin",
        _ESCO + "1aadb308-432a-4d01-b54b-b4f7f76dd419",
        "Bäcker*in",
        "food",
        3,
        True,
    ),
    DemoOccupation(
        "butcher",
        "Fleischer/Fleischerin",
        _ESCO + "37c7880e-cfee-4c41-a41b-061682fefde3",
        "Fleischer*in",
        "food",
        2,
        True,
    ),
    DemoOccupation(
        "warehouse_worker",
        "Lagerarbeiter/Lagerarbeiterin",
        _ESCO + "bea705fe-06ac-4147-b8e0-6e8ac1208d8f",
        "Lagerhelfer*in",
        "logistics",
        10,
        False,
    ),
    DemoOccupation(
        "order_picker",
        "Warenkommissionierer/Warenkommissioniererin",
        _ESCO + "cd94def5-3442-4c2e-ae3d-0761a3008bcb",
        "Kommissionierer*in",
        "logistics",
        5,
        False,
    ),
    DemoOccupation(
        "forklift",
        "Gabelstaplerfahrer/Gabelstaplerfahrerin",
        _ESCO + "eeac6251-1974-42f5-91ed-513c6c883755",
        "Staplerfahrer*in",
        "logistics",
        4,
        False,
    ),
    DemoOccupation(
        "truck_driver",
        "Lastkraftwagenfahrer/Lastkraftwagenfahrerin",
        _ESCO + "45037d43-a8f5-4f46-b332-b2935bc305f4",
        "Berufskraftfahrer*in (Lkw)",
        "logistics",
        5,
        True,
    ),
    DemoOccupation(
        "delivery_driver",
        "Pkw- und Kleintransporter-Lieferfahrer/Pkw- und Kleintransporter-Lieferfahrerin",
        _ESCO + "0c408028-c48f-4df8-ba5d-c3d3be15f5a2",
        "Auslieferungsfahrer*in",
        "logistics",
        4,
        False,
    ),
    DemoOccupation(
        "care_assistant",
        "Pflegehelfer/Pflegehelferin",
        _ESCO + "d38c2107-98f2-47b7-8bb4-f69750d51082",
        "Pflegehelfer*in",
        "care",
        8,
        False,
    ),
    DemoOccupation(
        "nurse_assistant",
        "Gesundheits- und Krankenpfleger/Gesundheits- und Krankenschwester",
        _ESCO + "87d0795a-d41f-47ee-979f-0ab7d73836e7",
        "Pflegefachkraft",
        "care",
        3,
        True,
    ),
    DemoOccupation(
        "elderly_care",
        "Sozialbetreuer in Betreuungseinrichtung für ältere Menschen/Sozialbetreuerin "
        "in Betreuungseinrichtung für ältere Menschen",
        _ESCO + "50743f62-3d5b-4ef6-b706-00d2b1adfcc3",
        "Altenpfleger*in / Betreuungskraft",
        "care",
        3,
        True,
    ),
    DemoOccupation(
        "childcare",
        "Kinderbetreuer/Kinderbetreuerin",
        _ESCO + "3413f234-6230-47a8-8cc7-2691fd54ce3a",
        "Kinderbetreuer*in",
        "care",
        2,
        False,
    ),
    DemoOccupation(
        "electrician",
        "Elektroniker für Energie- und Gebäudetechnik/Elektronikerin für Energie- und Gebäudetechnik",
        _ESCO + "5dbb9cf0-b226-402c-a295-2f42ef05ff8b",
        "Elektriker*in (Energie- und Gebäudetechnik)",
        "electrical",
        5,
        True,
    ),
    DemoOccupation(
        "building_electrician",
        "Bauelektriker/Bauelektrikerin",
        _ESCO + "33960bab-4423-4808-af6c-ec2b485dba41",
        "Bauelektriker*in",
        "electrical",
        2,
        True,
    ),
    DemoOccupation(
        "shk",
        "Anlagenmechaniker Sanitär-, Heizungs- und Klimatechnik/Anlagenmechanikerin Sanitär-, "
        "Heizungs- und Klimatechnik",
        _ESCO + "3ce9c89d-6f1a-48b5-942d-386e46e2fd06",
        "Anlagenmechaniker*in SHK",
        "shk",
        4,
        True,
    ),
    DemoOccupation(
        "painter",
        "Maler/Malerin",
        _ESCO + "15620506-fb5d-49cd-87a2-1c9047fb406a",
        "Maler*in und Lackierer*in",
        "construction",
        5,
        True,
    ),
    DemoOccupation(
        "construction_worker",
        "Hochbauhelfer/Hochbauhelferin",
        _ESCO + "fb7e2f4f-1545-42f1-972e-94082e49c6dc",
        "Bauhelfer*in",
        "construction",
        7,
        False,
    ),
    DemoOccupation(
        "bricklayer",
        "Maurer/Maurerin",
        _ESCO + "05f321f8-055b-407d-bf19-e0ddabda56b7",
        "Maurer*in",
        "construction",
        3,
        True,
    ),
    DemoOccupation(
        "carpenter",
        "Tischler/Tischlerin",
        _ESCO + "e1416610-ad08-4f37-8b46-9f99632a5c0f",
        "Tischler*in",
        "wood",
        3,
        True,
    ),
    DemoOccupation(
        "gardener",
        "Landschaftsgärtner/Landschaftsgärtnerin",
        _ESCO + "e7970c7a-7769-4002-87d3-0a8ea94fdd6f",
        "Garten- und Landschaftsbauer*in",
        "construction",
        2,
        True,
    ),
    DemoOccupation(
        "welder",
        "Schweißer/Schweißerin",
        _ESCO + "7aedaa07-3884-4c5b-88f9-80997b2aa54b",
        "Schweißer*in",
        "metal",
        4,
        True,
    ),
    DemoOccupation(
        "industrial_mechanic",
        "Industriemechaniker/Industriemechanikerin",
        _ESCO + "269c47e7-9017-4aa6-bce8-49e89a696a64",
        "Industriemechaniker*in",
        "metal",
        2,
        True,
    ),
    DemoOccupation(
        "vehicle_technician",
        "Kraftfahrzeugmechatroniker Schwerpunkt Personenkraftwagentechnik/"
        "Kraftfahrzeugmechatronikerin Schwerpunkt Personenkraftwagentechnik",
        _ESCO + "4ad4024e-d1d3-4dea-b6d1-2c7948111dce",
        "Kfz-Mechatroniker*in",
        "vehicle",
        5,
        True,
    ),
    DemoOccupation(
        "hairdresser",
        "Friseur/Friseurin",
        _ESCO + "099c6bb0-22d3-4c5d-8bf5-70910af381ef",
        "Friseur*in",
        "beauty",
        4,
        True,
    ),
    DemoOccupation(
        "cleaner",
        "Gebäudereiniger Innenreinigung/Gebäudereinigerin Innenreinigung",
        _ESCO + "303a1e34-cb16-4054-b323-81e5eec17397",
        "Reinigungskraft",
        "cleaning",
        8,
        False,
    ),
    DemoOccupation(
        "sales_assistant",
        "Verkäufer/Verkäuferin",
        _ESCO + "9ba74e8a-c40c-4228-9998-eb3c7a5c11df",
        "Verkäufer*in",
        "retail",
        5,
        True,
    ),
    DemoOccupation(
        "shop_assistant",
        "Verkaufshilfskraft",
        _ESCO + "0b15375e-dfdd-4047-9efb-096e0aaee7d2",
        "Verkaufshilfe / Regalservice",
        "retail",
        4,
        False,
    ),
    DemoOccupation(
        "cashier",
        "Kassierer/Kassiererin",
        _ESCO + "2b871272-bd61-4206-bd1a-0b96d7023098",
        "Kassierer*in",
        "retail",
        2,
        False,
    ),
    DemoOccupation(
        "it_support",
        "IT-Helpdesk-Manager/IT-Helpdesk-Managerin",
        _ESCO + "aaeec9a7-dc57-4485-890c-86b3eef735f9",
        "IT-Support (Helpdesk)",
        "it",
        3,
        True,
    ),
)


def load_occupations() -> list[tuple[DemoOccupation, Occupation]]:
    """The catalogue's occupations as loaded from ESCO; raises DemoDataError if ESCO is missing."""
    labels = [o.label_de for o in OCCUPATIONS]
    uris = [o.uri for o in OCCUPATIONS]
    rows = list(Occupation.objects.filter(Q(label_de__in=labels) | Q(uri__in=uris)))
    by_label = {o.label_de: o for o in rows}
    by_uri = {o.uri: o for o in rows}
    found = []
    for demo in OCCUPATIONS:
        occupation = by_label.get(demo.label_de) or by_uri.get(demo.uri)
        if occupation is not None:
            found.append((demo, occupation))
    if len(found) < len(OCCUPATIONS) // 2:
        raise DemoDataError(
            "Die ESCO-Taxonomie ist nicht geladen: zuerst `manage.py load_taxonomy` ausführen."
        )
    return found


CORE_SKILLS = 14  # the essential skills a placement usually names, and experienced people hold


def skill_relations(occupation_ids: Sequence[int]) -> dict[int, tuple[list[int], list[int]]]:
    """Occupation id -> (essential skill ids, optional skill ids) from ESCO, in a stable order.

    Only skills with a German label are used, so that the German demo reads German. The first
    CORE_SKILLS essential ones are the occupation's core: placements ask for a sample of them
    and candidates hold more of them the longer they worked in the trade, which makes the
    demo's matches partial and plausible rather than random.
    """
    out: dict[int, tuple[list[int], list[int]]] = {oid: ([], []) for oid in occupation_ids}
    rows = (
        OccupationSkill.objects.filter(occupation_id__in=occupation_ids)
        .exclude(skill__label_de="")
        .exclude(skill__label_de=F("skill__label_en"))  # an English label standing in for a German one
        .order_by("occupation_id", "skill__uri")
        .values_list("occupation_id", "skill_id", "relation")
    )
    for occupation_id, skill_id, relation in rows:
        essential, optional = out[occupation_id]
        (essential if relation == OccupationSkill.Relation.ESSENTIAL else optional).append(skill_id)
    return out


# --- names -------------------------------------------------------------------------------------

_UK_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
    "ʼ": "",
}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate_uk(text: str) -> str:
    """Ukrainian Cyrillic to Latin after the official table of 2010 (as in Ukrainian passports)."""
    words = []
    for word in text.split(" "):
        parts = []
        for i, ch in enumerate(word):
            low = ch.lower()
            if i == 0 and low in _UK_INITIAL:
                latin = _UK_INITIAL[low]
            elif low == "г" and i > 0 and word[i - 1].lower() == "з":
                latin = "gh"
            else:
                latin = _UK_LATIN.get(low, ch)
            parts.append(latin.capitalize() if ch.isupper() else latin)
        words.append("".join(parts))
    return " ".join(words)


_NAMES: dict[str, dict[str, list[str]]] = {
    "arabic": {
        "male": [
            "Mohammed",
            "Ahmad",
            "Omar",
            "Khaled",
            "Yousef",
            "Hassan",
            "Ali",
            "Mahmoud",
            "Mustafa",
            "Ibrahim",
            "Abdullah",
            "Hamza",
            "Bilal",
            "Samer",
            "Fadi",
            "Rami",
            "Tarek",
            "Karim",
            "Jamal",
            "Walid",
            "Anas",
            "Majd",
            "Ammar",
            "Firas",
            "Hussein",
            "Adnan",
            "Rashid",
            "Zaid",
            "Mazen",
        ],
        "female": [
            "Fatima",
            "Aisha",
            "Rania",
            "Layla",
            "Mariam",
            "Noor",
            "Hiba",
            "Rasha",
            "Amal",
            "Dalia",
            "Salma",
            "Yasmin",
            "Reem",
            "Lina",
            "Hala",
            "Sara",
            "Zeinab",
            "Douaa",
            "Aya",
            "Bushra",
            "Ghada",
            "Nisreen",
            "Safaa",
            "Samira",
            "Huda",
        ],
        "last": [
            "Al-Hassan",
            "Haddad",
            "Khalil",
            "Mansour",
            "Hamdan",
            "Nasser",
            "Darwish",
            "Ibrahim",
            "Youssef",
            "Saleh",
            "Othman",
            "Al-Ahmad",
            "Hussein",
            "Aboud",
            "Kassem",
            "Shaheen",
            "Al-Khatib",
            "Barakat",
            "Hijazi",
            "Jaber",
            "Qasem",
            "Sabbagh",
            "Zaher",
            "Al-Ali",
            "Mahmoud",
            "Suleiman",
            "Al-Jabouri",
            "Al-Obeidi",
            "Kareem",
            "Abbas",
            "Al-Masri",
            "Taha",
            "Rahal",
        ],
    },
    "kurdish": {
        "male": [
            "Azad",
            "Rojhat",
            "Dilshad",
            "Sherwan",
            "Baran",
            "Rezan",
            "Hozan",
            "Kawa",
            "Rebwar",
            "Shivan",
            "Zana",
            "Dilovan",
            "Serhat",
            "Welat",
            "Ciwan",
        ],
        "female": [
            "Berfin",
            "Rojin",
            "Nesrin",
            "Dilan",
            "Zilan",
            "Hevin",
            "Avesta",
            "Shirin",
            "Jiyan",
            "Rojda",
            "Gulistan",
            "Newroz",
        ],
        "last": [
            "Hasso",
            "Ali",
            "Mamo",
            "Khalaf",
            "Sheikho",
            "Osman",
            "Murad",
            "Xelil",
            "Bakir",
            "Ibo",
            "Haji",
            "Saeed",
            "Rashid",
            "Kheder",
            "Hemo",
            "Qasim",
            "Sido",
        ],
    },
    "dari": {
        "male": [
            "Ahmad",
            "Mohammad",
            "Ali Reza",
            "Hamid",
            "Farid",
            "Jawad",
            "Mustafa",
            "Sohrab",
            "Naveed",
            "Bashir",
            "Zabihullah",
            "Rahim",
            "Habib",
            "Wahid",
            "Masoud",
            "Shafiq",
            "Samiullah",
            "Aziz",
            "Khalid",
            "Nasir",
            "Omid",
            "Sayed",
            "Ehsan",
        ],
        "female": [
            "Zahra",
            "Maryam",
            "Fatima",
            "Farzana",
            "Shabnam",
            "Nargis",
            "Parwana",
            "Sima",
            "Mursal",
            "Marzia",
            "Hosai",
            "Laila",
            "Nilofar",
            "Sadaf",
            "Tahmina",
            "Roya",
            "Fariba",
        ],
        "last": [
            "Ahmadi",
            "Hakimi",
            "Karimi",
            "Rahimi",
            "Sultani",
            "Haidari",
            "Mohammadi",
            "Azizi",
            "Noori",
            "Hashimi",
            "Rezaei",
            "Sadat",
            "Jafari",
            "Amiri",
            "Safi",
            "Stanikzai",
            "Popal",
            "Wardak",
            "Nazari",
            "Yousufi",
            "Qaderi",
            "Rasuli",
            "Niazi",
            "Hussaini",
            "Sharifi",
        ],
    },
    "persian": {
        "male": [
            "Reza",
            "Amir",
            "Mehdi",
            "Hossein",
            "Saeed",
            "Babak",
            "Arash",
            "Kian",
            "Navid",
            "Pouya",
            "Farhad",
            "Omid",
            "Behnam",
        ],
        "female": [
            "Shirin",
            "Neda",
            "Parisa",
            "Maryam",
            "Fereshteh",
            "Mahsa",
            "Narges",
            "Leila",
            "Sepideh",
            "Azadeh",
            "Roya",
            "Yasaman",
        ],
        "last": [
            "Hosseini",
            "Moradi",
            "Rostami",
            "Ebrahimi",
            "Kazemi",
            "Jafari",
            "Sadeghi",
            "Tehrani",
            "Shirazi",
            "Bagheri",
            "Rahmani",
            "Nouri",
            "Mirzaei",
            "Ghasemi",
            "Abbasi",
        ],
    },
    "tigrinya": {
        "male": [
            "Yonas",
            "Tesfay",
            "Dawit",
            "Filmon",
            "Mikael",
            "Samuel",
            "Robel",
            "Habtom",
            "Kidane",
            "Biniam",
            "Yohannes",
            "Merhawi",
            "Amanuel",
            "Semere",
            "Tekle",
            "Henok",
            "Efrem",
            "Natnael",
        ],
        "female": [
            "Helen",
            "Senait",
            "Feven",
            "Selam",
            "Luwam",
            "Ruta",
            "Winta",
            "Saba",
            "Yordanos",
            "Hiwet",
            "Meron",
            "Eden",
            "Abrehet",
            "Tsega",
            "Rahel",
        ],
        "last": [
            "Tesfamariam",
            "Haile",
            "Gebremedhin",
            "Tekle",
            "Berhane",
            "Kidane",
            "Ghebreyesus",
            "Woldu",
            "Mehari",
            "Habte",
            "Asmerom",
            "Abraha",
            "Yemane",
            "Okbazghi",
            "Solomon",
            "Weldemichael",
            "Ghirmay",
            "Andemariam",
        ],
    },
}


@dataclass(frozen=True)
class Origin:
    country: str  # German country name, for qualifications
    nationality: str
    weight: int
    share_female: float
    names: str  # key in _NAMES, or "uk_UA" / "tr_TR" for Faker
    native: tuple[tuple[str, float], ...]  # (ISO 639-1, probability)
    second: tuple[tuple[str, float], ...]  # other languages, not native
    english: float
    residence: tuple[tuple[str, str, float], ...]  # (status, title kind, probability)


# A mix close to the main countries of origin of people seeking protection in Germany.
ORIGINS: tuple[Origin, ...] = (
    Origin(
        "Syrien",
        "syrisch",
        28,
        0.38,
        "arabic",
        (("ar", 0.85), ("ku", 0.15)),
        (("tr", 0.1),),
        0.35,
        (
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (subsidiärer Schutz)", 0.35),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (Flüchtlingseigenschaft)", 0.25),
            (ResidenceStatus.AUFENTHALTSGESTATTUNG, "§ 55 AsylG", 0.2),
            (ResidenceStatus.NIEDERLASSUNGSERLAUBNIS, "§ 26 Abs. 3 AufenthG", 0.15),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 1 AufenthG (Asylberechtigung)", 0.05),
        ),
    ),
    Origin(
        "Afghanistan",
        "afghanisch",
        20,
        0.35,
        "dari",
        (("fa", 0.8), ("ps", 0.2)),
        (("fa", 0.3), ("ps", 0.1)),
        0.3,
        (
            (ResidenceStatus.AUFENTHALTSGESTATTUNG, "§ 55 AsylG", 0.3),
            (ResidenceStatus.DULDUNG, "§ 60a AufenthG", 0.1),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (subsidiärer Schutz)", 0.25),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 3 AufenthG (Abschiebungsverbot)", 0.2),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 22 Satz 2 AufenthG (Bundesaufnahmeprogramm)", 0.15),
        ),
    ),
    Origin(
        "Ukraine",
        "ukrainisch",
        22,
        0.72,
        "uk_UA",
        (("uk", 0.8), ("ru", 0.2)),
        (("ru", 0.7), ("uk", 0.2)),
        0.5,
        ((ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 24 AufenthG (vorübergehender Schutz)", 1.0),),
    ),
    Origin(
        "Eritrea",
        "eritreisch",
        7,
        0.4,
        "tigrinya",
        (("ti", 1.0),),
        (("ar", 0.2), ("am", 0.3)),
        0.35,
        (
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (Flüchtlingseigenschaft)", 0.7),
            (ResidenceStatus.AUFENTHALTSGESTATTUNG, "§ 55 AsylG", 0.2),
            (ResidenceStatus.NIEDERLASSUNGSERLAUBNIS, "§ 26 Abs. 3 AufenthG", 0.1),
        ),
    ),
    Origin(
        "Irak",
        "irakisch",
        9,
        0.4,
        "arabic",
        (("ar", 0.6), ("ku", 0.4)),
        (("ar", 0.3),),
        0.3,
        (
            (ResidenceStatus.AUFENTHALTSGESTATTUNG, "§ 55 AsylG", 0.3),
            (ResidenceStatus.DULDUNG, "§ 60a AufenthG", 0.2),
            (ResidenceStatus.DULDUNG, "§ 60c AufenthG (Ausbildungsduldung)", 0.05),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 3 AufenthG (Abschiebungsverbot)", 0.2),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25b AufenthG", 0.1),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (Flüchtlingseigenschaft)", 0.15),
        ),
    ),
    Origin(
        "Türkei",
        "türkisch",
        8,
        0.3,
        "tr_TR",
        (("tr", 0.6), ("ku", 0.4)),
        (("tr", 0.4),),
        0.4,
        (
            (ResidenceStatus.AUFENTHALTSGESTATTUNG, "§ 55 AsylG", 0.6),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (Flüchtlingseigenschaft)", 0.3),
            (ResidenceStatus.DULDUNG, "§ 60a AufenthG", 0.1),
        ),
    ),
    Origin(
        "Iran",
        "iranisch",
        6,
        0.45,
        "persian",
        (("fa", 1.0),),
        (),
        0.55,
        (
            (ResidenceStatus.AUFENTHALTSGESTATTUNG, "§ 55 AsylG", 0.4),
            (ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25 Abs. 2 AufenthG (Flüchtlingseigenschaft)", 0.4),
            (ResidenceStatus.DULDUNG, "§ 60a AufenthG", 0.2),
        ),
    ),
)

# German spoken levels: mostly A2–B1, some A1 and B2, few C1.
_GERMAN_SPOKEN = (("A1", 12), ("A2", 33), ("B1", 34), ("B2", 15), ("C1", 6))

_PHASES = (
    (CasePhase.INTAKE, 10),
    (CasePhase.ASSESSMENT, 15),
    (CasePhase.PLANNING, 18),
    (CasePhase.LINKING, 30),
    (CasePhase.MONITORING, 17),
    (CasePhase.CLOSED, 10),
)

# What people say about themselves, in simple German and without a gendered job title.
_OWN_WORDS: dict[str, list[str]] = {
    "gastro": [
        "Ich habe in Damaskus in einem Restaurant gekocht. Ich möchte wieder in einer Küche arbeiten.",
        "Ich arbeite gern im Team und kann früh anfangen. Am liebsten in einem Restaurant oder einer Kantine.",
        "Kochen ist meine Leidenschaft. Später möchte ich eine Ausbildung in der Küche machen.",
    ],
    "food": [
        "Ich habe zehn Jahre in einer Bäckerei gearbeitet. Ich kann nachts arbeiten, kein Problem.",
        "Ich möchte in einer Bäckerei oder Metzgerei arbeiten, gern mit Ausbildung.",
    ],
    "logistics": [
        "Ich suche Arbeit im Lager, auch Schicht. Ich habe einen Führerschein.",
        "Ich bin acht Jahre Lkw gefahren. Ich möchte den deutschen Führerschein C/CE machen.",
        "Arbeit im Lager oder Auslieferung. Wichtig ist mir ein fester Vertrag.",
    ],
    "care": [
        "Ich habe meine Mutter lange gepflegt. Ich möchte mit älteren Menschen arbeiten.",
        "Ich habe im Krankenhaus in der Pflege gearbeitet. Ich möchte meine Anerkennung machen.",
        "Ich möchte in einem Pflegeheim arbeiten, aber nicht nachts wegen meiner Kinder.",
    ],
    "electrical": [
        "Ich habe viele Häuser elektrisch installiert. Ich möchte in einem Betrieb arbeiten.",
        "Ich möchte wieder mit Elektrik arbeiten und mein Deutsch für die Arbeit verbessern.",
    ],
    "shk": ["Ich habe Heizungen und Wasserleitungen eingebaut. Ich suche Arbeit im Handwerk."],
    "construction": [
        "Ich habe auf dem Bau gearbeitet. Ich kann schwer arbeiten und lerne schnell.",
        "Ich habe viele Jahre Wohnungen gestrichen. Ich möchte das wieder machen, gern in Kassel.",
        "Arbeit draußen ist gut für mich. Bau oder Garten.",
    ],
    "wood": ["Ich mache Möbel aus Holz, seit ich jung bin. Ich möchte in einer Werkstatt arbeiten."],
    "metal": [
        "Ich habe viel Erfahrung mit Schweißen. Ich möchte ein deutsches Schweißzertifikat.",
        "Ich habe Maschinen in einer Fabrik repariert. Ich suche Arbeit in der Industrie.",
    ],
    "vehicle": ["Ich hatte eine eigene Autowerkstatt. Ich möchte in einer Werkstatt arbeiten."],
    "beauty": [
        "Ich habe lange Haare geschnitten und hatte einen eigenen Salon. Ich möchte Teilzeit arbeiten."
    ],
    "cleaning": [
        "Ich suche Arbeit, gern am Vormittag, wenn die Kinder in der Schule sind.",
        "Reinigung ist für mich in Ordnung. Ich möchte schnell arbeiten und Geld verdienen.",
    ],
    "retail": [
        "Ich habe in einem Geschäft verkauft. Ich spreche gern mit Kundschaft.",
        "Ich möchte im Supermarkt arbeiten, Kasse oder Regale.",
    ],
    "it": [
        "Ich habe Informatik studiert und im IT-Support gearbeitet. Ich suche Arbeit in der IT.",
        "Ich kenne Windows-Netzwerke und Hardware. Ich möchte im Helpdesk arbeiten.",
    ],
}
_STAFF_NOTES = [
    "Integrationskurs abgeschlossen; Berufssprachkurs B2 beantragt.",
    "Sehr zuverlässig bei Terminen. Kinderbetreuung ab 8 Uhr geklärt.",
    "Praktikum über die Agentur möglich (MAG). Fahrradführerschein vorhanden.",
    "Erfahrung glaubhaft, aber ohne Nachweise; Kompetenzfeststellung (MYSKILLS) vorschlagen.",
    "Wünscht Teilzeit wegen Pflege eines Angehörigen.",
    "Anerkennungsberatung (IQ-Netzwerk) vermittelt.",
    "Führerscheinumschreibung läuft bei der Fahrerlaubnisbehörde.",
]
_VOCATIONAL = {
    "gastro": "Ausbildung in der Gastronomie",
    "food": "Lebensmittelhandwerk (Berufsschule)",
    "logistics": "Berufskraftfahrer-Lizenz",
    "care": "Krankenpflegeschule",
    "electrical": "Elektrotechnik (Fachschule)",
    "shk": "Installateur (Fachschule)",
    "construction": "Bauhandwerk (Berufsschule)",
    "wood": "Tischlerlehre",
    "metal": "Metallbau (Berufsschule)",
    "vehicle": "Kfz-Technik (Fachschule)",
    "beauty": "Friseurlehre",
    "cleaning": "Hauswirtschaft (Kurs)",
    "retail": "Handelsschule",
    "it": "IT-Techniker (College)",
}
_IHK_FAMILIES = {"gastro", "logistics", "metal", "retail", "it"}


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _ascii(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.replace("ı", "i")) if c.isascii() and c.isalnum()
    ).lower()


def _level_below(level: str, steps: int) -> str:
    return CEFR_ORDER[max(0, CEFR_ORDER.index(level) - steps)]


def _level_above(level: str, steps: int) -> str:
    return CEFR_ORDER[min(len(CEFR_ORDER) - 1, CEFR_ORDER.index(level) + steps)]


@dataclass
class DemoCandidates:
    created: bool
    candidates: int
    demo_candidate: Candidate | None


class _Builder:
    """Draws one municipality's demo candidates; keeps the random generators in one place."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.fakers: dict[str, Faker] = {}
        for i, locale in enumerate(("de_DE", "uk_UA", "tr_TR")):
            self.fakers[locale] = Faker(locale)
            self.fakers[locale].seed_instance(seed + i)

    def name(self, origin: Origin, gender: str) -> tuple[str, str]:
        female = gender == Gender.FEMALE
        if origin.names == "uk_UA":
            f = self.fakers["uk_UA"]
            first = f.first_name_female() if female else f.first_name_male()
            last = f.last_name_female() if female else f.last_name_male()
            return transliterate_uk(first), transliterate_uk(last)
        if origin.names == "tr_TR":
            f = self.fakers["tr_TR"]
            return (f.first_name_female() if female else f.first_name_male()), f.last_name()
        pool = _NAMES[origin.names]
        if origin.names == "arabic" and self.rng.random() < 0.15:
            pool = _NAMES["kurdish"]
        return self.rng.choice(pool["female" if female else "male"]), self.rng.choice(pool["last"])

    def when(self, *, days_ago_min: int, days_ago_max: int) -> datetime:
        day = self.today - timedelta(days=self.rng.randint(days_ago_min, days_ago_max))
        return timezone.make_aware(
            datetime(day.year, day.month, day.day, self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45)))
        )


def _residence(b: _Builder, origin: Origin) -> dict[str, Any]:
    status, title, _ = _pick(b.rng, [((s, t, p), p) for s, t, p in origin.residence])
    out: dict[str, Any] = {"residence_status": status, "residence_title_kind": title}
    rng, today = b.rng, b.today
    if status == ResidenceStatus.NIEDERLASSUNGSERLAUBNIS:
        out.update(work_permission=WorkPermission.UNRESTRICTED)
        return out
    if status == ResidenceStatus.AUFENTHALTSERLAUBNIS:
        if "§ 24" in title:
            expires = date(2027, 3, 4)  # temporary protection for Ukraine runs until 4 March 2027
        else:
            # Some titles run out soon, so that the expiry warnings have something to show.
            expires = today + timedelta(days=rng.choice((rng.randint(20, 80), rng.randint(120, 1000))))
        out.update(
            residence_expires=expires,
            work_permission=WorkPermission.UNRESTRICTED,
            work_permission_expires=expires,
        )
    elif status == ResidenceStatus.AUFENTHALTSGESTATTUNG:
        expires = today + timedelta(days=rng.randint(30, 180))
        permission = WorkPermission.NEEDS_APPROVAL if rng.random() < 0.85 else WorkPermission.NONE
        out.update(
            residence_expires=expires,
            work_permission=permission,
            work_permission_expires=expires if permission != WorkPermission.NONE else None,
        )
    else:  # Duldung
        expires = today + timedelta(days=rng.randint(20, 180))
        permission = WorkPermission.NEEDS_APPROVAL if rng.random() < 0.7 else WorkPermission.NONE
        if "§ 60c" in title:
            permission = WorkPermission.NEEDS_APPROVAL
        out.update(
            residence_expires=expires,
            work_permission=permission,
            work_permission_expires=expires if permission != WorkPermission.NONE else None,
        )
    return out


def _legal_circle(b: _Builder, status: str) -> str:
    if status in (ResidenceStatus.AUFENTHALTSGESTATTUNG, ResidenceStatus.DULDUNG):
        return LegalCircle.ASYLBLG
    return _pick(b.rng, ((LegalCircle.SGB2, 80), (LegalCircle.SGB3, 10), (LegalCircle.NONE, 10)))


def _languages(b: _Builder, origin: Origin) -> list[dict[str, Any]]:
    rng = b.rng
    spoken = _pick(rng, _GERMAN_SPOKEN)
    # Written German is usually a little behind spoken, rarely one level ahead.
    shift = _pick(rng, ((0, 45), (1, 38), (2, 10), (-1, 7)))
    written = _level_above(spoken, 1) if shift == -1 else _level_below(spoken, shift)
    german: dict[str, Any] = {"language": "de", "spoken": spoken, "written": written, "is_native": False}
    if spoken != "A1" and rng.random() < 0.6:
        exam = _pick(
            rng,
            (
                (LanguageExam.DTZ, 60),
                (LanguageExam.TELC, 22),
                (LanguageExam.GOETHE, 12),
                (LanguageExam.OSD, 6),
            ),
        )
        level = (
            "A2" if exam == LanguageExam.DTZ and spoken == "A2" else _level_below(spoken, rng.randint(0, 1))
        )
        if exam == LanguageExam.DTZ:
            level = min(level, "B1")  # the DTZ certifies A2 or B1 only
        german.update(exam=exam, exam_level=level, exam_date=b.today - timedelta(days=rng.randint(30, 900)))
    out = [german]
    native = _pick(rng, origin.native)
    # Limited schooling shows in writing, even in the first language.
    native_written = "C2" if rng.random() < 0.88 else rng.choice(("A1", "A2", "B1"))
    out.append({"language": native, "spoken": "C2", "written": native_written, "is_native": True})
    for code, probability in origin.second:
        if code != native and rng.random() < probability:
            level = rng.choice(("B1", "B2", "C1", "C2"))
            out.append(
                {
                    "language": code,
                    "spoken": level,
                    "written": _level_below(level, rng.randint(0, 2)),
                    "is_native": False,
                }
            )
    if rng.random() < origin.english:
        level = _pick(rng, (("A1", 15), ("A2", 30), ("B1", 30), ("B2", 18), ("C1", 7)))
        out.append(
            {
                "language": "en",
                "spoken": level,
                "written": _level_below(level, rng.randint(0, 1)),
                "is_native": False,
            }
        )
    return out


def _qualifications(
    b: _Builder, origin: Origin, demo: DemoOccupation | None, age: int
) -> list[dict[str, Any]]:
    rng, out = b.rng, []
    year_school = b.today.year - age + rng.randint(16, 19)
    school = _pick(
        rng,
        (
            ("Abschluss der Sekundarstufe II (Hochschulreife)", 35),
            ("Abschluss der Sekundarstufe I (9–10 Jahre)", 40),
            ("Grundschulabschluss (6 Jahre)", 25),
        ),
    )
    if rng.random() < 0.8:
        recognition = (
            RecognitionStatus.FULL
            if "Hochschulreife" in school and rng.random() < 0.3
            else RecognitionStatus.NOT_NEEDED
        )
        out.append(
            {
                "title": school,
                "kind": QualificationKind.SCHOOL,
                "country": origin.country,
                "year": min(year_school, b.today.year),
                "recognition_status": recognition,
                "recognition_authority": "Hessische Lehrkräfteakademie (Zeugnisanerkennung)"
                if recognition == RecognitionStatus.FULL
                else "",
            }
        )
    if demo is not None and demo.skilled and rng.random() < 0.45:
        status = _pick(
            rng,
            (
                (RecognitionStatus.NOT_STARTED, 45),
                (RecognitionStatus.IN_PROGRESS, 25),
                (RecognitionStatus.PARTIAL, 18),
                (RecognitionStatus.FULL, 12),
            ),
        )
        if demo.family == "care":
            authority = "Hessisches Landesamt für Gesundheit und Pflege"
        elif demo.family in _IHK_FAMILIES:
            authority = "IHK FOSA"
        else:
            authority = "Handwerkskammer Musterland"
        out.append(
            {
                "title": f"{_VOCATIONAL[demo.family]} – {demo.title}",
                "kind": QualificationKind.VOCATIONAL,
                "country": origin.country,
                "year": min(year_school + rng.randint(2, 4), b.today.year),
                "recognition_status": status,
                "recognition_authority": "" if status == RecognitionStatus.NOT_STARTED else authority,
            }
        )
    if rng.random() < 0.1 or (demo is not None and demo.family == "it" and rng.random() < 0.7):
        subject = (
            "Informatik"
            if demo is not None and demo.family == "it"
            else rng.choice(
                (
                    "Betriebswirtschaft",
                    "Bauingenieurwesen",
                    "Englische Literatur",
                    "Agrarwissenschaft",
                    "Jura",
                )
            )
        )
        status = _pick(
            rng,
            (
                (RecognitionStatus.NOT_STARTED, 50),
                (RecognitionStatus.IN_PROGRESS, 30),
                (RecognitionStatus.FULL, 20),
            ),
        )
        out.append(
            {
                "title": f"Bachelor {subject}",
                "kind": QualificationKind.UNIVERSITY,
                "country": origin.country,
                "year": min(year_school + rng.randint(4, 6), b.today.year),
                "recognition_status": status,
                "recognition_authority": ""
                if status == RecognitionStatus.NOT_STARTED
                else "Zentralstelle für ausländisches Bildungswesen (ZAB)",
            }
        )
    return out


def seed(
    *,
    municipality: Any,
    organisations: Mapping[str, Any],
    case_managers: Mapping[str, Sequence[Any]],
    candidate_user: Any,
    volunteer_user: Any | None = None,
    count: int = 400,
    listing_share: float = 0.85,
    seed: int = 2026,
    today: date | None = None,
) -> DemoCandidates:
    """Create ``count`` demo candidates in ``municipality`` unless it already has candidates.

    ``organisations`` needs the keys municipal_office, jobcenter, employment_agency and welfare;
    ``case_managers`` maps those keys to staff users (the first at the Jobcenter is the demo login).
    """
    existing = Candidate.objects.filter(municipality=municipality)
    if existing.exists():
        demo_candidate = _link_candidate_login(municipality=municipality, user=candidate_user)
        _demo_closure(
            municipality=municipality, case_manager=next(iter(case_managers.get("jobcenter", ())), None)
        )
        return DemoCandidates(created=False, candidates=existing.count(), demo_candidate=demo_candidate)

    catalogue = load_occupations()
    relations = skill_relations([occupation.pk for _, occupation in catalogue])
    families: dict[str, list[tuple[DemoOccupation, Any]]] = {}
    for demo, occupation in catalogue:
        families.setdefault(demo.family, []).append((demo, occupation))

    b = _Builder(seed=seed, today=today or timezone.localdate())
    rng, de = b.rng, b.fakers["de_DE"]
    places = [(plz, city) for plz, city, _ in REGION_PLACES]
    place_weights = [w for _, _, w in REGION_PLACES]

    candidates: list[Candidate] = []
    plans: list[dict[str, Any]] = []
    # Exactly this share has a live listing consent; a third of the others revoked theirs.
    listed = set(rng.sample(range(count), k=round(count * listing_share)))
    for i in range(count):
        origin = _pick(rng, [(o, o.weight) for o in ORIGINS])
        gender = Gender.FEMALE if rng.random() < origin.share_female else Gender.MALE
        if rng.random() < 0.01:
            gender = Gender.DIVERSE
        first, last = b.name(
            origin, gender if gender != Gender.DIVERSE else rng.choice((Gender.FEMALE, Gender.MALE))
        )
        age = min(62, max(18, int(rng.gauss(33, 9))))
        birth = b.today - timedelta(days=age * 365 + rng.randint(0, 364))
        postcode, city = rng.choices(places, weights=place_weights, k=1)[0]
        residence = _residence(b, origin)
        licence = rng.random() < (0.55 if origin.names == "uk_UA" else 0.3)
        full_time = rng.random() < (0.45 if gender == Gender.FEMALE else 0.7)
        hours_min, hours_max = (30, 40) if full_time else rng.choice(((15, 25), (20, 30), (10, 20)))

        # Occupations: a main one drawn by weight, sometimes a second from the same family.
        main: tuple[DemoOccupation, Any] | None = None
        if rng.random() > 0.04:
            main = _pick(rng, [((d, o), d.weight) for d, o in catalogue])
        occupations = [main] if main else []
        if main and rng.random() < 0.25 and len(families[main[0].family]) > 1:
            second = rng.choice([x for x in families[main[0].family] if x[0].key != main[0].key])
            occupations.append(second)

        own_words = rng.choice(_OWN_WORDS[main[0].family]) if main and rng.random() < 0.8 else ""
        candidates.append(
            Candidate(
                municipality=municipality,
                first_name=first,
                last_name=last,
                birth_date=birth,
                nationality=origin.nationality,
                gender=gender,
                email=f"{_ascii(first)}.{_ascii(last)}.{i + 1:03d}@mail.example"
                if rng.random() < 0.85
                else "",
                phone=de.phone_number() if rng.random() < 0.95 else "",
                street=f"{de.street_name()} {rng.randint(1, 120)}",
                postcode=postcode,
                city=city,
                max_commute_km=rng.choice((10, 15, 20, 25, 30, 40, 50)),
                has_driving_licence=licence,
                has_car=licence and rng.random() < 0.4,
                hours_per_week_min=hours_min,
                hours_per_week_max=hours_max,
                available_from=b.today + timedelta(days=rng.choice((0, 0, 14, 30, 60, 90, -30))),
                preferences_own_words=own_words,
                preferences_staff_notes=rng.choice(_STAFF_NOTES) if rng.random() < 0.4 else "",
                # the demo's texts are written in German
                preferences_own_words_lang="de",
                preferences_staff_notes_lang="de",
                **residence,
            )
        )
        plans.append({"origin": origin, "age": age, "occupations": occupations, "residence": residence})

    Candidate.objects.bulk_create(candidates, batch_size=500)

    occupation_rows: list[CandidateOccupation] = []
    skill_rows: list[CandidateSkill] = []
    language_rows: list[LanguageSkill] = []
    qualification_rows: list[Qualification] = []
    case_rows: list[Case] = []
    consent_rows: list[Consent] = []
    for index, (candidate, plan) in enumerate(zip(candidates, plans, strict=True)):
        source = ProfileSource.CANDIDATE if rng.random() < 0.3 else ProfileSource.STAFF
        seen: set[int] = set()
        for rank, (_demo, occupation) in enumerate(plan["occupations"]):
            max_years = max(0, plan["age"] - 18)
            years = (
                Decimal(rng.randint(0, min(15, max_years) * 2)) / 2
                if rank == 0
                else Decimal(rng.randint(0, 4))
            )
            occupation_rows.append(
                CandidateOccupation(
                    candidate=candidate, occupation=occupation, years_experience=years, source=source
                )
            )
            essential, optional = relations[occupation.pk]
            core, rest = essential[:CORE_SKILLS], essential[CORE_SKILLS:]
            # Experienced people hold most of the core skills, newcomers to the trade fewer.
            share = 0.45 + min(0.5, float(years) / 16) if rank == 0 else 0.3
            picked = rng.sample(core, k=min(len(core), max(3, round(len(core) * share))))
            picked += rng.sample(rest, k=min(len(rest), rng.randint(0, 2)))
            picked += rng.sample(optional, k=min(len(optional), rng.randint(0, 3)))
            for skill_id in picked:
                if skill_id not in seen:
                    seen.add(skill_id)
                    skill_rows.append(CandidateSkill(candidate=candidate, skill_id=skill_id, source=source))
        for language in _languages(b, plan["origin"]):
            language_rows.append(LanguageSkill(candidate=candidate, **language))
        main_demo = plan["occupations"][0][0] if plan["occupations"] else None
        for qualification in _qualifications(b, plan["origin"], main_demo, plan["age"]):
            qualification_rows.append(Qualification(candidate=candidate, **qualification))

        legal_circle = _legal_circle(b, candidate.residence_status)
        org_key = {
            LegalCircle.SGB2: "jobcenter",
            LegalCircle.SGB3: "employment_agency",
            LegalCircle.ASYLBLG: rng.choice(("municipal_office", "municipal_office", "welfare")),
            LegalCircle.NONE: rng.choice(("municipal_office", "welfare")),
        }[legal_circle]
        phase = _pick(rng, _PHASES)
        staff = list(case_managers.get(org_key, ()))
        if not staff or (phase == CasePhase.INTAKE and rng.random() < 0.3):
            manager = None  # not yet assigned
        elif org_key == "jobcenter":
            manager = staff[0] if rng.random() < 0.75 or len(staff) == 1 else rng.choice(staff[1:])
        else:
            manager = rng.choice(staff)
        opened = b.when(days_ago_min=3, days_ago_max=720)
        closed = None
        if phase == CasePhase.CLOSED:
            closed = min(
                opened + timedelta(days=rng.randint(60, 500)), b.when(days_ago_min=0, days_ago_max=2)
            )
        case_rows.append(
            Case(
                candidate=candidate,
                municipality=municipality,
                responsible_organisation=organisations[org_key],
                case_manager=manager,
                phase=phase,
                legal_circle=legal_circle,
                opened_at=opened,
                closed_at=closed,
            )
        )
        candidate.created_by = manager

        now = timezone.now()
        granted = min(opened + timedelta(days=rng.randint(0, 20)), now)
        on_paper = rng.random() < 0.6 and manager is not None
        consent = {
            "candidate": candidate,
            "scope": ConsentScope.LISTING,
            "granted_at": granted,
            "source": ConsentSource.STAFF_PAPER_FORM if on_paper else ConsentSource.SELF_SERVICE,
            "recorded_by": manager if on_paper else None,
            "paper_form_reference": f"EW-{granted.year}-{candidate.pk:05d}" if on_paper else "",
        }
        if index in listed:
            consent_rows.append(Consent(**consent))
        elif rng.random() < 1 / 3:
            # Some took their listing back: the grant stays on record with its revocation date.
            revoked = min(granted + timedelta(days=rng.randint(10, 90)), now)
            consent_rows.append(Consent(**consent, revoked_at=revoked))

    # Candidate.created_by was decided with the case; write it in one statement per batch.
    Candidate.objects.bulk_update(candidates, ["created_by"], batch_size=500)
    if volunteer_user is not None:
        # The demo volunteer accompanies a handful of people who agreed to it.
        for candidate in rng.sample(candidates, k=min(8, len(candidates))):
            consent_rows.append(
                Consent(
                    candidate=candidate,
                    scope=ConsentScope.VOLUNTEER,
                    recipient_user=volunteer_user,
                    granted_at=b.when(days_ago_min=5, days_ago_max=200),
                    source=ConsentSource.SELF_SERVICE,
                )
            )

    # Issue 20: some women aged 20 to 45 answered "children under 6" and agreed to it being kept, so
    # that the equity tables show the row. A random stream of its own: the rest of the demo stays
    # exactly as it was.
    kids = random.Random(seed + 20)
    answered = []
    for candidate, plan in zip(candidates, plans, strict=True):
        if candidate.gender != Gender.FEMALE or not 20 <= plan["age"] <= 45 or kids.random() >= 0.6:
            continue
        candidate.children_under_6 = ChildrenUnder6.YES if kids.random() < 0.5 else ChildrenUnder6.NO
        answered.append(candidate)
        consent_rows.append(
            Consent(
                candidate=candidate,
                scope=ConsentScope.FAMILY_FIGURES,
                granted_at=timezone.now() - timedelta(days=kids.randint(5, 300)),
                source=ConsentSource.SELF_SERVICE,
            )
        )
    Candidate.objects.bulk_update(answered, ["children_under_6"], batch_size=500)

    CandidateOccupation.objects.bulk_create(occupation_rows, batch_size=1000)
    CandidateSkill.objects.bulk_create(skill_rows, batch_size=1000)
    LanguageSkill.objects.bulk_create(language_rows, batch_size=1000)
    Qualification.objects.bulk_create(qualification_rows, batch_size=1000)
    Case.objects.bulk_create(case_rows, batch_size=1000)
    Consent.objects.bulk_create(consent_rows, batch_size=1000)
    # bulk_create sends no signal: the browse page's cached count hears of the new listings here.
    listing_changed(municipality_ids=[municipality.pk])

    demo_candidate = _link_candidate_login(municipality=municipality, user=candidate_user)
    _demo_closure(
        municipality=municipality, case_manager=next(iter(case_managers.get("jobcenter", ())), None)
    )
    return DemoCandidates(created=True, candidates=len(candidates), demo_candidate=demo_candidate)


def _link_candidate_login(*, municipality: Any, user: Any) -> Candidate | None:
    """Give the demo candidate login a profile: a listed Ukrainian woman with an occupation.

    The profile takes the login's name, so that what the demo shows fits together.
    """
    candidate = Candidate.objects.filter(user=user).first()
    if candidate is None:
        listed = Candidate.objects.filter(
            municipality=municipality,
            user__isnull=True,
            occupations__isnull=False,
            consents__scope=ConsentScope.LISTING,
            consents__revoked_at__isnull=True,
        ).order_by("pk")
        candidate = listed.filter(nationality="ukrainisch", gender=Gender.FEMALE).first() or listed.first()
    if candidate is None:
        return None
    candidate.user = user
    candidate.email = user.email
    candidate.first_name, candidate.last_name = (
        user.first_name or candidate.first_name,
        user.last_name or candidate.last_name,
    )
    candidate.save(update_fields=["user", "email", "first_name", "last_name", "updated_at"])
    _demo_plan(candidate=candidate)
    _demo_assessment(candidate=candidate)
    _demo_appointment(candidate=candidate)
    return candidate


# --- the plan in self-service (issue 22) ---
# The demo login's plan: two goals, her own steps and the staff's, and two open tasks with due
# dates (one already answered "I need help"), so "Mein Plan" and the case page show it all.
DEMO_PLAN = (
    (
        "Deutsch auf Niveau B1",
        (
            ("Kursplatz beim Sprachkursträger anfragen", "staff", None, "done"),
            ("Zum B1-Kurs an der Volkshochschule anmelden", "candidate", 10, "open"),
            ("A2-Zertifikat zum nächsten Termin mitbringen", "candidate", 5, "help"),
        ),
    ),
    (
        "Arbeit im erlernten Beruf finden",
        (
            ("Lebenslauf gemeinsam durchgehen", "candidate", None, "open"),
            ("Anerkennung des Abschlusses beantragen", "staff", 30, "open"),
        ),
    ),
)


def _demo_plan(*, candidate: Candidate) -> None:
    """Give the demo login's open case a plan, once (a case that has goals keeps them)."""
    from candidates import services

    case = candidate.cases.exclude(phase=CasePhase.CLOSED).order_by("-opened_at").first()
    if case is None or case.goals.exists():
        return
    staff = case.case_manager
    today = timezone.localdate()
    for title, steps in DEMO_PLAN:
        goal = services.goal_add(case=case, actor=staff, title=title)
        for step_title, assignee, due_in, state in steps:
            step = services.step_add(
                goal=goal,
                actor=staff,
                title=step_title,
                assignee=assignee,
                due_date=today + timedelta(days=due_in) if due_in is not None else None,
            )
            if state == "done":
                services.step_set_status(step=step, actor=staff, status="done")
            elif state == "help" and candidate.user_id:
                services.task_answer(
                    step=step,
                    actor=candidate.user,
                    answer="help",
                    text="Ich finde das Zertifikat nicht mehr. Kann ich eine Kopie bekommen?",
                )


def _demo_appointment(*, candidate: Candidate) -> None:
    """An interview in three days at 10:00 with a Ukrainian interpreter, the case manager
    attending: "Mein Plan" and the case page show it (once: a case with appointments keeps them)."""
    from datetime import datetime, time

    from candidates import services
    from candidates.selectors import appointment_staff_choices

    case = candidate.cases.exclude(phase=CasePhase.CLOSED).order_by("-opened_at").first()
    if case is None or case.appointments.exists() or case.case_manager is None:
        return
    day = timezone.localdate() + timedelta(days=3)
    starts_at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    services.appointment_create(
        case=case,
        actor=case.case_manager,
        kind="interview",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        place="Rathaus, Zimmer 2.14",
        notes="Zeugnisse und Lebenslauf mitbringen.",
        staff_attendees=appointment_staff_choices(case=case)[:2],
        interpreter_needed=True,
        interpreter_language="uk",
    )


# --- end issue 22 ---


# --- life-domain assessment (issue 14) ---
# The demo login's case: a first assessment eight weeks ago and the current one, with open needs
# in German, recognition, housing and childcare, so the case page, the history, the proposals and
# the monitoring figure show something after `make demo`.
DEMO_ASSESSMENT = {
    "german": (
        "urgent",
        "Lernt schnell, übt jeden Tag mit einer App.",
        "Ich will B1 schaffen, um in meinem Beruf zu arbeiten.",
    ),
    "recognition": (
        "some",
        "Diplom und Zeugnisse liegen im Original vor.",
        "Mein Abschluss soll hier zählen.",
    ),
    "residence": ("none", "", ""),
    "housing": ("some", "", "Wir wohnen noch in der Gemeinschaftsunterkunft."),
    "health": ("none", "", ""),
    "family": (
        "some",
        "Die Großmutter hilft nachmittags.",
        "Für meine Tochter brauche ich einen Kita-Platz.",
    ),
    "finances": ("none", "", ""),
    "mobility": ("none", "Deutschlandticket", ""),
    "digital": ("none", "Eigenes Smartphone und Laptop", ""),
    "network": ("none", "Kontakt zur ukrainischen Gemeinde", ""),
    "interpreter": ("some", "", "Bei Ämtern brauche ich noch Hilfe beim Übersetzen."),
}


def _demo_assessment(*, candidate: Candidate) -> None:
    """Two versions of the demo login's assessment, once (a case that has one keeps it)."""
    from candidates import services

    case = candidate.cases.exclude(phase=CasePhase.CLOSED).order_by("-opened_at").first()
    if case is None or case.assessments.exists():
        return
    today = timezone.localdate()
    rows = [
        {"domain": d, "need": need, "strengths": strengths, "own_words": words, "reassess_on": None}
        for d, (need, strengths, words) in DEMO_ASSESSMENT.items()
    ]
    earlier = [{**r, "need": "urgent" if r["domain"] == "housing" else r["need"]} for r in rows]
    services.assessment_create(
        case=case, actor=case.case_manager, entries=earlier, assessed_on=today - timedelta(days=56)
    )
    for r in rows:
        if r["need"] != "none":
            r["reassess_on"] = today + timedelta(days=90)
    services.assessment_create(case=case, actor=case.case_manager, entries=rows, assessed_on=today)


def clear(*, municipality: Any) -> int:
    """Delete the municipality's candidates with their profiles, cases and consents (for --reset)."""
    deleted, _ = Candidate.objects.filter(municipality=municipality).delete()
    return deleted


# --- closing a case with an evaluation (issue 14 §4) ---
# One case of the demo case manager closed seven months ago with an employment: its phases have
# dates, two goals (one reached), and the six-month question is due on "Abgeschlossene Fälle".
DEMO_CLOSURE_GOALS = (("Deutsch auf Niveau A2", True), ("Führerschein Klasse B", False))
DEMO_CLOSURE_PHASES = (
    (CasePhase.ASSESSMENT, 21),
    (CasePhase.PLANNING, 45),
    (CasePhase.LINKING, 80),
    (CasePhase.MONITORING, 150),
)


def _demo_closure(*, municipality: Any, case_manager: Any) -> None:
    from candidates import services
    from candidates.models import CaseEvaluation, CasePhaseChange

    if case_manager is None or CaseEvaluation.objects.filter(case__municipality=municipality).exists():
        return
    case = (
        Case.objects.filter(
            municipality=municipality, case_manager=case_manager, candidate__user__isnull=True
        )
        .exclude(phase=CasePhase.CLOSED)
        .filter(goals__isnull=True)
        .order_by("pk")
        .first()
    )
    if case is None:
        return
    now = timezone.now()
    opened = now - timedelta(days=420)
    closed = now - timedelta(days=200)
    Case.objects.filter(pk=case.pk).update(opened_at=opened, phase=CasePhase.INTAKE)
    case.refresh_from_db()
    CasePhaseChange.objects.filter(case=case).delete()
    CasePhaseChange.objects.create(
        case=case, to_phase=CasePhase.INTAKE, changed_at=opened, changed_by=case_manager
    )
    for phase, day in DEMO_CLOSURE_PHASES:
        services._phase_write(case=case, actor=case_manager, phase=phase, at=opened + timedelta(days=day))
    goals = [services.goal_add(case=case, actor=case_manager, title=title) for title, _ in DEMO_CLOSURE_GOALS]
    reached = [goal for goal, (_, done) in zip(goals, DEMO_CLOSURE_GOALS, strict=True) if done]
    evaluation = services.case_close(
        case=case,
        actor=case_manager,
        reason="employment",
        goals_reached=reached,
        note="Festanstellung als Lagerhelfer nach dem Praktikum.",
    )
    # Dated as if closed 200 days ago: the question "still employed?" is due now.
    CaseEvaluation.objects.filter(pk=evaluation.pk).update(
        closed_at=closed, follow_up_due=timezone.localdate(closed) + timedelta(days=182)
    )
    Case.objects.filter(pk=case.pk).update(closed_at=closed)
    CasePhaseChange.objects.filter(case=case, to_phase=CasePhase.CLOSED).update(changed_at=closed)
    CasePhaseChange.objects.filter(case=case, to_phase=CasePhase.MONITORING).update(left_at=closed)


# --- the Clearingstelle (issue 14 §3) ---
# Two questions of the demo case manager to the Ausländerbehörde: one answered (the answer is on the
# case page and in the case manager's inbox), one waiting for the office's demo login.
DEMO_QUESTIONS = (
    (
        "work_permission",
        "Für eine Helferstelle in der Lagerlogistik (Vollzeit, unbefristet) liegt ein Angebot vor. "
        "Können Sie die Beschäftigungserlaubnis in Aussicht stellen, und brauchen Sie dafür noch "
        "Unterlagen von uns?",
        None,
    ),
    (
        "duldung",
        "Die Duldung läuft in sechs Wochen ab. Ist für die Verlängerung ein Termin nötig, oder reicht "
        "der schriftliche Antrag?",
        "Ein schriftlicher Antrag mit Nachweis der Ausbildungsstelle reicht. Termin nicht nötig.",
    ),
)


def seed_immigration_questions(
    *, municipality: Any, organisations: Mapping[str, Any], case_manager: Any, office_user: Any
) -> int:
    """The demo's questions to the Ausländerbehörde (idempotent). Returns how many were made."""
    from candidates import services
    from candidates.models import ImmigrationQuestion

    office = organisations.get("immigration_office")
    if office is None or ImmigrationQuestion.objects.filter(municipality=municipality).exists():
        return 0
    open_cases = Case.objects.filter(
        municipality=municipality, case_manager=case_manager, candidate__user__isnull=True
    ).exclude(phase=CasePhase.CLOSED)
    # People with a Duldung first (their questions are the ones the office gets most).
    cases = list(
        open_cases.filter(candidate__residence_status="duldung").order_by("pk")[: len(DEMO_QUESTIONS)]
    )
    cases += list(
        open_cases.exclude(pk__in=[c.pk for c in cases]).order_by("pk")[: len(DEMO_QUESTIONS) - len(cases)]
    )
    made = 0
    today = timezone.localdate()
    for case, (topic, message, answer) in zip(cases, DEMO_QUESTIONS, strict=False):
        question = services.immigration_question_ask(
            case=case,
            actor=case_manager,
            office=office,
            topic=topic,
            message=message,
            due_date=today + timedelta(days=10),
        )
        if answer:
            services.immigration_question_answer(question=question, actor=office_user, answer=answer)
        else:
            # The offer that asked the question waits on its work permission procedure.
            services.work_permit_procedure_save(
                case=case,
                actor=case_manager,
                applied_on=today - timedelta(days=18),
                ba_approval="zustimmung",
                ba_requested_on=today - timedelta(days=12),
            )
        made += 1
    return made
