"""A scoped read's statement kept per worker (organisations/kept.py): the same rows as the ORM,
always live, and never a statement that holds anything but the user, their memberships and the day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from candidates.models import Candidate
from coaching import selectors
from employers.models import Employment
from organisations import kept
from organisations.models import Membership, Organisation
from tests.factories import CandidateFactory

# Skipped on SQLite (a developer's quick run); under CI=true a skip fails (tests/conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statements kept on PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _nothing_kept():
    kept.forget()
    yield
    kept.forget()


def _statements() -> list:
    """This thread's kept statements (not the keys remembered as not keepable)."""
    return [entry for entry in kept._kept_here().values() if entry is not None]


def _fresh(user: User) -> User:
    """The user as the next request loads them (memberships read anew)."""
    return User.objects.get(pk=user.pk)


def _counted(build):
    calls = []

    def counting(*values):
        calls.append(1)
        return build(*values)

    return counting, calls


def test_the_home_pages_lists_are_what_the_orm_reads(coaching_world):
    world = coaching_world
    coach = world.coach
    for _ in range(2):
        due = selectors.home_due_follow_ups(user=_fresh(coach))
        assert due  # the plan started 40 days ago: its first dates are due
        assert [(d.employment_id, d.due_date, d.label, d.full_name, d.employer) for d in due] == [
            (
                d.employment_id,
                d.due_date,
                d.label,
                d.employment.candidate.full_name,
                str(d.employment.employer),
            )
            for d in selectors.due_follow_ups(user=coach)[:20]
        ]
        page = selectors.caseload_page(user=_fresh(coach))
        assert page.paginator.count == 1
        assert [row.employment_id for row in page.object_list] == [world.employment.pk]
        assert page.object_list == selectors.caseload_rows(user=coach)
    user = world.case_manager
    Employment.objects.filter(pk=world.employment.pk).update(job_coach=None)  # one without a coach
    for _ in range(2):  # compiled, then kept
        unassigned = selectors.home_unassigned_employments(user=_fresh(user))
        assert [(e.pk, e.candidate.full_name, str(e.employer)) for e in unassigned] == [
            (e.pk, e.candidate.full_name, str(e.employer))
            for e in selectors.unassigned_employments(user=user)[:20]
        ]
        assert [e.pk for e in unassigned] == [world.employment.pk]


def test_a_kept_statement_is_built_once_and_reads_live_rows(coaching_world):
    world = coaching_world
    build, calls = _counted(lambda: Employment.objects.filter(job_coach=world.coach, end_reason=""))
    first = kept.kept_list(name="t", user=_fresh(world.coach), build=build)
    assert [e.pk for e in first] == [world.employment.pk]
    # A bare UPDATE (no signal, no token): the statement reads the rows anew.
    Employment.objects.filter(pk=world.employment.pk).update(end_reason="quit")
    assert kept.kept_list(name="t", user=_fresh(world.coach), build=build) == []
    assert calls == [1]


def test_a_membership_ended_is_never_read_through_the_statement_kept_before(coaching_world):
    world = coaching_world
    user = world.case_manager
    assert [c.pk for c in selectors.home_unassigned_employments(user=_fresh(user))] == []
    Employment.objects.filter(pk=world.employment.pk).update(job_coach=None)
    assert [e.pk for e in selectors.home_unassigned_employments(user=_fresh(user))] == [world.employment.pk]
    Membership.objects.filter(user=user).update(is_active=False)
    assert selectors.home_unassigned_employments(user=_fresh(user)) == []
    # Made a member of another organisation: that organisation's scope, not the old one.
    other = Organisation.objects.create(
        name="Anderes Amt", municipality=world.municipality, kind=world.office.kind
    )
    Membership.objects.filter(user=user).update(is_active=True, organisation=other)
    assert selectors.home_unassigned_employments(user=_fresh(user)) == []


def test_each_user_reads_through_their_own_statement(coaching_world):
    world = coaching_world
    Employment.objects.filter(pk=world.employment.pk).update(job_coach=None)
    outsider = world.people["coach_elsewhere"]
    for _ in range(2):
        assert [e.pk for e in selectors.home_unassigned_employments(user=_fresh(world.coach))] == [
            world.employment.pk
        ]
        assert selectors.home_unassigned_employments(user=_fresh(outsider)) == []


def test_a_builder_that_reads_the_database_is_not_kept(coaching_world):
    world = coaching_world

    def reads_while_building():
        ids = list(Candidate.objects.values_list("pk", flat=True))  # an answer frozen into the SQL
        return Candidate.objects.filter(pk__in=ids)

    build, calls = _counted(reads_while_building)
    assert [c.pk for c in kept.kept_list(name="t", user=_fresh(world.coach), build=build)] == [
        world.case.candidate_id
    ]
    assert len(kept.kept_list(name="t", user=_fresh(world.coach), build=build)) == 1
    assert _statements() == [] and len(calls) == 3  # then remembered: built once per read


def test_a_moment_is_never_kept(coaching_world):
    world = coaching_world
    build, calls = _counted(lambda: Candidate.objects.filter(updated_at__lte=timezone.now()))
    for _ in range(2):
        assert len(kept.kept_list(name="t", user=_fresh(world.coach), build=build)) == 1
    assert _statements() == [] and len(calls) == 3  # then remembered: built once per read


def test_the_next_day_writes_the_statement_anew(coaching_world, monkeypatch):
    """A due date eight days ahead is not due within a week today, but is tomorrow."""
    world = coaching_world
    today = timezone.localdate()
    due = world.employment.follow_up_dues.order_by("due_date").first()
    due.due_date = today + datetime.timedelta(days=8)
    due.save()
    world.employment.follow_up_dues.exclude(pk=due.pk).delete()
    assert selectors.home_due_follow_ups(user=_fresh(world.coach)) == []
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert [
        (d.employment_id, d.due_date) for d in selectors.home_due_follow_ups(user=_fresh(world.coach))
    ] == [(due.employment_id, due.due_date)]


def test_another_threads_compiler_is_not_used(coaching_world):
    world = coaching_world
    build, calls = _counted(lambda: Employment.objects.filter(job_coach=world.coach))
    kept.kept_list(name="t", user=_fresh(world.coach), build=build)
    (entry,) = _statements()
    entry.queryset.query._kept_connection = object()  # as if compiled on another thread
    assert [e.pk for e in kept.kept_list(name="t", user=_fresh(world.coach), build=build)] == [
        world.employment.pk
    ]
    assert calls == [1, 1]


def test_a_statement_with_values_is_kept_once_and_run_with_each_value(coaching_world):
    world = coaching_world
    other = Candidate.objects.create(municipality=world.municipality, first_name="Ada", last_name="Neu")
    build, calls = _counted(lambda pk: Candidate.objects.filter(pk=pk, erased_at__isnull=True))
    for candidate in (world.case.candidate, other, world.case.candidate):
        found = kept.kept_list(name="t", user=_fresh(world.coach), build=build, values=(candidate.pk,))
        assert [c.pk for c in found] == [candidate.pk]
    assert calls == [1] and len(_statements()) == 1
    assert kept.kept_list(name="t", user=_fresh(world.coach), build=build, values=(10**9,)) == []


def test_the_case_page_is_read_through_one_statement_for_every_case(coaching_world):
    """The case file's query is compiled once for the user, whichever case: still each one's own,
    and a case outside the user's scope is still not found."""
    from candidates import selectors as candidate_selectors
    from organisations.access import NotFound
    from tests.factories import CaseFactory

    world = coaching_world
    second = CaseFactory(responsible_organisation=world.office, candidate__municipality=world.municipality)
    elsewhere = CaseFactory()
    for case in (world.case, second, world.case):
        file = candidate_selectors.case_file(user=_fresh(world.case_manager), pk=case.pk)
        assert file.case.pk == case.pk and file.full and file.editable
        assert file.case.candidate.full_name == case.candidate.full_name
    with pytest.raises(NotFound):
        candidate_selectors.case_file(user=_fresh(world.case_manager), pk=elsewhere.pk)
    # One statement for the case file itself (beside its goals' and notes', kept_rows).
    assert (
        sum(1 for key, entry in kept._kept_here().items() if entry and key[0] == "candidates.case_file") == 1
    )
    # The coordinator: metadata only, through their own statement.
    file = candidate_selectors.case_file(user=_fresh(world.coordinator), pk=second.pk)
    assert file.case.pk == second.pk and not file.full and not file.editable


def test_each_language_reads_through_its_own_statement(coaching_world):
    """A builder may order by a label in the user's language: the language is part of the key."""
    from django.utils import translation

    from taxonomy.models import Skill

    def by_label():
        return Skill.objects.order_by(f"label_{translation.get_language()}").values_list("pk")

    for language in ("de", "en", "de"):
        with translation.override(language):
            kept.kept_list(name="t", user=_fresh(coaching_world.coach), build=by_label)
            assert f'"label_{language}"' in _statements()[-1].sql
    assert len(_statements()) == 2


def test_a_builder_whose_query_fails_on_the_stand_in_leaves_the_transaction_usable(coaching_world):
    """The stand-in build runs in a savepoint: its failed query does not abort the request's
    transaction, and the ORM answers with the real value."""
    world = coaching_world

    def build(pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::integer", [pk])  # out of range for the stand-in only
        return Candidate.objects.filter(pk=pk)

    found = kept.kept_list(name="t", user=_fresh(world.coach), build=build, values=(world.case.candidate_id,))
    assert [c.pk for c in found] == [world.case.candidate_id]
    assert Candidate.objects.filter(pk=world.case.candidate_id).exists()  # the transaction still works
    assert _statements() == []


def test_a_cases_own_rows_are_read_through_one_statement_each_for_every_case(coaching_world):
    """The case page's own rows (kept.kept_rows): each case gets its own rows, exactly the related
    managers' reading, with prefetches; one statement per read for every case and user; a row
    added shows at once."""
    from candidates import selectors as candidate_selectors
    from tests.factories import (
        AppointmentFactory,
        AssessmentEntryFactory,
        AssessmentFactory,
        CaseFactory,
        CasePhaseChangeFactory,
        QualificationFactory,
        WorkPermitProcedureFactory,
    )

    world = coaching_world
    second = CaseFactory(responsible_organisation=world.office, candidate__municipality=world.municipality)
    now = timezone.now()
    for case, n in ((world.case, 2), (second, 1)):
        for i in range(n):
            AppointmentFactory(
                case=case,
                starts_at=now + datetime.timedelta(days=i),
                ends_at=now + datetime.timedelta(days=i, hours=1),
            )
            if i == 0:  # (one current phase per case)
                CasePhaseChangeFactory(case=case)
            WorkPermitProcedureFactory(case=case)
            QualificationFactory(candidate=case.candidate)
            AssessmentEntryFactory(assessment=AssessmentFactory(case=case))

    def reading(case):
        return (
            [
                a.pk
                for a in candidate_selectors.case_appointments(
                    user=world.case_manager, case=case, readable=True
                )
            ],
            [c.pk for c in candidate_selectors.phase_history(case=case)],
            [p.pk for p in candidate_selectors.case_work_permit_procedures(case=case)],
            [q.pk for q in candidate_selectors.case_qualifications(case=case)],
            [q.pk for q in candidate_selectors.case_immigration_questions(case=case)],
            candidate_selectors.assessment_latest(case=case).pk,
        )

    def orm(case):
        return (
            [a.pk for a in case.appointments.order_by("-starts_at", "-pk")],
            [c.pk for c in case.phase_changes.all()],
            [p.pk for p in case.work_permit_procedures.all()],
            [q.pk for q in case.candidate.qualifications.all()],
            [q.pk for q in case.immigration_questions.all()],
            case.assessments.order_by("-created_at", "-pk").first().pk,
        )

    for case in (world.case, second, world.case):
        got, want = reading(case), orm(case)
        assert got == want
        assert len(got[0]) == (2 if case == world.case else 1)
    assert len(_statements()) == 6  # one per read, for both cases

    # Prefetched and owned as the managers would give them: no query for either.
    latest = candidate_selectors.assessment_latest(case=second)
    appointment = candidate_selectors.case_appointments(user=world.case_manager, case=second, readable=True)[
        0
    ]
    with CaptureQueriesContext(connection) as ctx:
        assert len(latest.entries.all()) == 1 and latest.case is second
        assert list(appointment.staff_attendees.all()) == [] and appointment.case is second
    assert len(ctx.captured_queries) == 0

    # Live: a row added now is read at once through the kept statement.
    added = WorkPermitProcedureFactory(case=second)
    assert added.pk in [p.pk for p in candidate_selectors.case_work_permit_procedures(case=second)]
    assert len(_statements()) == 6


def test_the_unread_badge_is_each_persons_own_count_through_one_statement(coaching_world):
    """The navigation's unread count (on every page) reads through one kept statement for every
    person: each their own count, a notice read or arrived shows at once."""
    from notifications.models import Notification
    from notifications.selectors import unread_count

    world = coaching_world
    coach, manager = world.coach, world.case_manager
    base = {
        u.pk: Notification.objects.filter(recipient=u, read_at__isnull=True).count() for u in (coach, manager)
    }
    made = [Notification.objects.create(recipient=coach, kind="test") for _ in range(3)]
    Notification.objects.create(recipient=manager, kind="test")
    assert unread_count(user=coach) == base[coach.pk] + 3
    assert unread_count(user=manager) == base[manager.pk] + 1
    Notification.objects.filter(pk=made[0].pk).update(read_at=timezone.now())
    assert unread_count(user=coach) == base[coach.pk] + 2
    Notification.objects.filter(recipient__in=[coach, manager]).update(read_at=timezone.now())
    assert unread_count(user=coach) == 0 == unread_count(user=manager)
    assert len(_statements()) == 1


def test_the_case_forms_case_manager_choices_are_the_organisations_case_staff_live(coaching_world):
    """The case form's choice of case manager, read through a kept statement: the same markup as
    the queryset's own choices, a colleague who joins appears at once, and what is sent is still
    checked against the organisation's staff."""
    from candidates.forms import CaseForm, _case_staff
    from tests.fixtures.users import new_member

    world = coaching_world
    case = world.case

    def rendered(form):
        return str(form["case_manager"])

    def by_queryset():
        form = CaseForm(case=case)
        field = form.fields["case_manager"]
        field.queryset = _case_staff(case.responsible_organisation_id)  # (a drawn form builds none)
        field.widget.choices = field.choices  # the ModelChoiceIterator, as before
        return rendered(form)

    assert rendered(CaseForm(case=case)) == by_queryset()
    assert f'value="{world.case_manager.pk}" selected' in rendered(CaseForm(case=case))
    joined = new_member("case_manager", organisation=world.office)
    html = rendered(CaseForm(case=case))
    assert f'value="{joined.pk}"' in html and html == by_queryset()
    assert len(_statements()) == 1
    assert joined in _case_staff(world.office.pk)
    with CaptureQueriesContext(connection) as ctx:
        rendered(CaseForm(case=case))
    assert len(ctx.captured_queries) == 1  # read once, though Select asks for its first choice too
    outsider = new_member("case_manager", municipality=world.municipality)
    form = CaseForm(
        {"phase": case.phase, "legal_circle": case.legal_circle, "case_manager": outsider.pk}, case=case
    )
    assert not form.is_valid() and "case_manager" in form.errors
    form = CaseForm(
        {"phase": case.phase, "legal_circle": case.legal_circle, "case_manager": joined.pk}, case=case
    )
    assert form.is_valid() and form.cleaned_data["case_manager"] == joined


def test_the_case_files_plan_and_notes_are_each_cases_own_with_steps_and_authors(coaching_world):
    """The case file's goals (with their steps and the steps' history) and notes (with their
    author) read through kept statements: each case's own, in the managers' order, nothing read
    again when the page shows steps, history or authors; a note written shows at once."""
    from candidates import selectors as candidate_selectors
    from tests.factories import CaseFactory, CaseNoteFactory, GoalFactory, StepFactory

    world = coaching_world
    second = CaseFactory(responsible_organisation=world.office, candidate__municipality=world.municipality)
    for case, n in ((world.case, 2), (second, 1)):
        for _ in range(n):
            StepFactory(goal=GoalFactory(case=case))
            CaseNoteFactory(case=case, author=world.case_manager)
    for case in (world.case, second, world.case):
        file = candidate_selectors.case_file(user=_fresh(world.case_manager), pk=case.pk)
        assert [g.pk for g in file.goals] == [g.pk for g in case.goals.all()]
        assert [n.pk for n in file.notes] == [n.pk for n in case.notes.all()]
        assert len(file.goals) == (2 if case == world.case else 1) and file.open_steps == len(file.goals)
        with CaptureQueriesContext(connection) as ctx:
            for goal in file.goals:
                assert goal.case is file.case
                for step in goal.steps.all():
                    list(step.events.all())
            assert {str(n.author) for n in file.notes} == {str(world.case_manager)}
        assert len(ctx.captured_queries) == 0
    assert len(_statements()) == 3  # the case file, its goals, its notes
    written = CaseNoteFactory(case=second, author=world.coach)
    file = candidate_selectors.case_file(user=_fresh(world.case_manager), pk=second.pk)
    assert written.pk in [n.pk for n in file.notes]


def test_a_builder_that_opens_an_atomic_block_leaves_the_transaction_usable(coaching_world):
    """A builder whose query runs inside its own atomic block (a get_or_create, a nested read):
    the watch's savepoint must not release the block's own, or the request's transaction breaks."""
    from django.db import transaction

    world = coaching_world

    def build(pk):
        with transaction.atomic():
            Candidate.objects.filter(pk=world.case.candidate_id).exists()
        return Candidate.objects.filter(pk=pk)

    def failing(pk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT %s::integer", [pk])  # out of range for the stand-in only
        return Candidate.objects.filter(pk=pk)

    for builder in (build, failing):
        found = kept.kept_list(
            name=builder.__name__, user=_fresh(world.coach), build=builder, values=(world.case.candidate_id,)
        )
        assert [c.pk for c in found] == [world.case.candidate_id]
        assert not connection.needs_rollback
        assert Candidate.objects.filter(pk=world.case.candidate_id).exists()  # the transaction still works
    assert _statements() == []  # both read the database while building: neither is kept


def test_the_unread_list_and_saved_searches_are_each_persons_own_and_live(coaching_world):
    """The coaching home page's unread notices and the browse page's saved searches: one kept
    statement each for every person, each their own rows in the inbox's order, a change at once."""
    from employers.models import SavedSearch
    from employers.selectors import saved_search_rows, saved_searches
    from notifications.models import Notification
    from notifications.selectors import inbox, unread

    world = coaching_world
    Notification.objects.update(read_at=timezone.now())  # (the world's own notices: none unread)
    for n, user in enumerate((world.coach, world.case_manager, world.coach)):
        Notification.objects.create(recipient=user, kind="test")
        SavedSearch.objects.create(user=user, name=f"Suche {n}", query="german=B1")
        assert [n.pk for n in unread(user=user)] == [
            n.pk for n in inbox(user=user).filter(read_at__isnull=True)[:10]
        ]
        assert [s.pk for s in saved_search_rows(user=user)] == [s.pk for s in saved_searches(user=user)]
    assert len(unread(user=world.coach)) == 2 and len(saved_search_rows(user=world.coach)) == 2
    Notification.objects.filter(recipient=world.coach).update(read_at=timezone.now())
    assert unread(user=world.coach) == []
    assert len(unread(user=world.coach, limit=1)) == 0
    assert len(_statements()) == 3  # the unread list (per limit) and the saved searches


HOSTILE_NAMES = ["O'Brien", "100 % sicher", "%s", "%%s", "a\\'; DROP TABLE x; --", "Ünal–Öz", "$1", ""]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_constants_written_into_a_kept_statement_match_what_the_orm_binds(coaching_world, name):
    """A kept statement's constants are written in as literals and only its values stay parameters
    (kept._constants_written_in): quotes, percent signs, placeholders and backslashes in a constant
    find exactly the rows the ORM finds with them bound, through the kept statement and after it."""
    world = coaching_world
    candidate = world.candidate
    Candidate.objects.filter(pk=candidate.pk).update(last_name=name, city="Dort%mund")

    def build(pk):
        return Candidate.objects.filter(
            pk=pk,
            last_name__in=[name, "niemand"],
            city__contains="t%m",
            birth_date__lt=datetime.date(2100, 1, 1),
            erased_at__isnull=True,
        ).values_list("pk", "last_name")

    for _ in range(3):  # built and kept, then read through the kept statement (prepared by then)
        assert kept.kept_rows(name="hostile", build=build, values=(candidate.pk,)) == list(
            build(candidate.pk)
        )
        assert kept.kept_rows(name="hostile", build=build, values=(candidate.pk,)) == [(candidate.pk, name)]
    (statement,) = _statements()
    assert statement.slots == ((0, 0),) and len(statement.params) == 1  # the id alone is a parameter
    other = CandidateFactory(municipality=candidate.municipality, last_name=name, city="Dort%mund")
    assert kept.kept_rows(name="hostile", build=build, values=(other.pk,)) == [(other.pk, name)]
    Candidate.objects.filter(pk=candidate.pk).update(last_name=name + "x")
    assert kept.kept_rows(name="hostile", build=build, values=(candidate.pk,)) == []


def test_a_users_kept_statement_has_no_parameters_left_and_stays_live(coaching_world):
    """A scoped list without values (the coaching home page's) is run without parameters, so
    PostgreSQL plans it once per connection; its rows still change with every write."""
    world = coaching_world
    user = world.case_manager
    Employment.objects.filter(pk=world.employment.pk).update(job_coach=None)
    for _ in range(3):
        assert [e.pk for e in selectors.home_unassigned_employments(user=_fresh(user))] == [
            world.employment.pk
        ]
    (statement,) = _statements()
    assert statement.params == ()
    assert str(world.office.pk) in statement.sql
    Employment.objects.filter(pk=world.employment.pk).update(end_reason="quit")
    assert selectors.home_unassigned_employments(user=_fresh(user)) == []


def test_a_kept_statement_without_parameters_keeps_its_percent_signs(coaching_world):
    """With no value left as a parameter, a percent sign written in still means itself."""
    world = coaching_world
    Candidate.objects.filter(pk=world.candidate.pk).update(last_name="100 % sicher")

    def build():
        return Candidate.objects.filter(
            last_name__contains="0 % s", municipality=world.municipality
        ).values_list("last_name")

    for _ in range(3):
        assert kept.kept_list(name="percent", user=_fresh(world.coach), build=build) == [("100 % sicher",)]
    (statement,) = _statements()
    assert statement.params == () and "%%" in statement.sql


def test_a_float_stays_a_parameter_and_comes_back_a_float(coaching_world):
    """Written in, 1.5 would be read as numeric (a Decimal back); bound, it is a float8."""
    from django.db.models import FloatField, Value

    world = coaching_world

    def build(pk):
        return (
            Candidate.objects.filter(pk=pk).annotate(x=Value(1.5, output_field=FloatField())).values_list("x")
        )

    for _ in range(3):
        (row,) = kept.kept_rows(name="float", build=build, values=(world.candidate.pk,))
        assert row == (1.5,) and type(row[0]) is float
    (statement,) = _statements()
    assert len(statement.params) == 2 and 1.5 in statement.params  # the id and the float
