"""Demo data for the shared platform: one municipality, its partner organisations, the demo logins.

Called by `manage.py seed_demo` (demo.management), before the other demo modules seed the apps. Idempotent:
everything is looked up by its natural key (municipality slug, organisation name, e-mail).
Demo only: never run this on a real system.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.roles import Role
from demo.accounts import DEMO_LOGINS, DEMO_PASSWORD
from organisations.models import Membership, Municipality, Organisation, OrganisationKind

MUNICIPALITY_SLUG = "musterland"
MUNICIPALITY_NAME = "Landkreis Musterland"

# Real postcodes in and around Kassel (Nordhessen) with their towns, weighted by how many
# people live there; every one exists in the offline PLZ table (a test checks it).
REGION_PLACES: list[tuple[str, str, int]] = [
    ("34117", "Kassel", 10),
    ("34119", "Kassel", 6),
    ("34121", "Kassel", 6),
    ("34123", "Kassel", 7),
    ("34125", "Kassel", 7),
    ("34127", "Kassel", 8),
    ("34128", "Kassel", 4),
    ("34130", "Kassel", 4),
    ("34131", "Kassel", 5),
    ("34132", "Kassel", 4),
    ("34134", "Kassel", 5),
    ("34225", "Baunatal", 5),
    ("34246", "Vellmar", 4),
    ("34253", "Lohfelden", 3),
    ("34260", "Kaufungen", 3),
    ("34266", "Niestetal", 2),
    ("34270", "Schauenburg", 1),
    ("34277", "Fuldabrück", 2),
    ("34292", "Ahnatal", 1),
    ("34233", "Fuldatal", 2),
    ("34314", "Espenau", 1),
    ("34317", "Habichtswald", 1),
    ("34289", "Zierenberg", 1),
    ("34376", "Immenhausen", 1),
    ("34379", "Calden", 1),
    ("34369", "Hofgeismar", 3),
    ("34393", "Grebenstein", 1),
    ("34466", "Wolfhagen", 2),
    ("34298", "Helsa", 1),
    ("34320", "Söhrewald", 1),
]

# The partner organisations of the municipality (see DESIGN.md, "Organisation").
_PARTNERS: list[tuple[str, str, str, str, str]] = [
    # key, kind, name, street, postcode
    (
        "municipal_office",
        OrganisationKind.MUNICIPALITY_OFFICE,
        "Integrationsmanagement Landkreis Musterland",
        "Rathausplatz 1",
        "34117",
    ),
    ("jobcenter", OrganisationKind.JOBCENTER, "Jobcenter Musterland", "Am Bahnhof 12", "34117"),
    (
        "employment_agency",
        OrganisationKind.EMPLOYMENT_AGENCY,
        "Agentur für Arbeit Musterland",
        "Am Bahnhof 14",
        "34117",
    ),
    (
        "immigration_office",
        OrganisationKind.IMMIGRATION_OFFICE,
        "Ausländerbehörde Landkreis Musterland",
        "Rathausplatz 3",
        "34117",
    ),
    ("ihk", OrganisationKind.CHAMBER, "IHK Musterland", "Kammerweg 9", "34117"),
    ("hwk", OrganisationKind.CHAMBER, "Handwerkskammer Musterland", "Kammerweg 2", "34117"),
    (
        "welfare",
        OrganisationKind.WELFARE,
        "Migrationsberatung für Erwachsene – Diakonie Musterland",
        "Lindenstraße 6",
        "34117",
    ),
    (
        "volunteers_north",
        OrganisationKind.VOLUNTEER_INITIATIVE,
        "Willkommensnetz Nordstadt e. V.",
        "Nordstraße 74",
        "34127",
    ),
    (
        "volunteers_south",
        OrganisationKind.VOLUNTEER_INITIATIVE,
        "Sprachpatenschaften Baunatal",
        "Marktplatz 14",
        "34225",
    ),
]

# Where each demo login works. The employer login joins a verified employer (demo.employers);
# the candidate login is linked to a candidate (demo.candidates).
_LOGIN_HOMES: dict[str, tuple[str, bool]] = {
    Role.COORDINATOR: ("municipal_office", True),
    Role.CASE_MANAGER: ("jobcenter", False),
    Role.JOB_COACH: ("welfare", False),
    Role.VOLUNTEER: ("volunteers_north", False),
    Role.CHAMBER_EDITOR: ("ihk", True),
    Role.IMMIGRATION_OFFICE: ("immigration_office", False),
}
_LOGIN_NAMES: dict[str, tuple[str, str]] = {
    Role.COORDINATOR: ("Katrin", "Vogt"),
    Role.CASE_MANAGER: ("Deniz", "Arslan"),
    Role.JOB_COACH: ("Jonas", "Becker"),
    Role.VOLUNTEER: ("Ursula", "Hartmann"),
    Role.EMPLOYER: ("Michael", "Schäfer"),
    Role.CHAMBER_EDITOR: ("Sabine", "Krüger"),
    Role.CANDIDATE: ("Olena", "Kovalenko"),
    Role.IMMIGRATION_OFFICE: ("Frank", "Neumann"),
}
# More case managers without a login, so that the caseload is spread as it is in real offices.
_COLLEAGUES: list[tuple[str, str, str, str]] = [
    # organisation key, e-mail, first name, last name
    ("jobcenter", "jc-team2@demo.lotse.example", "Tobias", "Wagner"),
    ("municipal_office", "im-team@demo.lotse.example", "Leyla", "Yıldız"),
    ("employment_agency", "aa-team@demo.lotse.example", "Stefan", "Hofmann"),
    ("welfare", "mbe-team@demo.lotse.example", "Miriam", "Schulze"),
]


@dataclass
class DemoPlatform:
    municipality: Municipality
    organisations: dict[str, Organisation]
    logins: dict[str, object]  # role -> user, one per role in demo.accounts.DEMO_LOGINS
    # Case managers per organisation key; the demo case manager comes first at the Jobcenter.
    case_managers: dict[str, list[object]] = field(default_factory=dict)


def _user(*, email: str, first_name: str, last_name: str, password_hash: str, is_candidate: bool = False):
    user, _ = get_user_model().objects.update_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "display_name": f"{first_name} {last_name}",
            "password": password_hash,
            "is_candidate": is_candidate,
            "is_active": True,
        },
    )
    # A verified primary address, so allauth lets the demo login in without a confirmation mail.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, password: str = DEMO_PASSWORD) -> DemoPlatform:
    """Create or refresh the demo municipality, its partner organisations and the demo logins."""
    municipality, _ = Municipality.objects.update_or_create(
        slug=MUNICIPALITY_SLUG,
        defaults={"name": MUNICIPALITY_NAME, "state": "Hessen", "postcode": "34117", "ags": ""},
    )
    organisations: dict[str, Organisation] = {}
    for key, kind, name, street, postcode in _PARTNERS:
        city = next(c for plz, c, _ in REGION_PLACES if plz == postcode)
        organisations[key], _ = Organisation.objects.update_or_create(
            municipality=municipality,
            name=name,
            defaults={
                "kind": kind,
                "street": street,
                "postcode": postcode,
                "city": city,
                "email": f"kontakt.{key.replace('_', '-')}@demo.lotse.example",
                "phone": "0561 000000",
            },
        )

    if municipality.coordination_office_id != organisations["municipal_office"].pk:
        municipality.coordination_office = organisations["municipal_office"]
        municipality.save(update_fields=["coordination_office"])

    # One hash for every demo account: hashing is slow by design and the password is the same.
    password_hash = make_password(password)
    logins: dict[str, object] = {}
    for role, email in DEMO_LOGINS.items():
        first, last = _LOGIN_NAMES[role]
        logins[role] = _user(
            email=email,
            first_name=first,
            last_name=last,
            password_hash=password_hash,
            is_candidate=role == Role.CANDIDATE,
        )
        if role in _LOGIN_HOMES:
            home, is_lead = _LOGIN_HOMES[role]
            Membership.objects.update_or_create(
                user=logins[role],
                organisation=organisations[home],
                role=role,
                defaults={"is_lead": is_lead, "is_active": True},
            )

    case_managers: dict[str, list[object]] = {"jobcenter": [logins[Role.CASE_MANAGER]]}
    unusable = make_password(None)  # colleagues exist for the caseload only and cannot log in
    for home, email, first, last in _COLLEAGUES:
        user = _user(email=email, first_name=first, last_name=last, password_hash=unusable)
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[home],
            role=Role.CASE_MANAGER,
            defaults={"is_lead": False, "is_active": True},
        )
        case_managers.setdefault(home, []).append(user)

    return DemoPlatform(
        municipality=municipality, organisations=organisations, logins=logins, case_managers=case_managers
    )
