"""Issue 23: the minutes of a coordination round as a PDF. They hold what the round's page shows
(members, the agenda's anonymous counts with the page's suppression, the actions with owner,
deadline and status) and nothing of a person of a case; whoever may not open the round's page gets
no minutes either."""

from __future__ import annotations

import base64
import datetime
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates.models import Case
from coaching import barrier_selectors, barrier_services
from tests.clock import TODAY
from tests.factories import BarrierFactory, CaseFactory
from tests.fixtures.users import login_with_mfa

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def pdf_text(content: bytes) -> str:
    """The strings of every page's text operators, decoded as reportlab writes them for its standard
    fonts (WinAnsi with octal escapes: "\\334" is Ü), so German words can be searched as they are."""
    assert content.startswith(b"%PDF")
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        try:
            if data.endswith(b"~>"):
                data = base64.a85decode(data[:-2].replace(b"\n", b"").replace(b"\r", b""))
            text.append(zlib.decompress(data))
        except (ValueError, zlib.error):
            continue
    raw = b"".join(text)
    strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", raw)

    def unescape(s: bytes) -> str:
        s = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), s)
        s = re.sub(rb"\\(.)", rb"\1", s)
        return s.decode("cp1252")

    return " ".join(unescape(s) for s in strings)


@pytest.fixture
def network(world):
    current = barrier_services.round_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        name="Bündniskerngruppe Übergänge",
        kind="core_group",
        members=[world.office],
        next_date=days(20),
    )
    return barrier_services.round_held(
        coordination_round=current, actor=world.coordinator, held_on=days(-30), next_date=days(20)
    )


def _barriers(municipality, day, **counts):
    for c, n in counts.items():
        BarrierFactory.create_batch(n, municipality=municipality, category=c, flagged_on=day)


def _minutes(client, network) -> tuple:
    response = client.get(reverse("coaching:round_minutes_pdf", args=[network.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response, pdf_text(response.content)


def test_the_minutes_hold_the_round_the_agenda_counts_and_the_actions(
    world, network, client, other_municipality
):
    _barriers(world.municipality, days(-40), integration_course_wait=9)  # before the last meeting
    _barriers(
        world.municipality,
        days(-10),
        immigration_office_silent=6,
        recognition_slow=5,
        no_childcare=2,
        housing=7,
    )
    open_action, late, done = (
        barrier_services.round_action_create(
            coordination_round=network,
            actor=world.coordinator,
            text=text,
            owner=world.case_manager,
            deadline=d,
        )
        for text, d in (
            ("Wartezeiten mit dem Träger klären", days(14)),
            ("Gespräch mit der Ausländerbehörde führen", days(-3)),
            ("Kita-Plätze beim Jugendamt erfragen", days(-8)),
        )
    )
    barrier_services.round_action_done(action=done, actor=world.case_manager)

    login_with_mfa(client, world.coordinator)
    page = client.get(reverse("coaching:round_detail", args=[network.pk])).content.decode()
    assert reverse("coaching:round_minutes_pdf", args=[network.pk]) in page and "Protokoll (PDF)" in page
    response, text = _minutes(client, network)

    assert response["Content-Disposition"] == (
        f'attachment; filename="protokoll-bundniskerngruppe-ubergange-{days(-30):%Y-%m-%d}.pdf"'
    )
    assert "Protokoll: Bündniskerngruppe Übergänge" in text
    assert "Bündniskerngruppe (mit Kammern und Jobcenter)" in text and world.municipality.name in text
    assert days(-30).strftime("%d.%m.%Y") in text and days(20).strftime("%d.%m.%Y") in text
    assert "Integrationsmanagement Dortmund" in text
    # The agenda exactly as the page shows it: the counts since the last meeting (the 9 before it and
    # the other municipality's 8 do not count), the small cells suppressed as on the page.
    agenda = barrier_selectors.round_agenda(coordination_round=network)
    shown = dict(agenda.rows)
    assert (
        shown["kein Kita-Platz"] is None
        and shown["Wohnung"] == 7
        and shown["Wartezeit Integrationskurs"] in (0, None)
    )
    table = text[text.index("Art der Hürde") : text.index("Beschlüsse und Maßnahmen")]
    for label, value in [*agenda.rows, ("gesamt", agenda.total)]:
        cell = re.search(re.escape(label) + r" (\S+)", table).group(1)
        assert cell == ("–" if value is None else str(value)), label
        assert f'<th scope="row">{label}</th><td>{"<abbr" if value is None else value}' in page
    assert " 2 " not in table and " 9 " not in table and " 8 " not in table
    # The actions with owner, deadline and status.
    actions = text[text.index("Beschlüsse und Maßnahmen") :]
    for action, status in ((open_action, "offen"), (late, "überfällig"), (done, "erledigt")):
        row = actions[actions.index(action.text) :]
        assert row.split(action.text, 1)[1].split()[:4] == [
            "Clara",
            "Case",
            action.deadline.strftime("%d.%m.%Y"),
            status,
        ]


def test_a_round_that_never_met_says_so(world, client):
    fresh = barrier_services.round_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        name="Arbeitgeberrunde",
        kind="employers",
        members=[],
    )
    login_with_mfa(client, world.coordinator)
    response, text = _minutes(client, fresh)
    assert "noch nicht getagt" in text and "Noch keine Maßnahme." in text
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="protokoll-arbeitgeberrunde-{TODAY:%Y-%m-%d}.pdf"'
    )


def test_no_person_of_a_case_reaches_the_minutes(world, network, client):
    """Hostile: barriers flagged from cases of people with distinctive names, notes that try to name
    them (refused) and anonymous notes (kept) — the minutes show counts and the staff's actions only."""
    people = [("Zofia", "Wiśniewska-Okafor"), ("Tarek", "Al-Rashidiyeh"), ("Oksana", "Hrytsenko-Brandt")]
    cases = []
    for first, last in people:
        case = CaseFactory(
            responsible_organisation=world.office,
            candidate__municipality=world.municipality,
            candidate__first_name=first,
            candidate__last_name=last,
            case_manager=world.case_manager,
        )
        cases.append(case)
        for note in (f"{first} {last} wartet", case.candidate.public_ref, f"Fall {case.pk}"):
            with pytest.raises(ValidationError):
                barrier_services.barrier_flag(
                    case=case, actor=world.case_manager, category="recognition_slow", note=note
                )
        for _i in range(2):
            barrier_services.barrier_flag(
                case=case,
                actor=world.case_manager,
                category="recognition_slow",
                note="Bescheid fehlt seit Monaten",
            )
    barrier_services.round_action_create(
        coordination_round=network,
        actor=world.coordinator,
        text="Anerkennungsstelle zur nächsten Runde einladen",
        owner=world.case_manager,
        deadline=days(10),
    )

    login_with_mfa(client, world.coordinator)
    response, text = _minutes(client, network)
    assert re.search(r"Anerkennung dauert 6\b", text) and "Anerkennungsstelle" in text
    raw = response.content.decode("latin-1")
    forbidden = [w for first, last in people for w in (first, last, *last.split("-")) if len(w) > 3]
    forbidden += [c.candidate.public_ref for c in Case.objects.filter(pk__in=[c.pk for c in cases])]
    forbidden += ["Bescheid fehlt", world.candidate.first_name, world.candidate.last_name]
    for word in forbidden:
        assert word not in text and word not in raw, word
    for case in cases:
        assert f"Fall {case.pk}" not in text and f"/cases/{case.pk}/" not in raw


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("case_manager", 200),  # case staff of a member organisation, as on the round's page
        ("coach_other_org", 404),  # case staff of an organisation that is no member
        ("coordinator_elsewhere", 404),
        ("coach_elsewhere", 404),
        ("volunteer", 403),
        ("employer", 403),
        ("chamber", 403),
        ("candidate", 403),
    ],
)
def test_the_minutes_answer_as_the_rounds_page_does(world, network, client, role, status):
    login_with_mfa(client, world.people[role])
    page = client.get(reverse("coaching:round_detail", args=[network.pk]))
    minutes = client.get(reverse("coaching:round_minutes_pdf", args=[network.pk]))
    assert page.status_code == minutes.status_code == status
    if status != 200:
        assert b"%PDF" not in minutes.content


def test_anonymous_is_sent_to_the_login(network, client):
    response = client.get(reverse("coaching:round_minutes_pdf", args=[network.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
