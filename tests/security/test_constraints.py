"""Finding 4 of the trust issue: constraints, not checks.

Uniqueness that matters is a database constraint or a lock, and a double submit is idempotent:
two requests sent at the same moment (a double click, a resent POST) leave one row, and the
second answers like the first. Every race here is real: separate test clients in threads, each
on its own PostgreSQL connection, released together by a barrier, repeated for several rounds.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from candidates import selectors as candidate_selectors
from candidates import services as candidate_services
from candidates.models import (
    LIVE_CONSENT_KEY,
    Candidate,
    CaseNote,
    Consent,
    ConsentScope,
    Goal,
    Language,
    LanguageSkill,
)
from employers import services as employer_services
from employers.models import Introduction, IntroductionStage, Placement
from organisations.models import Membership, Organisation
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import (
    CaseFactory,
    ConsentFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
)
from tests.fixtures.users import login_with_mfa

# "Today" is tests.clock.TODAY, in the test and in the app alike.
pytestmark = pytest.mark.usefixtures("frozen_today")

ROUNDS = 10
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, nothing can race",
)


def _race(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls at the same moment, one thread and one connection each; results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the tests assert on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _clients(user, n: int = 3) -> list[Client]:
    """``n`` browser tabs of one signed-in user (each its own client, session and connection)."""
    return [login_with_mfa(Client(), user) for _ in range(n)]


def _key(html: str) -> str:
    """The form's hidden one-time key, as the browser sends it back (empty if the form has none)."""
    match = re.search(r'name="submission_key" value="([^"]*)"', html)
    return match.group(1) if match else ""


def _statuses(results: list[object]) -> list[int]:
    for r in results:
        if isinstance(r, Exception):
            raise r
    return [r.status_code for r in results]


# --- one live consent per person, scope and recipient ---------------------------------------------


def _listing_grants_from_three_tabs(municipality) -> None:
    user = UserFactory(is_candidate=True)
    candidate = CaseFactory(candidate__municipality=municipality, candidate__user=user).candidate
    tabs = _clients(user)
    for _ in range(ROUNDS):  # grant, revoke, grant again ...
        results = _race(
            [lambda c=c: c.post(reverse("candidates:my_consents"), {"grant": "listing"}) for c in tabs]
        )

        assert _statuses(results) == [302] * len(tabs)
        live = Consent.objects.live().filter(candidate=candidate, scope=ConsentScope.LISTING)
        assert live.count() == 1
        # One revoke — the one the person sees — and nobody lists them any more.
        tabs[0].post(reverse("candidates:consent_revoke", args=[live.get().pk]))
        assert not candidate_selectors.candidate_has_live_consent(
            candidate=candidate, scope=ConsentScope.LISTING
        )


def _paper_grants_by_staff(case_manager_team) -> None:
    manager = case_manager_team.own
    receiving = case_manager_team.other_organisation
    candidate = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        case_manager=manager,
    ).candidate
    url = reverse("candidates:consents", args=[candidate.pk])
    form = {
        "scope": "case_data",
        "recipient_organisation": receiving.pk,
        "granted_on": TODAY.isoformat(),
        "paper_form_reference": "Ordner 3, Blatt 7",
    }
    tabs = _clients(manager)
    for _ in range(ROUNDS):
        results = _race([lambda c=c: c.post(url, form) for c in tabs])

        assert _statuses(results) == [302] * len(tabs)
        live = Consent.objects.live().filter(candidate=candidate, scope=ConsentScope.CASE_DATA)
        assert live.count() == 1
        tabs[0].post(reverse("candidates:consent_revoke", args=[live.get().pk]))
        assert not candidate_selectors.candidate_has_live_consent(
            candidate=candidate, scope=ConsentScope.CASE_DATA, organisation=receiving
        )


def _grants_through_the_service(make_member, municipality) -> None:
    volunteer = make_member(Role.VOLUNTEER)
    coach = make_member(Role.JOB_COACH)
    candidate = CaseFactory(candidate__municipality=municipality).candidate
    granted = AuditEntry.objects.filter(record_id=str(candidate.pk), note="consent granted")
    for n in range(1, ROUNDS + 1):
        results = _race(
            [
                lambda: candidate_services.consent_grant(
                    candidate=candidate,
                    scope=ConsentScope.VOLUNTEER,
                    actor=coach,
                    recipient_user=volunteer,
                    paper_form_reference="EW-1",
                )
                for _ in range(4)
            ]
        )
        assert all(isinstance(r, Consent) for r in results), results
        assert len({r.pk for r in results}) == 1
        assert Consent.objects.live().filter(candidate=candidate).count() == 1
        # One "consent granted" audit entry per round: the repeats changed nothing.
        assert granted.count() == n
        candidate_services.consent_revoke(consent=results[0], actor=coach)


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_consent_for_the_same_recipient(municipality):
    from django.db import IntegrityError, transaction

    candidate = CaseFactory(candidate__municipality=municipality).candidate
    ConsentFactory(candidate=candidate, scope=ConsentScope.LISTING)
    with pytest.raises(IntegrityError), transaction.atomic():
        # The create itself is what is checked (the database's constraint): no factory.
        Consent.objects.create(candidate=candidate, scope=ConsentScope.LISTING, reference="anders")
    assert Consent.objects.filter(candidate=candidate).count() == 1


@pytest.mark.django_db
def test_the_migration_collapses_existing_duplicates_keeping_the_earliest_and_audits(
    municipality, make_member
):
    from django.apps import apps

    migration = importlib.import_module("candidates.migrations.0003_collapse_duplicate_live_consents")
    # Rows as simultaneous grants left them before the constraint: drop its indexes for this test
    # (inside the test's transaction, so they come back with the rollback).
    with connection.cursor() as cursor:
        for scope in LIVE_CONSENT_KEY:
            cursor.execute(f'DROP INDEX "consent_one_live_{scope}"')
    candidate = CaseFactory(candidate__municipality=municipality).candidate
    employer = make_member(Role.EMPLOYER).memberships.get().organisation
    now = timezone.now()

    def grant(scope, days_ago, **fields):
        return ConsentFactory(
            candidate=candidate, scope=scope, granted_at=now - timedelta(days=days_ago), **fields
        )

    earliest = grant("listing", 3)
    later = [grant("listing", 2, reference="Formular B"), grant("listing", 1)]
    old_revoked = grant("listing", 9, revoked_at=now - timedelta(days=8))
    # Contact grants for two introductions are two keys, not duplicates.
    contacts = [
        grant("contact", 1, recipient_organisation=employer, reference=f"introduction:{n}") for n in (1, 2)
    ]
    contact_twice = grant("contact", 0, recipient_organisation=employer, reference="introduction:2")

    assert migration.collapse_duplicate_live_consents(apps, None) == 3

    live = Consent.objects.live().filter(candidate=candidate)
    assert set(live.values_list("pk", flat=True)) == {earliest.pk, *(c.pk for c in contacts)}
    for row in [*later, contact_twice]:
        row.refresh_from_db()
        assert row.revoked_at is not None and row.revoked_at >= row.granted_at
    old_revoked.refresh_from_db()
    assert old_revoked.revoked_at == now - timedelta(days=8)  # untouched
    notes = set(
        AuditEntry.objects.filter(record_id=str(candidate.pk), municipality_id=municipality.pk).values_list(
            "note", flat=True
        )
    )
    assert {f"duplicate live consent #{r.pk} revoked, #{earliest.pk} kept" for r in later} <= notes
    assert f"duplicate live consent #{contact_twice.pk} revoked, #{contacts[1].pk} kept" in notes


# --- one intake, one case note, one placement per submitted form ----------------------------------


INTAKE = {
    "birth_date": "1990-05-17",
    "gender": "female",
    "postcode": "44135",
    "city": "Dortmund",
    "legal_circle": "sgb2",
    "preferences_own_words": "Ich koche gern.",
}


# Names far enough apart that the intake's fuzzy duplicate warning stays quiet between rounds.
PEOPLE = [
    ("Amina", "Haddad"),
    ("Oleksandr", "Kovalenko"),
    ("Fatemeh", "Rahimi"),
    ("Yonas", "Tesfaye"),
    ("Daria", "Bondarenko"),
    ("Ahmad", "Karimi"),
    ("Samira", "Nouri"),
    ("Mehmet", "Yilmaz"),
    ("Hiba", "Saleh"),
    ("Tigist", "Alemu"),
    ("Bashir", "Ogundipe"),
    ("Zainab", "Wardak"),
]


def _intake(case_manager_team) -> None:
    tabs = _clients(case_manager_team.own)
    for first, last in PEOPLE[:ROUNDS]:
        key = _key(tabs[0].get(reverse("candidates:create")).content.decode())
        form = {
            **INTAKE,
            "first_name": first,
            "last_name": last,
            "submission_key": key,
            "responsible_organisation": case_manager_team.organisation.pk,
        }

        results = _race([lambda c=c, form=form: c.post(reverse("candidates:create"), form) for c in tabs])

        assert _statuses(results) == [302] * len(tabs)
        person = Candidate.objects.get(last_name=last)
        assert {r["Location"] for r in results} == {reverse("candidates:detail", args=[person.pk])}
        assert person.cases.count() == 1
        # Resent later (the browser's "submit again?"): the same answer, still one person.
        again = tabs[0].post(reverse("candidates:create"), form)
        assert again.status_code == 302 and again["Location"] == reverse(
            "candidates:detail", args=[person.pk]
        )
        assert Candidate.objects.filter(last_name=last).count() == 1


def _case_note(case_manager_team) -> None:
    manager = case_manager_team.own
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        case_manager=manager,
    )
    tabs = _clients(manager)
    for n in range(ROUNDS):
        key = _key(tabs[0].get(reverse("candidates:case_detail", args=[case.pk])).content.decode())
        form = {"text": f"Termin beim Jobcenter wahrgenommen ({n})", "submission_key": key}

        results = _race(
            [
                lambda c=c, form=form: c.post(reverse("candidates:note_add", args=[case.pk]), form)
                for c in tabs
            ]
        )

        assert _statuses(results) == [302] * len(tabs)
        assert {r["Location"] for r in results} == {reverse("candidates:case_detail", args=[case.pk])}
        assert CaseNote.objects.filter(case=case, text=form["text"]).count() == 1
    assert CaseNote.objects.filter(case=case).count() == ROUNDS


def _goals_and_steps(case_manager_team) -> None:
    manager = case_manager_team.own
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        case_manager=manager,
    )
    tabs = _clients(manager, 2)
    for n in range(ROUNDS):
        key = _key(tabs[0].get(reverse("candidates:case_detail", args=[case.pk])).content.decode())
        goal_form = {"title": f"B1-Zertifikat ({n})", "submission_key": key}
        url = reverse("candidates:goal_add", args=[case.pk])
        assert _statuses(_race([lambda c=c, f=goal_form, u=url: c.post(u, f) for c in tabs])) == [302, 302]
        goal = Goal.objects.get(case=case, title=goal_form["title"])

        step_form = {"title": "Anmeldung zum Kurs", "submission_key": key}
        url = reverse("candidates:step_add", args=[case.pk, goal.pk])
        assert _statuses(_race([lambda c=c, f=step_form, u=url: c.post(u, f) for c in tabs])) == [302, 302]
        assert goal.steps.count() == 1


def _placement_form(taxonomy, key: str, title: str) -> dict:
    return {
        "title": title,
        "kind": "ausbildung",
        "occupation_uri": taxonomy.cook.uri,
        "skill_ids": [taxonomy.skills[0].pk],
        "min_german_spoken": "A2",
        "postcode": "44137",
        "city": "Dortmund",
        "hours_per_week": "39",
        "start_date": (TODAY + timedelta(days=30)).isoformat(),
        "openings": "2",
        "status": "open",
        "description": "",
        "submission_key": key,
    }


def _placement(employer_team, taxonomy) -> None:
    make_profile(employer_team.organisation)
    tabs = _clients(employer_team.own)
    for n in range(ROUNDS):
        key = _key(tabs[0].get(reverse("employers:placement_create")).content.decode())
        form = _placement_form(taxonomy, key, f"Koch (m/w/d) {n}")

        results = _race(
            [lambda c=c, form=form: c.post(reverse("employers:placement_create"), form) for c in tabs]
        )

        assert _statuses(results) == [302] * len(tabs)
        placement = Placement.objects.get(title=form["title"])
        assert {r["Location"] for r in results} == {
            reverse("employers:placement_detail", args=[placement.pk])
        }


def _selection(employer_team, taxonomy) -> None:
    """An employer's "ask this person" sent twice: one introduction, one notification round."""
    placement = make_placement(make_profile(employer_team.organisation), taxonomy.cook, openings=ROUNDS)
    for _ in range(ROUNDS):
        candidate = make_candidate(employer_team.municipality, occupation=taxonomy.cook)
        results = _race(
            [
                lambda candidate=candidate: employer_services.introduction_select(
                    placement=placement, candidate=candidate, actor=employer_team.own
                )
                for _ in range(3)
            ]
        )
        assert all(isinstance(r, Introduction) for r in results), results
        assert len({r.pk for r in results}) == 1
        assert IntroductionStage.objects.filter(introduction__candidate=candidate).count() == 1


def _language(case_manager_team) -> None:
    """Not a duplicate but a 500 before: two posts of the same language at once."""
    candidate = CaseFactory(candidate__municipality=case_manager_team.municipality).candidate
    for n in range(ROUNDS):
        language = Language.values[n]
        results = _race(
            [
                lambda level=level, language=language: candidate_services.language_set(
                    candidate=candidate, actor=case_manager_team.own, language=language, spoken=level
                )
                for level in ("A2", "B1", "B2")
            ]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        assert LanguageSkill.objects.filter(candidate=candidate, language=language).count() == 1


# --- one employer organisation per registering user -----------------------------------------------


def _registration(municipality, name: str) -> dict:
    return {
        "name": name,
        "municipality": municipality.pk,
        "street": "Markt 3",
        "postcode": "44135",
        "city": "Dortmund",
        "sector": "handwerk",
        "size": "10-49",
        "contact_name": "Petra Sonnenschein",
        "contact_email": "petra@baeckerei.example",
        "contact_phone": "0231 1234",
    }


def _one_form_from_three_tabs(municipality) -> None:
    for n in range(ROUNDS):
        owner = UserFactory()
        tabs = _clients(owner, 2)
        form = _registration(municipality, f"Bäckerei Sonnenschein {n}")

        results = _race([lambda c=c, form=form: c.post(reverse("employers:register"), form) for c in tabs])

        assert _statuses(results) == [302] * len(tabs)
        assert {r["Location"] for r in results} == {reverse("employers:home")}
        assert Membership.objects.filter(user=owner).count() == 1
        assert Organisation.objects.filter(name=form["name"]).count() == 1


def _two_businesses_by_one_user(municipality) -> None:
    for n in range(ROUNDS):
        owner = UserFactory()
        tabs = _clients(owner, 2)
        forms = [_registration(municipality, f"Bäckerei {n}-{i}") for i in range(2)]

        results = _race(
            [
                lambda c=c, f=f: c.post(reverse("employers:register"), f)
                for c, f in zip(tabs, forms, strict=True)
            ]
        )

        assert all(s in (200, 302) for s in _statuses(results))
        assert Membership.objects.filter(user=owner).count() == 1
        assert Organisation.objects.filter(memberships__user=owner).count() == 1


def _two_businesses_racing_for_one_name(municipality) -> None:
    for n in range(ROUNDS):
        owners = [UserFactory(), UserFactory()]
        tabs = [login_with_mfa(Client(), o) for o in owners]
        # The same name, once in other letter case: the name check ignores case, so must the race.
        forms = [
            _registration(municipality, f"Metzgerei Kaya {n}"),
            _registration(municipality, f"METZGEREI KAYA {n}"),
        ]

        results = _race(
            [
                lambda c=c, f=f: c.post(reverse("employers:register"), f)
                for c, f in zip(tabs, forms, strict=True)
            ]
        )

        assert sorted(_statuses(results)) == [200, 302]  # one registered, one told why not; no 500
        assert Organisation.objects.filter(name__iexact=f"Metzgerei Kaya {n}").count() == 1
        refused = results[[r.status_code for r in results].index(200)]
        assert "schon registriert" in refused.content.decode()


# --- the tests: one transactional test per class of race (each flush of the database costs seconds) -


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_simultaneous_grants_leave_one_live_consent_and_one_revoke_ends_it(
    municipality, case_manager_team, make_member
):
    _listing_grants_from_three_tabs(municipality)
    _paper_grants_by_staff(case_manager_team)
    _grants_through_the_service(make_member, municipality)


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_double_submitted_forms_save_once_and_answer_alike(case_manager_team, employer_team, cook_taxonomy):  # noqa: F811
    _intake(case_manager_team)
    _case_note(case_manager_team)
    _goals_and_steps(case_manager_team)
    _placement(employer_team, cook_taxonomy)
    _selection(employer_team, cook_taxonomy)
    _language(case_manager_team)


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_simultaneous_registrations_make_one_organisation_and_never_a_500(municipality):
    _one_form_from_three_tabs(municipality)
    _two_businesses_by_one_user(municipality)
    _two_businesses_racing_for_one_name(municipality)


@pytest.mark.django_db
def test_a_form_key_counts_only_for_its_author_and_a_tampered_key_is_no_error(case_manager_team):
    organisation = case_manager_team.organisation
    own, colleague = (
        login_with_mfa(Client(), case_manager_team.own),
        login_with_mfa(Client(), case_manager_team.colleague),
    )
    key = _key(own.get(reverse("candidates:create")).content.decode())
    form = {
        **INTAKE,
        "first_name": "Amina",
        "last_name": "Haddad",
        "responsible_organisation": organisation.pk,
    }
    mine = own.post(reverse("candidates:create"), {**form, "submission_key": key})
    person = Candidate.objects.get(last_name="Haddad")
    assert mine["Location"] == reverse("candidates:detail", args=[person.pk])

    # A colleague who sends the same key makes their own intake (after the duplicate warning), never
    # lands on someone else's person through it.
    theirs = colleague.post(
        reverse("candidates:create"), {**form, "last_name": "Nouri", "submission_key": key}
    )
    assert theirs.status_code == 302
    assert theirs["Location"] == reverse(
        "candidates:detail", args=[Candidate.objects.get(last_name="Nouri").pk]
    )
    for tampered in ("kein-schlüssel", "' OR 1=1 --", "1" * 500):
        response = own.post(
            reverse("candidates:create"),
            {
                **form,
                "first_name": "Yonas",
                "last_name": "Tesfaye",
                "submission_key": tampered,
                "confirm_duplicate": "on",
            },
        )
        assert response.status_code in (200, 302)
    # Each tampered post was its own submission (no key, no de-duplication) — and none failed.
    assert Candidate.objects.filter(last_name="Tesfaye").count() == 3
