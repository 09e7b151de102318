"""A review's attacks on the kept matches page and the kept monitoring dashboard
(organisations.kept_page): each test would fail if a kept page showed something stale, showed one
person's page to another, skipped the audit of the cards shown, grew without bound or failed
(500) while the database or Redis is away. A test that passes documents a defence."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from candidates.models import Consent, ConsentScope
from candidates.services import consent_revoke
from employers import selectors, services, views
from employers.models import Placement, ShortlistEntry
from matching.models import RerankerModel
from matching.services import taxonomy_index_invalidate
from monitoring import services as monitoring_services
from monitoring import views as monitoring_views
from organisations import kept_page
from organisations.models import Membership, Organisation, VerificationStatus
from privacy.models import AuditEntry
from tests.factories import make_candidate
from tests.fixtures.users import login_with_mfa
from tests.monitoring.test_fragment_cache import _phase_total
from tests.monitoring.world import build_world, forget_dashboards, populate
from tests.organisations.helpers import drawings, kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL"),
]

DASHBOARD = "/app/monitoring/"


# --- fixtures (those of tests/monitoring are not visible here) -----------------------------------


@pytest.fixture
def draws(monkeypatch) -> list[int]:
    """How often the matches page was drawn (not served kept)."""
    return drawings(monkeypatch, views, "_placement_matches")


@pytest.fixture
def dashboard_draws(monkeypatch) -> list[int]:
    return drawings(monkeypatch, monitoring_views, "_dashboard")


@pytest.fixture
def world(municipality, other_municipality, monkeypatch):
    """tests/monitoring's world, with a cache namespace of its own for the dashboards."""
    from monitoring import cache as monitoring_cache

    monkeypatch.setattr(monitoring_cache, "VERSION", monitoring_cache.VERSION)
    forget_dashboards()
    made = build_world(municipality, other_municipality)
    populate(made, 4)
    return made


def _url(placement, **query) -> str:
    url = reverse("employers:placement_matches", args=[placement.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _refs(body: str, cooks) -> set[str]:
    return {c.public_ref for c in cooks if f'name="candidate" value="{c.public_ref}"' in body}


def _scores(body: str) -> list[str]:
    return [part.split(" von 100", 1)[0] for part in body.split("Passung: ")[1:]]


def _matches(body: str) -> str:
    """The match sections without the request's tokens."""
    sections = body[body.index('data-testid="match"') :] if 'data-testid="match"' in body else ""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", sections.split("</main>")[0])


def _own(employer) -> Client:
    return login_with_mfa(Client(), employer.own)


# --- the matches page: stale data ----------------------------------------------------------


def test_an_edited_placement_title_shows_at_once(placement, cooks, employer, draws):
    client = _own(employer)
    assert "Sous-Chef Sonntag" not in kept(client, _url(placement))
    services.placement_update(placement=placement, actor=employer.own, data={"title": "Sous-Chef Sonntag"})
    assert "Sous-Chef Sonntag" in client.get(_url(placement)).content.decode()
    assert len(draws) == 3


def test_an_edited_placement_title_shows_at_once_after_a_bare_update(placement, cooks, employer):
    client = _own(employer)
    kept(client, _url(placement))
    Placement.objects.filter(pk=placement.pk).update(title="Sous-Chef Sonntag")
    assert "Sous-Chef Sonntag" in client.get(_url(placement)).content.decode()


def test_a_bare_card_update_shows_no_later_than_the_matches_kept_time(
    placement, cooks, employer, monkeypatch
):
    """tests/employers/test_matches_kept.py: a write that reaches neither the listing token nor the
    index (a bare UPDATE of a card field) may show late on a matches page kept in the worker's
    memory, never later than its time (selectors.KEPT_SECONDS). A page kept for a returning visit
    drawn from that memory must not stretch that time by its own (kept_page.MAX_AGE)."""
    from candidates.models import Candidate

    client = _own(employer)
    assert "20–31" not in kept(client, _url(placement))  # drawn from the worker's kept matches
    Candidate.objects.filter(pk=cooks[0].pk).update(hours_per_week_max=31)
    monkeypatch.setattr(selectors, "KEPT_SECONDS", 0)  # the kept matches' time is up
    assert "20–31" in client.get(_url(placement)).content.decode()


def test_an_edited_placement_skill_list_shows_at_once(placement, cooks, employer, cook_taxonomy):
    client = _own(employer)
    before = _matches(kept(client, _url(placement)))
    skills = cook_taxonomy.skills
    services.placement_update(
        placement=placement, actor=employer.own, data={}, skills=[(skills[3], "essential")]
    )
    served = _matches(client.get(_url(placement)).content.decode())
    kept_page.forget_pages()
    drawn = _matches(client.get(_url(placement)).content.decode())
    assert served == drawn != before


def test_a_removed_shortlist_entry_leaves_the_kept_page_at_once(placement, cooks, employer):
    services.shortlist_add(placement=placement, candidate=cooks[1], actor=employer.own, note="Probearbeit")
    client = _own(employer)
    assert 'value="Probearbeit"' in kept(client, _url(placement))
    services.shortlist_remove(entry=ShortlistEntry.objects.get(placement=placement), actor=employer.own)
    assert 'value="Probearbeit"' not in client.get(_url(placement)).content.decode()


def test_a_newly_listed_person_shows_at_once(
    placement, cooks, employer, municipality, cook_taxonomy, django_capture_on_commit_callbacks
):
    client = _own(employer)
    assert kept(client, _url(placement)).count('data-testid="match"') == 4
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = make_candidate(
            municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2]
        )
    body = client.get(_url(placement)).content.decode()
    assert body.count('data-testid="match"') == 5 and newcomer.public_ref in body


def test_an_activated_reranker_reorders_the_kept_page_at_once(placement, cooks, employer, draws):
    from matching.engine import rerank

    client = _own(employer)
    before = _scores(kept(client, _url(placement)))
    RerankerModel.objects.create(
        version=1,
        features=list(rerank.FEATURES),
        coefficients=[-5.0] * len(rerank.FEATURES),
        intercept=-10.0,
        samples=100,
        positives=20,
        auc=0.8,
    )
    after = _scores(client.get(_url(placement)).content.decode())
    assert len(draws) == 3
    assert after != before  # half base score, half the (now near zero) learned likelihood


def test_a_reloaded_taxonomy_draws_anew_and_keeps_again(placement, cooks, employer, draws):
    client = _own(employer)
    kept(client, _url(placement))
    taxonomy_index_invalidate()
    client.get(_url(placement))  # the ESCO index is built again: not kept
    client.get(_url(placement))  # found built: kept
    client.get(_url(placement))  # served kept
    assert len(draws) == 4


def test_a_revocation_on_page_one_shifts_a_kept_page_two(placement, cooks, employer, coach, monkeypatch):
    monkeypatch.setitem(selectors.placement_matches.__kwdefaults__, "per_page", 2)
    client = _own(employer)
    first = client.get(_url(placement)).content.decode()
    second = kept(client, _url(placement, seite=2))
    on_first = _refs(first, cooks)
    assert len(on_first) == 2 and len(_refs(second, cooks)) == 2
    gone = next(c for c in cooks if c.public_ref in on_first)
    consent_revoke(consent=Consent.objects.get(candidate=gone, scope=ConsentScope.LISTING), actor=coach)
    body = client.get(_url(placement, seite=2)).content.decode()
    assert body.count('data-testid="match"') == 1
    assert "Seite 2 von 2" in body


def test_each_page_number_is_a_page_of_its_own(placement, cooks, employer, monkeypatch):
    monkeypatch.setitem(selectors.placement_matches.__kwdefaults__, "per_page", 2)
    client = _own(employer)
    one = _refs(kept(client, _url(placement, seite=1)), cooks)
    two = _refs(kept(client, _url(placement, seite=2)), cooks)
    assert one and two and not one & two
    assert _refs(client.get(_url(placement, seite=1)).content.decode(), cooks) == one
    assert _refs(client.get(_url(placement, seite="x")).content.decode(), cooks) == one  # not an integer
    assert _refs(client.get(_url(placement, seite=99)).content.decode(), cooks) == two  # past the end


def test_a_filter_never_serves_the_unfiltered_page_nor_the_other_way(placement, cooks, employer):
    client = _own(employer)
    assert 'data-testid="filtered-count"' not in kept(client, _url(placement))
    narrowed = kept(client, _url(placement, german="C2"))
    assert narrowed.count('data-testid="match"') == 0 and 'data-testid="filter-empty"' in narrowed
    whole = client.get(_url(placement)).content.decode()
    assert whole.count('data-testid="match"') == 4 and 'data-testid="filtered-count"' not in whole


def test_an_invalid_filter_shows_its_error_and_leaves_the_other_pages_alone(placement, cooks, employer):
    client = _own(employer)
    kept(client, _url(placement))
    wrong = kept(client, _url(placement, german="Z9", available_by="gestern"))
    assert "Bitte ein Niveau von A1 bis C2 auswählen." in wrong
    assert "Bitte ein gültiges Datum angeben" in wrong
    assert wrong.count('data-testid="match"') == 4  # a field with an error narrows nothing
    whole = client.get(_url(placement)).content.decode()
    assert "Bitte ein Niveau" not in whole and "gültiges Datum" not in whole


def test_a_language_switch_shows_the_page_in_that_language(placement, cooks, employer):
    client = _own(employer)
    german_url = _url(placement)
    german = kept(client, german_url)
    with translation.override("en"):
        english_url = _url(placement)
    assert english_url.startswith("/en/")
    english = kept(client, english_url)
    assert 'lang="en"' in english and 'lang="de"' in german
    back = client.get(german_url).content.decode()
    assert 'lang="de"' in back and "Passung: " in back


# --- the matches page: whose page ------------------------------------------------------------


def test_an_ended_membership_ends_the_kept_page_at_once(placement, cooks, employer):
    client = _own(employer)
    kept(client, _url(placement))
    Membership.objects.filter(user=employer.own).update(is_active=False)  # a bare UPDATE too
    assert client.get(_url(placement)).status_code in (403, 404)


def test_a_revoked_verification_ends_the_kept_page_at_once(placement, cooks, employer):
    client = _own(employer)
    kept(client, _url(placement))
    Organisation.objects.filter(pk=employer.organisation.pk).update(
        verification_status=VerificationStatus.PENDING
    )
    assert client.get(_url(placement)).status_code in (403, 404)


def test_a_case_manager_of_the_municipality_never_gets_the_employers_page(placement, cooks, employer, coach):
    kept(_own(employer), _url(placement))
    staff = login_with_mfa(Client(), coach)
    assert [staff.get(_url(placement)).status_code for _ in range(3)] in ([403] * 3, [404] * 3)


def test_a_second_role_of_the_same_person_is_a_key_of_its_own(
    placement, cooks, employer, municipality, draws
):
    """A person who is also a coordinator is the same user row: the memberships tell them apart."""
    from tests.factories import MembershipFactory, OrganisationFactory

    client = _own(employer)
    kept(client, _url(placement))
    office = OrganisationFactory(municipality=municipality, kind="municipality_office")
    MembershipFactory(user=employer.own, organisation=office, role=Role.COORDINATOR)
    client.get(_url(placement))
    assert len(draws) == 3  # drawn: the page kept under the first memberships is not served


# --- the matches page: the audit --------------------------------------------------------------


def _card_views(user) -> int:
    return AuditEntry.objects.filter(actor_id=user.pk, record_type="candidates.candidate").count()


def test_every_serve_of_a_kept_page_audits_the_cards_for_whoever_sees_them(placement, cooks, employer):
    from privacy.services import audit_views_forget

    client = _own(employer)
    kept(client, _url(placement))
    assert _card_views(employer.own) == 4
    # The day's entries gone (another worker's memo, a retention run): the next serve writes them.
    AuditEntry.objects.filter(actor_id=employer.own.pk).delete()
    audit_views_forget()
    client.get(_url(placement))
    assert _card_views(employer.own) == 4
    colleague = login_with_mfa(Client(), employer.colleague)
    kept(colleague, _url(placement))
    assert _card_views(employer.colleague) == 4


def test_a_kept_page_served_after_midnight_is_audited_on_the_new_day(
    placement, cooks, employer, time_machine
):
    from tests.clock import TODAY, berlin

    time_machine.move_to(berlin(TODAY).replace(hour=23, minute=50), tick=False)
    client = _own(employer)
    kept(client, _url(placement))
    time_machine.move_to(berlin(TODAY).replace(hour=23, minute=50) + timedelta(minutes=20), tick=False)
    assert client.get(_url(placement)).status_code == 200
    days = set(
        AuditEntry.objects.filter(actor_id=employer.own.pk).values_list("at__date", flat=True).distinct()
    )
    assert len(days) == 2


# --- the matches page: outages -----------------------------------------------------------------


def test_a_database_lost_during_the_check_is_the_outage_page_not_a_500(
    placement, cooks, employer, monkeypatch
):
    client = _own(employer)
    kept(client, _url(placement))

    def lost(statements):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(kept_page, "_digest", lost)
    client.raise_request_exception = False
    assert client.get(_url(placement)).status_code == 503
    monkeypatch.undo()
    client.raise_request_exception = True
    assert client.get(_url(placement)).status_code == 200


def test_redis_lost_during_the_check_draws_the_page_and_never_fails(placement, cooks, employer, draws):
    from config import cache as config_cache

    client = _own(employer)
    kept(client, _url(placement))
    backend = caches["default"]
    location = getattr(backend, "_location", None)
    if location is None:
        pytest.skip("no Redis cache configured")
    config_cache._down_until[location] = time.monotonic() + 60  # the stand-in answers
    try:
        bodies = [client.get(_url(placement)) for _ in range(3)]
        assert [b.status_code for b in bodies] == [200] * 3
        assert all(b.content.decode().count('data-testid="match"') == 4 for b in bodies)
    finally:
        config_cache._down_until.pop(location, None)
    assert client.get(_url(placement)).content.decode().count('data-testid="match"') == 4


# --- memory -----------------------------------------------------------------------------------


def test_junk_addresses_asked_twice_stay_within_the_workers_pages(placement, cooks, employer, monkeypatch):
    monkeypatch.setattr(kept_page, "KEPT", 5)
    client = _own(employer)
    for n in range(9):  # each address asked for twice: a first visit, then a drawing kept
        client.get(_url(placement, junk=n))
        client.get(_url(placement, junk=n))
    assert len(kept_page._pages) == 5  # the least recently served went first
    assert kept_page._bytes == sum(p.size for p in kept_page._pages.values())


def test_what_a_kept_page_holds_besides_its_content_is_small(placement, cooks, employer):
    """The budget counts the pages' content only: what else a page holds (its statements and their
    parameters) must be small beside it."""
    client = _own(employer)
    kept(client, _url(placement))
    (page,) = kept_page._pages.values()
    held = sum(len(repr(params)) for _sql, params in page.statements)
    assert held < len(page.content) / 4


# --- the dashboard ----------------------------------------------------------------------------


def _coordinator(world) -> Client:
    return login_with_mfa(Client(), world["coordinator"])


def test_a_refresh_shows_new_figures_on_every_later_visit(world, dashboard_draws):
    client = _coordinator(world)
    first = _phase_total(kept(client, DASHBOARD))
    populate(world, 3)
    answer = client.post(reverse("monitoring:refresh"), follow=True)  # the message: drawn
    assert _phase_total(answer.content.decode()) == first + 3
    assert [_phase_total(client.get(DASHBOARD).content.decode()) for _ in range(2)] == [first + 3] * 2


def _english_dashboard() -> str:
    with translation.override("en"):
        return reverse("monitoring:dashboard")


@pytest.mark.parametrize(
    "url", [_english_dashboard, lambda: f"{DASHBOARD}?legal_circle=sgb2"], ids=["in English", "filtered"]
)
def test_a_saved_target_shows_at_once_in_every_language_and_filter(world, url):
    """A target saved from the German default view shows at once on the English and on a filtered
    dashboard: the municipality's targets are part of the cached computation's key (before, only the
    default view in the saving request's language was computed anew; the others kept the old target
    for up to an hour, kept page or not)."""
    client = _coordinator(world)
    assert '"target": 33' not in kept(client, url())
    with translation.override("de"):
        monitoring_services.monitoring_settings_save(
            actor=world["coordinator"],
            municipality_id=world.municipality.pk,
            comparison_opt_in=False,
            target_cases_per_case_manager=33,
            target_cases_per_coach=20,
        )
    assert '"target": 33' in client.get(url()).content.decode()


def test_a_coordinators_office_moved_to_another_municipality_shows_that_municipality(
    world, other_municipality
):
    client = _coordinator(world)
    assert _phase_total(kept(client, DASHBOARD)) >= 4
    Organisation.objects.filter(memberships__user=world["coordinator"]).update(
        municipality=other_municipality
    )
    assert _phase_total(client.get(DASHBOARD).content.decode()) == 0


def test_an_invalid_filter_is_never_kept_nor_shown_on_the_dashboard(world, dashboard_draws):
    client = _coordinator(world)
    kept(client, DASHBOARD)
    wrong = [client.get(f"{DASHBOARD}?start=gestern").status_code for _ in range(3)]
    assert wrong == [400] * 3
    assert client.get(DASHBOARD).status_code == 200
    assert len(dashboard_draws) == 5


def test_a_team_lead_of_the_municipality_never_gets_the_coordinators_dashboard(world):
    coordinator = _coordinator(world)
    page = kept(coordinator, DASHBOARD)
    lead = login_with_mfa(Client(), world["lead"])
    answers = [lead.get(DASHBOARD) for _ in range(3)]
    assert all(a.content.decode() != page for a in answers)
    for other in ("volunteer", "employer", "candidate"):
        client = login_with_mfa(Client(), world[other])
        assert [client.get(DASHBOARD).status_code for _ in range(3)] == [403] * 3


def test_redis_lost_during_the_dashboards_check_never_fails(world, dashboard_draws):
    from config import cache as config_cache

    client = _coordinator(world)
    total = _phase_total(kept(client, DASHBOARD))
    location = getattr(caches["default"], "_location", None)
    if location is None:
        pytest.skip("no Redis cache configured")
    config_cache._down_until[location] = time.monotonic() + 60
    try:
        answers = [client.get(DASHBOARD) for _ in range(3)]
        assert [a.status_code for a in answers] == [200] * 3
        assert all(_phase_total(a.content.decode()) == total for a in answers)
    finally:
        config_cache._down_until.pop(location, None)
    assert _phase_total(client.get(DASHBOARD).content.decode()) == total


def test_a_database_lost_during_the_dashboards_check_is_the_outage_page(world, monkeypatch):
    client = _coordinator(world)
    kept(client, DASHBOARD)

    def lost(statements):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(kept_page, "_digest", lost)
    client.raise_request_exception = False
    assert client.get(DASHBOARD).status_code == 503
