"""A scoped read's statement, kept per worker for the same user, memberships and day (issue 18).

The staff pages (the coaching home page, the case page) read a handful of short lists, each scoped
by the selectors' permission querysets (the user's organisations, municipalities, live consent).
Building those querysets and compiling them to SQL cost several times what PostgreSQL then spent
answering them: 4–7 ms of CPU per list for lists of no or few rows.

``kept_list(name=..., user=..., build=...)`` has the ORM build and compile ``build()`` once per
worker for the same user, their active memberships, the day and ``extra``, keeps the statement and
the compiler that read it, and afterwards runs that statement anew on every call: the rows are
always live (a revoked consent, a closed case, an ended employment show at once). The rows are made
by the ORM's own iterable (model instances with what was selected alongside, or values), so a page
sees exactly what ``list(build())`` would give.

A page about one object (the case page) passes its id as ``values``: the statement is compiled once
with stand-ins in their place (as candidates/compiled.py does) and run with each id, so one
statement serves every case the user opens.

What may go into a kept statement: the user's id and flags, their memberships (organisations,
roles, municipalities, verification), the day and the language, which are all part of the key.
``build`` must not read anything else: a builder that runs a query while building (a list
evaluated in Python) is never kept, and a statement holding a moment (a datetime) is refused, since
either would be frozen at its first value. ``build`` must not read the cache either (that cannot be
watched here).
PostgreSQL only; SQLite reads through the ORM as before.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, ValuesListIterable
from django.utils import timezone
from django.utils.translation import get_language

from . import access

if TYPE_CHECKING:
    from accounts.models import User

# Statements kept per thread (a sync worker has one), the oldest dropped first: a staff user's
# pages need about seven, of some 90 KB each (the query and its compiler), so at most about 23 MB.
_SIZE = 256


class _Store(threading.local):
    """A thread's statements: a compiler holds its thread's connection, and a thread that ends
    (a test server's, an ASGI pool's) takes its statements and that connection with it."""

    def __init__(self) -> None:
        self.kept: OrderedDict[tuple, _Kept | None] = OrderedDict()
        self.generation = _generation


_generation = 0
_store = _Store()
# The iterables whose rows come from the compiler's columns alone (no extra queries).
_ITERABLES = (ModelIterable, ValuesListIterable)


# Stand-ins for the values a statement is run with (an id): far below every id, never a real value.
_STAND_IN = -(10**15)


@dataclass
class _Kept:
    """A compiled query, its statement and where in its parameters each value goes."""

    queryset: QuerySet
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (position in params, which value)
    current: tuple = ()

    def read(self, values: tuple[int, ...]) -> list:
        params = list(self.params)
        for position, k in self.slots:
            params[position] = values[k]
        self.current = tuple(params)  # what the compiler hands out for this read (one thread)
        return list(_fresh(self.queryset))


def _kept_here() -> OrderedDict[tuple, _Kept | None]:
    """This thread's statements (None: a key whose statement cannot be kept), dropped after
    :func:`forget`."""
    if _store.generation != _generation:
        _store.kept.clear()
        _store.generation = _generation
    return _store.kept


def membership_key(user: User) -> tuple:
    """Everything of the user's memberships that the access rules read (organisations/access.py)."""
    return tuple(
        sorted(
            (
                m.pk,
                m.role,
                m.is_lead,
                m.organisation_id,
                m.organisation.municipality_id,
                m.organisation.kind,
                m.organisation.verification_status,
            )
            for m in access.memberships(user=user)
        )
    )


# What Django's savepoints send (DatabaseOperations.savepoint_*_sql).
_SAVEPOINT_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


class _Watch:
    """Counts the statements run on a connection while building (none may run). Each one runs in
    a savepoint: a builder's query that fails (on a stand-in) leaves the request's transaction
    usable. A savepoint only then: a builder that reads nothing, the rule, costs no statement."""

    def __init__(self, connection) -> None:
        self.ran = 0
        self.connection = connection
        self.inside = False  # (the savepoint's own statements pass through here too)

    def __call__(self, execute, sql, params, many, context):
        if self.inside or sql.startswith(_SAVEPOINT_STATEMENTS):
            # Ours, or an atomic block's the builder opened: wrapping those in a savepoint of ours
            # would release theirs with ours (PostgreSQL releases the later ones too).
            return execute(sql, params, many, context)
        self.ran += 1
        if self.connection.get_autocommit():  # no transaction a failed statement could break
            return execute(sql, params, many, context)
        with self._own_statement():
            savepoint = self.connection.savepoint()
        try:
            result = execute(sql, params, many, context)
        except Exception:
            with self._own_statement():
                self.connection.savepoint_rollback(savepoint)
            raise
        with self._own_statement():
            self.connection.savepoint_commit(savepoint)
        return result

    @contextmanager
    def _own_statement(self) -> Iterator[None]:
        """The savepoint's own statements pass through the watch unwatched."""
        self.inside = True
        try:
            yield
        finally:
            self.inside = False


def _fresh(kept: QuerySet) -> QuerySet:
    """A new queryset on the kept query (``QuerySet._clone`` without copying the query): its own
    result cache, the kept compiler."""
    fresh = kept.__class__(model=kept.model, query=kept.query, using=kept._db, hints=kept._hints)
    fresh._prefetch_related_lookups = kept._prefetch_related_lookups
    fresh._known_related_objects = kept._known_related_objects
    fresh._iterable_class = kept._iterable_class
    fresh._fields = kept._fields
    return fresh


# A parameter's place in a statement Django compiled ("%%" is a percent sign written in).
_PLACEHOLDER = re.compile(r"%%|%s")


def _constants_written_in(connection, sql: str, params: tuple, slots: tuple) -> tuple[str, tuple, tuple]:
    """The statement with every parameter but the values (ids) written in as a literal, as Django's
    client-side binding writes them (psycopg's ``sql.Literal``).

    Everything else in a kept statement is the same on every run (the key holds it). With the
    constants as parameters PostgreSQL plans a prepared statement without knowing them and, finding
    that plan far dearer (``end_reason = $3`` might match anything), plans it anew on every run: a
    millisecond for the coaching home page's lists. Written in, a statement without values has no
    parameters left, so PostgreSQL plans it once per connection with what it will always run with.
    Unchanged without server-side binding (psycopg writes every parameter in anyway)."""
    if not connection.features.uses_server_side_binding:
        return sql, params, slots
    from psycopg import sql as pg_sql

    connection.ensure_connection()  # (its adapters write the literals)
    slot_at = dict(slots)
    out: list[str] = []
    left: list = []
    left_slots: list[tuple[int, int]] = []
    position = last = 0
    for match in _PLACEHOLDER.finditer(sql):
        out.append(sql[last : match.start()])
        last = match.end()
        if match.group() == "%%":
            out.append("%%")
            continue
        if position >= len(params):
            return sql, params, slots  # not a statement Django compiled: as it is
        if position in slot_at or isinstance(params[position], float):
            # (a float written in would be read as numeric, not as the float8 it was bound as)
            if position in slot_at:
                left_slots.append((len(left), slot_at[position]))
            left.append(params[position])
            out.append("%s")
        else:  # (a percent sign in a literal is written as "%%" like any other)
            out.append(pg_sql.Literal(params[position]).as_string(connection.connection).replace("%", "%%"))
        position += 1
    if position != len(params):
        return sql, params, slots
    out.append(sql[last:])
    return "".join(out), tuple(left), tuple(left_slots)


def _keep(queryset: QuerySet, *, values: int) -> _Kept | None:
    """Compile ``queryset`` (built with ``values`` stand-ins) once and make its query hand out that
    compiler with that statement from now on; None when the statement cannot be kept."""
    if queryset._iterable_class not in _ITERABLES or queryset._prefetch_related_lookups:
        return None
    if queryset._known_related_objects:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if not sql or any(isinstance(p, datetime) for p in params):
        return None
    slots = tuple(
        (position, _STAND_IN - p)
        for position, p in enumerate(params)
        if type(p) is int and _STAND_IN - values < p <= _STAND_IN
    )
    if {k for _, k in slots} != set(range(values)):
        return None  # a value the query changed or dropped: it would be frozen into the SQL
    sql, params, slots = _constants_written_in(compiler.connection, sql, tuple(params), slots)
    kept = _Kept(queryset=queryset, sql=sql, params=params, slots=slots)

    def as_sql(*args: Any, **kwargs: Any) -> tuple[str, tuple]:
        return kept.sql, kept.current

    # The compiler keeps what compiling worked out (the columns, the related rows' layout) for the
    # iterable; only the statement is handed out again instead of being written anew.
    compiler.as_sql = as_sql
    # What turns each column into a Python value, worked out once: the compiler's columns are the
    # same objects on every read (a statement's twenty columns cost 0.1 ms a read to ask again).
    get_converters = compiler.get_converters
    converters: dict[tuple[int, ...], tuple[list, dict]] = {}

    def converters_once(expressions: list) -> dict:
        key = tuple(map(id, expressions))
        if key not in converters:  # (the expressions kept beside them: their ids stay theirs)
            converters[key] = (list(expressions), get_converters(expressions))
        return converters[key][1]

    compiler.get_converters = converters_once
    queryset.query.get_compiler = lambda using=None, connection=None, elide_empty=True: compiler
    queryset.query._kept_connection = compiler.connection
    return kept


def kept_list(
    *,
    name: str,
    user: User,
    build: Callable[..., QuerySet],
    values: tuple[int, ...] = (),
    extra: Hashable = (),
) -> list:
    """``list(build(*values))``, its statement compiled once per worker for the same ``name``,
    user, memberships, day and ``extra``, and run with the ``values`` (ids) given now: ``build``
    passes them on to the query only as they are, for lookups of integer columns. See the module's
    docstring for what else ``build`` may read."""
    connection = connections["default"]
    if connection.vendor != "postgresql" or not getattr(user, "is_authenticated", False):
        return list(build(*values))
    values = tuple(int(v) for v in values)
    memberships = membership_key(user)  # (read before building: the watch must see no query)
    # (the language too: a builder that orders by a label in the user's language would freeze it)
    key = (
        name,
        len(values),
        user.pk,
        user.is_candidate,
        user.is_active,
        memberships,
        timezone.localdate(),
        get_language(),
        extra,
    )
    return _read(key, build, values)


def kept_rows(
    *,
    name: str,
    build: Callable[..., QuerySet],
    values: tuple[int, ...],
    prefetch: tuple[str | Prefetch, ...] = (),
) -> list:
    """``list(build(*values))`` for a read that depends on nothing but the ids ``values``: one
    object's own rows (a case's phase changes, appointments, questions), read after the caller
    established that the user may see that object. Its statement is compiled once per worker for
    the same ``name``, day and language and run with the ids given now; ``prefetch`` lookups are
    then read for the rows as ``prefetch_related`` would. ``build`` must read nothing but its
    arguments (not the user: a scoped read is :func:`kept_list`)."""
    connection = connections["default"]
    values = tuple(int(v) for v in values)
    if connection.vendor != "postgresql":
        rows = list(build(*values))
    else:
        rows = _read(("rows", name, len(values), timezone.localdate(), get_language()), build, values)
    if prefetch and rows:
        prefetch_related_objects(rows, *prefetch)
    return rows


def _read(key: tuple, build: Callable[..., QuerySet], values: tuple[int, ...]) -> list:
    """The kept statement under ``key`` run with ``values``; built, compiled and kept on first use."""
    connection = connections["default"]
    store = _kept_here()
    if key in store:
        kept = store[key]
        store.move_to_end(key)
        if kept is None:  # its statement cannot be kept: the ORM builds and reads it
            return list(build(*values))
        # (a connection this thread replaced since: compiled anew)
        if kept.queryset.query._kept_connection is connection:
            return kept.read(values)
    watch = _Watch(connection)
    try:
        with connection.execute_wrapper(watch):
            queryset = build(*(_STAND_IN - k for k in range(len(values))))
            kept = _keep(queryset, values=len(values)) if queryset.db == "default" else None
    except Exception:  # noqa: BLE001 (a builder that looked a stand-in up: the ORM answers)
        kept = None
    if kept is None or watch.ran:  # not kept, or built with a query's answer in it
        store[key] = None
        _trim(store)
        return list(build(*values))
    store[key] = kept
    _trim(store)
    return kept.read(values)


def _trim(store: OrderedDict) -> None:
    while len(store) > _SIZE:
        store.popitem(last=False)


def forget() -> None:
    """Drop every kept statement, in every thread (tests, benchmarks)."""
    global _generation
    _generation += 1
    _kept_here()
