"""`manage.py seed_demo`: the demo municipality, partners, employers, candidates, placements and logins.

Thin on purpose: each module of the demo package seeds one app's data (demo.organisations,
demo.employers, demo.candidates, ...); this command only passes the pieces between them. Idempotent: a second run
refreshes the demo logins and leaves the existing demo data as it is; ``--reset`` rebuilds it.
Needs the ESCO taxonomy (`manage.py load_taxonomy`). Demo only: never run it on a real system.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

import demo.candidates
import demo.cms
import demo.coaching
import demo.employers
import demo.organisations
from accounts.roles import Role
from candidates.models import Candidate, Consent, ConsentScope
from demo.accounts import DEMO_LOGINS, DEMO_PASSWORD
from employers.models import EmployerProfile, Placement, PlacementStatus
from organisations.models import Organisation

SEED = 2026


class Command(BaseCommand):
    help = "Legt die Demo-Kommune mit Partnern, 40 Arbeitgebern, 400 Klient*innen, 80 Stellen und Demo-Logins an."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo municipality's candidates, employers and placements first, then rebuild them.",
        )

    def handle(self, *args, reset: bool = False, **options) -> None:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                platform = demo.organisations.seed()
                municipality = platform.municipality
                if reset:
                    demo.coaching.clear(municipality=municipality)
                    demo.candidates.clear(municipality=municipality)
                    demo.employers.clear(municipality=municipality)
                emp = demo.employers.seed(
                    municipality=municipality,
                    employer_login=platform.logins[Role.EMPLOYER],
                    verified_by=platform.logins[Role.CHAMBER_EDITOR],
                    seed=SEED,
                )
                cand = demo.candidates.seed(
                    municipality=municipality,
                    organisations=platform.organisations,
                    case_managers=platform.case_managers,
                    candidate_user=platform.logins[Role.CANDIDATE],
                    volunteer_user=platform.logins[Role.VOLUNTEER],
                    seed=SEED,
                )
                # Questions to the Ausländerbehörde: one answered, one waiting for the office (issue 14 §3).
                demo.candidates.seed_immigration_questions(
                    municipality=municipality,
                    organisations=platform.organisations,
                    case_manager=platform.logins[Role.CASE_MANAGER],
                    office_user=platform.logins[Role.IMMIGRATION_OFFICE],
                )
                # The job coach's caseload: hires, follow-along plans, requests, services, a handover.
                coach = demo.coaching.seed(
                    municipality=municipality,
                    organisations=platform.organisations,
                    job_coach=platform.logins[Role.JOB_COACH],
                    volunteer=platform.logins[Role.VOLUNTEER],
                    employer_user=platform.logins[Role.EMPLOYER],
                    employer_organisation=emp.login_employer,
                    seed=SEED,
                )
                # A proposal waiting for the employer and an "interessiert mich" waiting for the case manager.
                demo.employers.seed_proposals(
                    municipality=municipality,
                    case_manager=platform.logins[Role.CASE_MANAGER],
                    candidate_user=platform.logins[Role.CANDIDATE],
                    employer_organisation=emp.login_employer,
                )
                # Placements the job coach found with businesses: one confirmed, one waiting (issue 14).
                demo.employers.seed_acquisitions(
                    municipality=municipality,
                    job_coach=platform.logins[Role.JOB_COACH],
                    employer_organisation=emp.login_employer,
                )
                # The shared company record: levels, contacts, a contact log, a reminder due (issue 15 §1).
                demo.employers.seed_business_records(
                    municipality=municipality,
                    organisations=platform.organisations,
                    job_coach=platform.logins[Role.JOB_COACH],
                    case_manager=platform.logins[Role.CASE_MANAGER],
                    coordinator=platform.logins[Role.COORDINATOR],
                )
                # Decided work permission and recognition procedures, one partial recognition with an
                # adaptation training on the case manager's case (issue 14 §3).
                demo.employers.seed_procedures(
                    municipality=municipality, case_manager=platform.logins[Role.CASE_MANAGER]
                )
                # A conversation: the case manager asked, the candidate answered in Farsi (issue 22).
                demo.coaching.seed_messages(
                    municipality=municipality,
                    case_manager=platform.logins[Role.CASE_MANAGER],
                    candidate_user=platform.logins[Role.CANDIDATE],
                )
                # Systemic barriers flagged from cases, for the network page and the dashboard (issue 23).
                demo.coaching.seed_barriers(
                    municipality=municipality, organisations=platform.organisations, seed=SEED
                )
                demo.coaching.seed_rounds(
                    municipality=municipality,
                    organisations=platform.organisations,
                    coordinator=platform.logins[Role.COORDINATOR],
                    case_manager=platform.logins[Role.CASE_MANAGER],
                )
                # Practice templates, one shared, and a neighbour's shared checklist to import (issue 23 §4).
                demo.coaching.seed_practice(
                    municipality=municipality, coordinator=platform.logins[Role.COORDINATOR]
                )
                # The neighbouring district's course whose service area takes some demo postcodes (issue 17).
                demo.coaching.seed_neighbour_service(municipality=municipality)
                # Reported discrimination and the counselling service it is referred to (issue 15 §3).
                demo.coaching.seed_discrimination(
                    municipality=municipality,
                    candidate_user=platform.logins[Role.CANDIDATE],
                    job_coach=platform.logins[Role.JOB_COACH],
                    seed=SEED,
                )
                # Earlier, ended placements of the other teams: the equity figures by gender, age
                # and legal circle with retention have cells of 5 and more (issue 20).
                demo.coaching.seed_placement_history(
                    municipality=municipality, organisations=platform.organisations, seed=SEED
                )
        except demo.candidates.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started

        out = self.stdout.write
        state = "angelegt" if cand.created or emp.created else "bereits vorhanden (Demo-Logins aufgefrischt)"
        out(self.style.SUCCESS(f"Demo-Daten für „{municipality}“ {state} ({elapsed:.1f} s)."))
        live_listing = (
            Consent.objects.live()
            .filter(candidate__municipality=municipality, scope=ConsentScope.LISTING)
            .count()
        )
        placements = Placement.objects.filter(municipality=municipality)
        out(f"  Organisationen (ohne Arbeitgeber): {len(platform.organisations)}")
        out(
            f"  Arbeitgeber: {EmployerProfile.objects.filter(organisation__municipality=municipality).count()}"
            f" (davon geprüft: {Organisation.objects.filter(employer_profile__isnull=False, municipality=municipality, verification_status='verified').count()})"
        )
        out(
            f"  Klient*innen: {Candidate.objects.filter(municipality=municipality).count()}"
            f" (mit Einwilligung in die anonyme Liste: {live_listing})"
        )
        out(
            f"  Stellen: {placements.count()} (offen: {placements.filter(status=PlacementStatus.OPEN).count()})"
        )
        out(
            f"  Begleitung: {coach.employments} Beschäftigungen, {coach.follow_ups} Kontakte, "
            f"{coach.overdue} Nachbetreuungen überfällig, {coach.due_soon} in den nächsten 7 Tagen fällig, "
            f"{coach.services} Angebote vor Ort"
        )
        out("")
        out(f"Demo-Logins (nur für die Demo!), Passwort für alle: {DEMO_PASSWORD}")
        for role, email in DEMO_LOGINS.items():
            out(f"  {Role(role).label:<22} {email}")
        if cand.demo_candidate is not None:
            out(f"  (Klient*innen-Login gehört zu: {cand.demo_candidate.full_name})")
        if emp.login_employer is not None:
            out(f"  (Arbeitgeber-Login leitet: {emp.login_employer.name})")

        # The website (cms owns it): chamber sections, guides, stories, events, translated pages.
        site = demo.cms.seed(municipality=municipality)
        # A speed dating scheduled from matches, presented by the speed-dating event page (issue 15).
        with transaction.atomic():
            demo.employers.seed_speed_dating(
                municipality=municipality,
                coordinator=platform.logins[Role.COORDINATOR],
                candidate_user=platform.logins[Role.CANDIDATE],
            )
        out(
            f"Website: {site.created} Seiten neu angelegt, Verwaltung unter /cms-admin/. Weitere Kammer-Logins:"
        )
        for _key, email, _first, _last, lead in demo.cms.EDITOR_LOGINS:
            out(f"  {'Leitung' if lead else 'Redaktion':<22} {email}")
