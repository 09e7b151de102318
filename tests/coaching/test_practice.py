"""Issue 23 §4: practice shared between municipalities. A coordinator keeps the municipality's
templates (handover checklists, assessment guides, event formats, practice notes), shares them with
the other municipalities if they opt in; a coordinator elsewhere imports a shared one with one click
and adapts the copy; the municipality's case staff read them. Nothing personal crosses: a candidate's
name, an e-mail address, a telephone number or a case reference is refused in every text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.navigation import destinations
from accounts.roles import Role
from coaching import practice_selectors, practice_services
from coaching.models import PracticeTemplate
from tests.factories import CaseFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = pytest.mark.django_db

ITEMS = ["Einwilligung liegt vor", "Bescheid liegt vor", "Gemeinsamer Termin vereinbart"]


@pytest.fixture
def named(world):
    """The world's candidate with a name to look for (a double last name)."""
    candidate = world.candidate
    candidate.first_name, candidate.last_name = "Amira", "Haddad-Nour"
    candidate.save(update_fields=["first_name", "last_name"])
    return candidate


@pytest.fixture
def elsewhere(world):
    return world.people["coordinator_elsewhere"]


def _template(
    world, title="Übergabe-Checkliste Rechtskreiswechsel", *, shared=False, municipality=None, actor=None
):
    template = practice_services.practice_create(
        actor=actor or world.coordinator,
        municipality_id=(municipality or world.municipality).pk,
        kind="handover_checklist",
        title=title,
        description="Bewährt beim Übergang ins SGB II",
        items=ITEMS,
    )
    if shared:
        practice_services.practice_share(template=template, actor=actor or world.coordinator)
    return template


# --- services -------------------------------------------------------------------------------------


def test_a_template_keeps_its_items_in_order_without_blank_lines(world):
    template = practice_services.practice_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        kind="assessment_guide",
        title="  Leitfaden Erstgespräch ",
        items=["Wohnen", "", "   ", "Sprache  und   Kurse", "Familie"],
    )
    template.refresh_from_db()
    assert template.title == "Leitfaden Erstgespräch"
    assert template.items == ["Wohnen", "Sprache und Kurse", "Familie"]
    assert template.shared is False and template.shared_at is None


def test_sharing_sets_the_day_once_and_unsharing_clears_it(world):
    template = _template(world)
    practice_services.practice_share(template=template, actor=world.coordinator)
    first = template.shared_at
    assert template.shared and first is not None
    practice_services.practice_share(template=template, actor=world.coordinator)
    assert template.shared_at == first
    practice_services.practice_unshare(template=template, actor=world.coordinator)
    template.refresh_from_db()
    assert not template.shared and template.shared_at is None


def test_import_copies_into_the_coordinators_municipality_and_records_the_source(
    world, other_municipality, elsewhere
):
    source = _template(world, shared=True)
    copy = practice_services.practice_import(
        source=source, actor=elsewhere, municipality_id=other_municipality.pk
    )
    assert copy.municipality == other_municipality and copy.pk != source.pk
    assert (copy.kind, copy.title, copy.description, copy.items) == (
        source.kind,
        source.title,
        source.description,
        source.items,
    )
    assert copy.source == source and copy.source_municipality_name == world.municipality.name
    assert not copy.shared and copy.created_by == elsewhere


def test_an_imported_title_already_taken_gets_a_suffix(world, other_municipality, elsewhere):
    source = _template(world, shared=True)
    _template(world, title=source.title.upper(), municipality=other_municipality, actor=elsewhere)
    first = practice_services.practice_import(
        source=source, actor=elsewhere, municipality_id=other_municipality.pk
    )
    second = practice_services.practice_import(
        source=source, actor=elsewhere, municipality_id=other_municipality.pk
    )
    assert first.title == f"{source.title} (übernommen)"
    assert second.title == f"{source.title} (übernommen 2)"


def test_an_unshared_or_own_template_cannot_be_imported(world, other_municipality, elsewhere):
    unshared = _template(world)
    with pytest.raises(ValidationError):
        practice_services.practice_import(
            source=unshared, actor=elsewhere, municipality_id=other_municipality.pk
        )
    shared = _template(world, "Zweite", shared=True)
    with pytest.raises(ValidationError):
        practice_services.practice_import(
            source=shared, actor=world.coordinator, municipality_id=world.municipality.pk
        )
    assert PracticeTemplate.objects.count() == 2


def test_the_copy_keeps_where_it_came_from_when_the_original_is_deleted(world, other_municipality, elsewhere):
    source = _template(world, shared=True)
    copy = practice_services.practice_import(
        source=source, actor=elsewhere, municipality_id=other_municipality.pk
    )
    source.delete()
    copy.refresh_from_db()
    assert copy.source is None and copy.source_municipality_name == world.municipality.name


def test_a_title_taken_in_the_municipality_is_a_form_error(world):
    _template(world, "Checkliste")
    with pytest.raises(ValidationError) as error:
        _template(world, "checkliste")
    assert "title" in error.value.message_dict
    other = _template(world, "Andere")
    with pytest.raises(ValidationError):
        practice_services.practice_update(
            template=other, actor=world.coordinator, kind="event_format", title="CHECKLISTE", items=[]
        )


# --- constraints ----------------------------------------------------------------------------------


def _raw(world, **kwargs):
    # A direct create: these tests check the database constraints on the row itself.
    defaults = {"municipality": world.municipality, "kind": "practice_note", "title": "Notiz"}
    return PracticeTemplate.objects.create(**{**defaults, **kwargs})


def test_the_database_keeps_titles_unique_per_municipality_case_insensitively(world, other_municipality):
    _raw(world, title="Notiz")
    _raw(world, title="Notiz", municipality=other_municipality)  # another municipality may
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(world, title="NOTIZ")


@pytest.mark.parametrize(
    "fields",
    [
        {"shared": True},
        {"shared": False, "shared_at": timezone.now()},
        {"kind": "gossip"},
        {"title": ""},
    ],
    ids=["shared-without-day", "day-without-shared", "unknown-kind", "empty-title"],
)
def test_the_database_refuses_an_inconsistent_template(world, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(world, **fields)


def test_the_database_refuses_a_source_without_its_municipalitys_name(world):
    source = _raw(world, title="Quelle")
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(world, title="Kopie", source=source)


# --- nothing personal crosses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Checkliste für Amira"),
        ("description", "Bewährt bei Frau haddad-nour im März"),
        ("items", "Termin mit Nour abstimmen"),
        ("items", "Rückfragen an berater@jobcenter.example"),
        ("description", "Rückruf unter 0561 / 12 34 56"),
        ("items", "Telefon +49 (561) 987654"),
        ("title", "Vorlage zum Fall 4711"),
        ("items", "Az. 12/2026 beilegen"),
    ],
)
def test_a_name_an_email_a_phone_or_a_case_number_is_refused_on_its_field(world, named, field, text):
    values = {"title": "Checkliste", "description": "", "items": ["Punkt"]}
    values[field] = [text] if field == "items" else text
    with pytest.raises(ValidationError) as error:
        practice_services.practice_create(
            actor=world.coordinator,
            municipality_id=world.municipality.pk,
            kind="handover_checklist",
            **values,
        )
    assert list(error.value.message_dict) == [field]
    assert not PracticeTemplate.objects.exists()


def test_a_candidates_reference_is_refused(world, named):
    with pytest.raises(ValidationError) as error:
        _template(world, f"Übergabe {named.public_ref.lower()}")
    assert "Referenz" in error.value.message_dict["title"][0]


def test_ordinary_practice_text_passes(world, named):
    template = practice_services.practice_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        kind="event_format",
        title="Speed-Dating Handwerk 2026",
        description="Stand 01.02.2026, nach § 60a AufenthG, zehn Betriebe, 10 Minuten je Tisch.",
        items=["ABEND-ESSEN mit den Betrieben", "Namensschilder nur mit Vornamen"],
    )
    assert template.pk


def test_a_name_of_a_candidate_elsewhere_is_no_personal_data_here(world, other_municipality):
    CaseFactory(
        candidate__municipality=other_municipality,
        candidate__first_name="Zoltan",
        candidate__last_name="Quaxley",
    )
    assert _template(world, "Checkliste Quaxley").pk


def test_sharing_checks_again_against_todays_candidates(world):
    template = _template(world, "Checkliste Yusupova")
    CaseFactory(candidate__municipality=world.municipality, candidate__last_name="Yusupova")
    with pytest.raises(ValidationError) as error:
        practice_services.practice_share(template=template, actor=world.coordinator)
    assert "Yusupova" in error.value.messages[0]
    template.refresh_from_db()
    assert not template.shared


def test_hostile_nothing_personal_reaches_another_municipality(
    world, named, other_municipality, elsewhere, client
):
    """Every way a name, e-mail or phone could be slipped into a shared template is refused, so what
    the other municipality sees and imports carries none of them."""
    template = _template(world, shared=True)
    attempts = [
        {"title": "Amira Haddad-Nour"},
        {"description": "Kontakt: amira.h@mail.example"},
        {"items": [*ITEMS, "AMIRA anrufen"]},
        {"items": [*ITEMS, "Tel. 0231-4567890"]},
        {"items": [*ITEMS, f"Ref {named.public_ref}"]},
    ]
    login_with_mfa(client, world.coordinator)
    for attempt in attempts:
        values = {
            "kind": template.kind,
            "title": template.title,
            "description": "",
            "items": list(ITEMS),
            **attempt,
        }
        with pytest.raises(ValidationError):
            practice_services.practice_update(template=template, actor=world.coordinator, **values)
        # the same through the form: an error, no 500, the input kept
        post = {**values, "items": "\n".join(values["items"])}
        response = client.post(reverse("coaching:practice_edit", args=[template.pk]), post)
        assert response.status_code == 400
        kept = (
            post["title"]
            if "title" in attempt
            else post["items"].splitlines()[-1]
            if "items" in attempt
            else post["description"]
        )
        assert kept in response.content.decode()
    template.refresh_from_db()
    copy = practice_services.practice_import(
        source=template, actor=elsewhere, municipality_id=other_municipality.pk
    )
    other = login_with_mfa(client.__class__(), elsewhere)
    seen = other.get(reverse("coaching:practice_detail", args=[template.pk])).content.decode()
    seen += other.get(reverse("coaching:practice_list")).content.decode()
    seen += other.get(reverse("coaching:practice_detail", args=[copy.pk])).content.decode()
    for stored in (template, copy):
        text = " ".join([stored.title, stored.description, *stored.items]).casefold()
        assert "amira" not in text and "haddad" not in text and "nour" not in text
        assert "@" not in text and "0231" not in text and named.public_ref.casefold() not in text
    assert "Amira" not in seen and "Haddad" not in seen and "@mail.example" not in seen


def test_an_import_of_a_template_naming_a_new_candidate_of_its_municipality_is_refused(
    world, other_municipality, elsewhere
):
    template = _template(world, "Checkliste Okonkwo", shared=True)
    CaseFactory(candidate__municipality=world.municipality, candidate__first_name="Okonkwo")
    with pytest.raises(ValidationError):
        practice_services.practice_import(
            source=template, actor=elsewhere, municipality_id=other_municipality.pk
        )
    assert PracticeTemplate.objects.filter(municipality=other_municipality).count() == 0


# --- selectors ------------------------------------------------------------------------------------


def test_the_shared_section_holds_only_other_municipalities_shared_templates(
    world, other_municipality, elsewhere
):
    own_shared = _template(world, "Eigene geteilt", shared=True)
    _template(world, "Eigene privat")
    theirs_shared = _template(
        world, "Fremd geteilt", shared=True, municipality=other_municipality, actor=elsewhere
    )
    _template(world, "Fremd privat", municipality=other_municipality, actor=elsewhere)
    assert list(practice_selectors.shared_by_others(user=world.coordinator)) == [theirs_shared]
    assert list(practice_selectors.shared_by_others(user=elsewhere)) == [own_shared]
    assert {t.title for t in practice_selectors.own_templates(user=world.coordinator)} == {
        "Eigene geteilt",
        "Eigene privat",
    }
    # case staff read their own municipality's templates, never what others share
    assert {t.title for t in practice_selectors.own_templates(user=world.coach)} == {
        "Eigene geteilt",
        "Eigene privat",
    }
    assert not practice_selectors.shared_by_others(user=world.coach).exists()


def test_the_list_is_a_fixed_number_of_queries(
    world, other_municipality, elsewhere, client, django_assert_max_num_queries
):
    for n in range(6):
        _template(world, f"Eigene {n}", shared=n % 2 == 0)
        _template(world, f"Fremd {n}", shared=True, municipality=other_municipality, actor=elsewhere)
    login_with_mfa(client, world.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coaching:practice_list"))
    assert response.content.decode().count("Übernehmen") >= 6


# --- views ----------------------------------------------------------------------------------------


def test_the_coordinator_creates_a_template_and_shares_it(world, client):
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:practice_create"),
        {
            "kind": "handover_checklist",
            "title": "Checkliste",
            "description": "",
            "items": "Eins\nZwei\n\nDrei",
        },
    )
    template = PracticeTemplate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "coaching:practice_detail", args=[template.pk]
    )
    assert template.items == ["Eins", "Zwei", "Drei"] and template.municipality == world.municipality
    page = client.get(response["Location"]).content.decode()
    assert "nicht geteilt" in page and "Mit anderen Kommunen teilen" in page
    client.post(reverse("coaching:practice_share", args=[template.pk]))
    template.refresh_from_db()
    assert template.shared
    assert "geteilt seit" in client.get(reverse("coaching:practice_list")).content.decode()


def test_a_refused_share_says_why_and_keeps_the_template_private(world, client):
    template = _template(world, "Checkliste Yusupova")
    CaseFactory(candidate__municipality=world.municipality, candidate__last_name="Yusupova")
    login_with_mfa(client, world.coordinator)
    page = client.post(reverse("coaching:practice_share", args=[template.pk]), follow=True).content.decode()
    assert "kann nicht geteilt werden" in page
    template.refresh_from_db()
    assert not template.shared


def test_import_is_one_click_to_the_copys_edit_page(world, other_municipality, elsewhere, client):
    source = _template(world, shared=True)
    login_with_mfa(client, elsewhere)
    listing = client.get(reverse("coaching:practice_list")).content.decode()
    assert "Von anderen Kommunen geteilt" in listing and world.municipality.name in listing
    response = client.post(reverse("coaching:practice_import", args=[source.pk]))
    copy = PracticeTemplate.objects.get(municipality=other_municipality)
    assert response["Location"] == reverse("coaching:practice_edit", args=[copy.pk])
    edit = client.get(response["Location"]).content.decode()
    assert ITEMS[0] in edit
    client.post(
        response["Location"],
        {"kind": copy.kind, "title": copy.title, "description": copy.description, "items": "Angepasst\nZwei"},
    )
    detail = client.get(reverse("coaching:practice_detail", args=[copy.pk])).content.decode()
    assert f"übernommen von {world.municipality.name}" in detail and "Angepasst" in detail
    source.refresh_from_db()
    assert source.items == ITEMS  # the original is untouched


def test_an_unshared_template_of_another_municipality_is_404_and_unsharing_hides_it(world, elsewhere, client):
    template = _template(world, shared=True)
    login_with_mfa(client, elsewhere)
    assert client.get(reverse("coaching:practice_detail", args=[template.pk])).status_code == 200
    practice_services.practice_unshare(template=template, actor=world.coordinator)
    assert client.get(reverse("coaching:practice_detail", args=[template.pk])).status_code == 404
    assert client.post(reverse("coaching:practice_import", args=[template.pk])).status_code == 404
    assert template.title not in client.get(reverse("coaching:practice_list")).content.decode()


def test_case_staff_read_their_municipalitys_templates_without_changing_them(world, client):
    template = _template(world, shared=True)
    login_with_mfa(client, world.case_manager)
    page = client.get(reverse("coaching:practice_detail", args=[template.pk])).content.decode()
    assert ITEMS[1] in page and "Bearbeiten" not in page and "Nicht mehr teilen" not in page
    listing = client.get(reverse("coaching:practice_list")).content.decode()
    assert (
        template.title in listing
        and "Vorlage anlegen" not in listing
        and "Von anderen Kommunen" not in listing
    )
    assert client.post(reverse("coaching:practice_unshare", args=[template.pk])).status_code == 403


def test_bad_input_is_a_form_error_with_the_input_kept(world, named, client):
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:practice_create"),
        {
            "kind": "handover_checklist",
            "title": "Checkliste",
            "description": "",
            "items": "Eins\nAmira fragen",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Namen einer Person" in html and "Amira fragen" in html
    assert not PracticeTemplate.objects.exists()


# --- navigation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CASE_MANAGER, Role.JOB_COACH])
def test_geteilte_praxis_is_in_the_navigation_of_coordinators_and_case_staff(role):
    links = {str(link.label): link.url for link in destinations({role})}
    assert links["Geteilte Praxis"] == reverse("coaching:practice_list")


def test_a_volunteer_has_no_way_to_the_practice_pages(world, client):
    assert "Geteilte Praxis" not in {str(link.label) for link in destinations({Role.VOLUNTEER})}
    login_with_mfa(client, new_member(Role.VOLUNTEER, municipality=world.municipality))
    assert client.get(reverse("coaching:practice_list")).status_code == 403
