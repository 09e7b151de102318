"""Issue 23, first slice: systemic barriers flagged from a case, counted for the coordinator.

Nothing that is stored, shown or sent leads back to the person or the case: the row has no link to
either, a note with the person's name or the case's reference is refused with a form error (the
input kept), and the coordinator's counts suppress small cells like the monitoring comparison.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import models
from django.urls import reverse
from django.utils.html import escape

from coaching import barrier_selectors
from coaching.models import Barrier
from notifications.models import Notification
from tests.factories import BarrierFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world):
    candidate = world.candidate
    candidate.first_name, candidate.last_name = "Amina", "Haddad-Saleh"
    candidate.save(update_fields=["first_name", "last_name"])
    return world


def _flag(client, world, **data):
    return client.post(reverse("coaching:barrier_create", args=[world.case.pk]), data)


def test_the_case_page_offers_hürde_melden_and_two_clicks_store_it_without_the_person(named, client):
    world = named
    login_with_mfa(client, world.case_manager)
    case_page = client.get(reverse("candidates:case_detail", args=[world.case.pk])).content.decode()
    url = reverse("coaching:barrier_create", args=[world.case.pk])
    assert f'href="{url}"' in case_page and "Hürde melden" in case_page

    response = _flag(client, world, category="no_childcare", note="  Kein  U3-Platz im Stadtteil ")

    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:case_detail", args=[world.case.pk])
    barrier = Barrier.objects.get()
    assert barrier.municipality == world.municipality
    assert barrier.organisation == world.office  # the organisation the case manager works for
    assert barrier.category == "no_childcare" and barrier.note == "Kein U3-Platz im Stadtteil"
    # The coordinator is told (the category only) and finds it from the notice.
    notice = Notification.objects.get(recipient=world.coordinator)
    assert notice.url_name == "coaching:barrier_overview" and notice.params == {"category": "no_childcare"}


def test_the_barrier_row_has_no_way_back_to_the_case_the_person_or_the_member_of_staff():
    related = {f.related_model._meta.label for f in Barrier._meta.get_fields() if f.is_relation}
    assert related == {"organisations.Municipality", "organisations.Organisation"}
    # The day only: no time to line up with the audit trail of the case page.
    assert isinstance(Barrier._meta.get_field("flagged_on"), models.DateField)
    assert not isinstance(Barrier._meta.get_field("flagged_on"), models.DateTimeField)


REFUSED = [
    ("Frau amina wartet seit Monaten", "den Namen der Klient*in"),
    ("HADDAD-SALEH: kein Kurs", "den Namen der Klient*in"),
    ("Familie Saleh ohne Kita", "den Namen der Klient*in"),
    ("siehe Fall {pk}", "die Nummer des Falls oder die Referenz"),
    ("Referenz {ref} – Kurs voll", "die Nummer des Falls oder die Referenz"),
    ("Rückruf unter 0231 555 123", "Telefon- oder Aktennummer"),
    ("Kontakt amina.h@example.org", "den Namen der Klient*in"),
    ("Kontakt info@example.org", "E-Mail-Adresse"),
    ("Termin am 12.03.2026 abgesagt", "ein Datum"),
]


def test_a_note_with_the_persons_name_or_references_is_refused_and_kept(named, client):
    world = named
    login_with_mfa(client, world.case_manager)
    for note, error in REFUSED:
        note = note.format(pk=world.case.pk, ref=world.candidate.public_ref)

        response = _flag(client, world, category="recognition_slow", note=note)

        html = response.content.decode()
        assert response.status_code == 400, note
        assert error in html.replace("&#x27;", "'"), note
        assert 'recognition_slow" selected' in html  # the choice is kept
        assert escape(note) in html  # and so is the note, to be corrected
    assert Barrier.objects.count() == 0
    assert not Notification.objects.filter(kind="coaching.barrier_flagged").exists()


def test_a_note_without_personal_data_may_mention_numbers_of_months(named, client):
    login_with_mfa(client, named.case_manager)
    response = _flag(
        client, named, category="integration_course_wait", note="Wartezeit 5 Monate, 3 Kurse voll"
    )
    assert response.status_code == 302
    assert Barrier.objects.get().note == "Wartezeit 5 Monate, 3 Kurse voll"


def test_flagging_needs_a_category(named, client):
    login_with_mfa(client, named.case_manager)
    response = _flag(client, named, category="", note="")
    assert response.status_code == 400 and Barrier.objects.count() == 0


def _barriers(municipality, day: datetime.date, **counts):
    for category, n in counts.items():
        for i in range(n):
            BarrierFactory(
                municipality=municipality, category=category, flagged_on=day, note=f"{category} {i}"
            )


def test_the_coordinator_sees_counts_by_category_and_period_with_small_cells_suppressed(
    world, client, other_municipality
):
    january, february = datetime.date(2026, 1, 14), datetime.date(2026, 2, 3)
    _barriers(world.municipality, january, integration_course_wait=7, recognition_slow=6, no_childcare=2)
    _barriers(world.municipality, february, integration_course_wait=5)
    _barriers(other_municipality, january, housing=9)  # not theirs

    months = barrier_selectors.barrier_counts(municipality_id=world.municipality.pk, year=2026)
    jan = months.columns[0]
    # 2 is small; 6 is hidden too, so that 2 cannot be worked out from the total 15.
    assert jan.label == "01/2026" and jan.total == 15
    # Secondary suppression takes the smallest cells first (the empty ones), then 6: only 7 shows.
    assert jan.cells == {**dict.fromkeys(jan.cells), "integration_course_wait": 7}
    feb = months.columns[1]
    assert feb.cells["integration_course_wait"] == 5 and feb.cells["housing"] == 0 and feb.total == 5

    quarters = barrier_selectors.barrier_counts(
        municipality_id=world.municipality.pk, year=2026, period=barrier_selectors.QUARTER
    )
    q1 = quarters.columns[0]
    assert [c.label for c in quarters.columns] == [
        "1. Quartal 2026",
        "2. Quartal 2026",
        "3. Quartal 2026",
        "4. Quartal 2026",
    ]
    assert q1.total == 20 and q1.cells["integration_course_wait"] == 12
    assert q1.cells["no_childcare"] is None and q1.cells["recognition_slow"] is None

    login_with_mfa(client, world.coordinator)
    page = client.get(reverse("coaching:barrier_overview"), {"jahr": 2026, "zeitraum": "quarter"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1. Quartal 2026" in html and "<td>12</td>" in html and "<td>20</td>" in html
    assert "<td>9</td>" not in html  # the other municipality's housing barriers
    # Notes only of categories flagged at least five times: not the two childcare notes.
    assert "integration_course_wait 0" in html and "no_childcare" not in html


def test_a_bad_year_or_period_shows_the_current_year(world, client):
    login_with_mfa(client, world.coordinator)
    page = client.get(reverse("coaching:barrier_overview"), {"jahr": "abc", "zeitraum": "x"})
    assert page.status_code == 200 and "Gemeldete Hürden nach Art" in page.content.decode()


def test_the_coordinator_finds_the_network_page_from_the_start_page(world, client):
    login_with_mfa(client, world.coordinator)
    start = client.get("/app/").content.decode()
    assert reverse("coaching:barrier_overview") in start and "Systemische Hürden" in start


def test_nothing_shown_or_sent_about_barriers_carries_the_persons_name_or_case_reference(named, client):
    """Hostile: a case manager tries every way to put the person into a barrier; whatever lands in the
    database, the coordinator's page, the dashboard and the notices holds neither the name, nor the
    reference, nor the case's number."""
    world = named
    login_with_mfa(client, world.case_manager)
    attempts = [
        "Amina",
        "haddad-saleh",
        world.candidate.public_ref,
        f"Fall {world.case.pk}",
        f"Fall-Nr. {world.case.pk}",
        f"#{world.case.pk}",
        "Amina Haddad-Saleh wartet",
    ]
    for note in attempts:
        _flag(client, world, category="immigration_office_silent", note=note)
    for _i in range(5):
        assert (
            _flag(client, world, category="immigration_office_silent", note="Antwort fehlt").status_code
            == 302
        )

    forbidden = ["Amina", "Haddad", "Saleh", world.candidate.public_ref, f"Fall {world.case.pk}"]
    stored = " ".join(f"{b.note} {b.category} {b}" for b in Barrier.objects.all())
    sent = " ".join(str(n.params) for n in Notification.objects.filter(kind="coaching.barrier_flagged"))
    coordinator = login_with_mfa(client.__class__(), world.coordinator)
    shown = coordinator.get(reverse("coaching:barrier_overview")).content.decode()
    shown += coordinator.get(reverse("monitoring:dashboard")).content.decode()
    shown += coordinator.get(reverse("notifications:inbox")).content.decode()
    # The agenda of a round (counts only) and its page, as the coordinator sees them.
    from coaching import barrier_services

    network = barrier_services.round_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        name="Runde",
        kind="core_group",
        members=[],
    )
    agenda = coordinator.get(reverse("coaching:round_detail", args=[network.pk])).content.decode()
    assert "<td>5</td>" in agenda  # the five barriers are on the agenda
    shown += agenda
    assert Barrier.objects.count() == 5 and "Antwort fehlt" in shown
    for text in forbidden:
        for where in (stored, sent, shown):
            assert text.lower() not in where.lower()
