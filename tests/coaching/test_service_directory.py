"""Coordinators keep their services directory (issue 17): they edit and deactivate an offer of their
municipality (never delete it: referrals point at it), set its weekly opening hours, and let it serve
further municipalities across a district line, whose case managers then find it and refer to it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import CasePhase
from coaching import directory_services, selectors, services
from coaching.models import Referral, ServiceSchedule
from coaching.pathway_selectors import teaching_services
from privacy.models import AuditEntry
from tests.coaching.helpers import EDIT, audits
from tests.factories import MunicipalityFactory, ServiceFactory, ServiceOrganisationFactory, SkillFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db

# --- 1. edit and deactivate ----------------------------------------------------------------------


def test_a_coordinator_edits_an_offer_of_their_municipality_and_the_change_is_audited(
    client, world, language_school
):
    login_with_mfa(client, world.coordinator)
    url = reverse("coaching:service_edit", args=[language_school.pk])
    form = client.get(url).content.decode()
    assert 'value="Berufssprachkurs B2"' in form  # the form starts from the stored entry
    response = client.post(url, EDIT)
    assert response.status_code == 302
    language_school.refresh_from_db()
    assert language_school.name == "Berufssprachkurs B2 (Abendkurs)"
    assert language_school.cost == "reduced" and language_school.url == "https://vhs.example/b2"
    # Left empty in the form: everybody may use it now.
    assert language_school.eligible_residence_statuses == []
    entry = audits(language_school, action=AuditEntry.Action.CHANGE).get()
    assert entry.actor_id == world.coordinator.pk
    assert {"name", "cost", "url", "eligible_residence_statuses"} <= set(entry.fields)
    assert entry.municipality_id == world.municipality.pk


def test_the_edit_form_names_bad_input_and_keeps_it(client, world, language_school):
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:service_edit", args=[language_school.pk]),
        {**EDIT, "name": "", "email": "kein-mail", "description": "bleibt stehen"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "bleibt stehen" in page and 'value="kein-mail"' in page
    assert page.count('class="kern-error"') >= 2
    language_school.refresh_from_db()
    assert language_school.name == "Berufssprachkurs B2"
    assert not audits(language_school).exists()


def test_saving_an_unchanged_form_writes_no_audit_entry(world, language_school):
    directory_services.service_update(
        service=language_school,
        actor=world.coordinator,
        **{f: getattr(language_school, f) for f in directory_services.EDITABLE_FIELDS},
    )
    assert not audits(language_school).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator_elsewhere", 404), ("case_manager", 403), ("coach", 403), ("volunteer", 403)],
)
def test_only_the_municipality_coordinator_may_edit(client, world, language_school, who, status):
    login_with_mfa(client, world.people[who])
    for name in ("service_edit", "service_hours"):
        assert client.get(reverse(f"coaching:{name}", args=[language_school.pk])).status_code == status
    response = client.post(reverse("coaching:service_status", args=[language_school.pk]), {"active": "0"})
    assert response.status_code == status
    language_school.refresh_from_db()
    assert language_school.is_active


@pytest.fixture
def eligible_case(world):
    world.candidate.residence_status = "aufenthaltserlaubnis"
    world.candidate.save()
    return world.case


def test_a_deactivated_offer_leaves_search_referral_form_and_pathways_but_stays_on_its_referrals(
    client, world, language_school, eligible_case
):
    skill = SkillFactory(uri="http://esco.test/skill/german", label_de="Deutsch B2")
    language_school.skills.set([skill])
    referral = services.referral_create(case=eligible_case, service=language_school, actor=world.case_manager)
    assert teaching_services(case=eligible_case, skills=[skill]) == [language_school]

    login_with_mfa(client, world.coordinator)
    response = client.post(reverse("coaching:service_status", args=[language_school.pk]), {"active": "0"})
    assert response.status_code == 302
    language_school.refresh_from_db()
    assert not language_school.is_active and language_school.deactivated_at is not None
    assert audits(language_school, note="deactivated").count() == 1
    # Still there for the coordinator to bring back, no longer in the search.
    listing = client.get(reverse("coaching:service_list")).content.decode()
    assert 'data-testid="inactive-services"' in listing
    assert listing.index("Berufssprachkurs B2") > listing.index('data-testid="inactive-services"')

    # Nobody finds it any more: not the search, not the referral form, not the proposals or pathway.
    case_manager = login_with_mfa(type(client)(), world.case_manager)
    assert "Berufssprachkurs B2" not in case_manager.get(reverse("coaching:service_list")).content.decode()
    assert language_school not in selectors.referral_offer(case=eligible_case)
    assert language_school not in selectors.eligible_services(case=eligible_case)
    assert teaching_services(case=eligible_case, skills=[skill]) == []
    with pytest.raises(Exception, match="nicht mehr aktiv"):
        Referral.objects.filter(pk=referral.pk).update(status="declined")
        services.referral_create(case=eligible_case, service=language_school, actor=world.case_manager)
    # The existing referral still names it on the case page.
    case_page = case_manager.get(reverse("coaching:case_detail", args=[eligible_case.pk])).content.decode()
    assert "Berufssprachkurs B2" in case_page
    assert Referral.objects.filter(pk=referral.pk, service=language_school).exists()

    # And it comes back.
    client.post(reverse("coaching:service_status", args=[language_school.pk]), {"active": "1"})
    language_school.refresh_from_db()
    assert language_school.is_active and language_school.deactivated_at is None
    assert "Berufssprachkurs B2" in case_manager.get(reverse("coaching:service_list")).content.decode()


# --- 2. opening hours ----------------------------------------------------------------------------


def _hours_post(rows):
    data = {"hours-TOTAL_FORMS": str(len(rows)), "hours-INITIAL_FORMS": "0"}
    for i, (day, opens, closes) in enumerate(rows):
        data |= {f"hours-{i}-weekday": day, f"hours-{i}-opens": opens, f"hours-{i}-closes": closes}
    return data


def test_a_coordinator_sets_weekly_hours_and_readers_see_them_in_their_language(
    client, world, language_school
):
    login_with_mfa(client, world.coordinator)
    url = reverse("coaching:service_hours", args=[language_school.pk])
    response = client.post(url, _hours_post([("1", "09:00", "12:00"), ("1", "13:00", "16:00"), ("", "", "")]))
    assert response.status_code == 302
    assert [str(s) for s in language_school.schedules.all()] == ["Montag 09:00–12:00", "Montag 13:00–16:00"]
    assert audits(language_school, fields=["schedules"]).count() == 1
    # The form shows the stored rows again, plus empty ones.
    assert 'value="13:00"' in client.get(url).content.decode()

    reader = login_with_mfa(type(client)(), world.case_manager)
    detail = reverse("coaching:service_detail", args=[language_school.pk])
    assert "Montag" in reader.get(detail, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    # The reader's language is the page's (its URL prefix), Django's own names of the days.
    for language, name in (("en", "Monday"), ("uk", "Понеділок"), ("ar", "الاثنين")):
        with translation.override(language):
            page = reader.get(reverse("coaching:service_detail", args=[language_school.pk]))
        assert name in page.content.decode(), language


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("2", "12:00", "09:00")], "Die Schließzeit muss nach der Öffnungszeit liegen."),
        ([("2", "10:00", "10:00")], "Die Schließzeit muss nach der Öffnungszeit liegen."),
        ([("2", "09:00", "")], "Bitte angeben, wann das Angebot schließt."),
        ([("", "09:00", "12:00")], "Bitte einen Wochentag wählen."),
        ([("2", "09:00", "12:00"), ("2", "11:00", "14:00")], "überschneidet sich"),
        ([("9", "09:00", "12:00")], "gültige Auswahl"),
    ],
)
def test_bad_hours_are_named_and_kept(client, world, language_school, rows, message):
    login_with_mfa(client, world.coordinator)
    response = client.post(reverse("coaching:service_hours", args=[language_school.pk]), _hours_post(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{rows[0][1]}"' in page  # the input stays
    assert not language_school.schedules.exists()


def test_the_database_refuses_hours_that_close_before_they_open(language_school):
    from django.db import IntegrityError

    # A direct create: the database constraint itself is what this test checks.
    with pytest.raises(IntegrityError):
        ServiceSchedule.objects.create(
            service=language_school, weekday=1, opens=datetime.time(12), closes=datetime.time(9)
        )


# --- 3. service areas across district lines ----------------------------------------------------


def test_a_coordinator_lets_an_offer_serve_a_neighbouring_municipality(
    client, world, language_school, other_municipality, neighbour
):
    case_manager, case = neighbour
    elsewhere = MunicipalityFactory(name="Hagen", slug="hagen")
    assert language_school not in selectors.referral_offer(case=case)
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:service_edit", args=[language_school.pk]),
        {**EDIT, "served_municipalities": [other_municipality.pk]},
    )
    assert response.status_code == 302
    assert list(language_school.served_municipalities.all()) == [other_municipality]
    assert "served_municipalities" in audits(language_school).get().fields
    assert elsewhere not in language_school.served_municipalities.all()

    bochum = login_with_mfa(type(client)(), case_manager)
    listing = bochum.get(reverse("coaching:service_list")).content.decode()
    assert "Berufssprachkurs B2 (Abendkurs)" in listing and "aus Dortmund" in listing
    assert bochum.get(reverse("coaching:service_detail", args=[language_school.pk])).status_code == 200
    form = bochum.get(reverse("coaching:referral_create", args=[case.pk])).content.decode()
    assert "Berufssprachkurs B2 (Abendkurs) (Dortmund)" in form
    response = bochum.post(
        reverse("coaching:referral_create", args=[case.pk]),
        {"service": language_school.pk, "note": "Abendkurs neben der Arbeit"},
    )
    assert response.status_code == 302
    assert Referral.objects.filter(case=case, service=language_school, status="sent").exists()

    # Bochum's coordinator sees the offer but may not change it.
    bochum_coordinator = login_with_mfa(type(client)(), world.people["coordinator_elsewhere"])
    detail = bochum_coordinator.get(reverse("coaching:service_detail", args=[language_school.pk]))
    assert detail.status_code == 200
    assert reverse("coaching:service_edit", args=[language_school.pk]) not in detail.content.decode()
    assert (
        bochum_coordinator.get(reverse("coaching:service_edit", args=[language_school.pk])).status_code == 404
    )


def test_an_offer_not_serving_a_municipality_stays_out_of_reach_there(
    client, world, language_school, neighbour
):
    case_manager, case = neighbour
    bochum = login_with_mfa(client, case_manager)
    assert bochum.get(reverse("coaching:service_detail", args=[language_school.pk])).status_code == 404
    response = bochum.post(
        reverse("coaching:referral_create", args=[case.pk]), {"service": language_school.pk}
    )
    assert response.status_code == 200 and not Referral.objects.filter(case=case).exists()
    with pytest.raises(Exception, match="Einzugsgebiet dieses Angebots"):
        services.referral_create(case=case, service=language_school, actor=case_manager)


def test_the_own_municipality_is_never_listed_as_served(world, language_school, other_municipality):
    directory_services.service_update(
        service=language_school, actor=world.coordinator, served_municipalities=[world.municipality]
    )
    assert not language_school.served_municipalities.exists()


def test_the_directory_lists_offers_without_a_query_per_offer(
    client, world, language_school, other_municipality, django_assert_max_num_queries
):

    provider = ServiceOrganisationFactory(municipality=other_municipality, name="Caritas Bochum")
    for i in range(12):
        ServiceFactory(
            organisation=provider, municipality=other_municipality, name=f"Beratung {i}", category="housing"
        ).served_municipalities.set([world.municipality])
    login_with_mfa(client, world.case_manager)
    client.get(reverse("coaching:service_list"))
    with django_assert_max_num_queries(25):
        page = client.get(reverse("coaching:service_list")).content.decode()
    assert page.count("aus Bochum") == 12


def test_closed_case_ends_the_provider_link_across_district_lines(world, language_school, neighbour):
    """The neighbour's referral travels the existing provider link (tests/coaching/test_referral_link.py)."""
    from coaching.referral_selectors import referral_from_answer_token
    from coaching.referral_services import referral_answer_by_provider, referral_answer_token

    case_manager, case = neighbour
    language_school.served_municipalities.set([case.municipality])
    referral = services.referral_create(case=case, service=language_school, actor=case_manager)
    seen = referral_from_answer_token(token=referral_answer_token(referral=referral))
    assert seen.referred_by == f"{case.responsible_organisation.name} (Bochum)"
    answered = referral_answer_by_provider(seen=seen, status="accepted")
    assert answered.status == "accepted"
    case.phase, case.closed_at = CasePhase.CLOSED, timezone.now()
    case.save()
    from organisations.access import NotFound

    with pytest.raises(NotFound):
        referral_from_answer_token(token=referral_answer_token(referral=referral))


def test_a_neighbours_counselling_service_that_serves_the_municipality_is_offered_there(
    world, language_school, other_municipality
):
    """The anti-discrimination counselling a report can be passed to counts the neighbour's service
    that serves the municipality, not only the municipality's own."""
    from coaching.discrimination_selectors import counselling_services

    language_school.category = "anti_discrimination"
    language_school.save(update_fields=["category"])
    assert language_school not in counselling_services(municipality_id=other_municipality.pk)
    directory_services.service_update(
        service=language_school, actor=world.coordinator, served_municipalities=[other_municipality]
    )
    assert list(counselling_services(municipality_id=other_municipality.pk)) == [language_school]
    assert list(counselling_services(municipality_id=world.municipality.pk)) == [language_school]
