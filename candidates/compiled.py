"""A query the ORM builds once per process and shape, run afterwards with new values (issue 21).

Building a queryset and compiling it to SQL cost more CPU than PostgreSQL spent answering the small
queries a kept page still needs on every request (who of these 10 people is still listed, the
listing state). ``run(build, a, b)`` calls ``build`` once per number of values in ``a`` and ``b``
with stand-in numbers, keeps the SQL the ORM wrote and where each stand-in went, and then runs that
SQL with the real values. The query's meaning stays the ORM's (the same selectors build it); only
plain constants (a scope, a flag) may be frozen into it: a date or time would go stale, so
compiling refuses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# A date or time as SQLite's adapter hands it over (a string): refused like the objects themselves.
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}")

# Stand-ins no real value can be: far below every id, one block per argument.
_BASE = -(10**15)
_BLOCK = 10**6


def _stand_ins(shape: tuple[int, ...]) -> list[list[int]]:
    return [[_BASE - k * _BLOCK - i for i in range(n)] for k, n in enumerate(shape)]


@lru_cache(maxsize=128)
def _compiled(build: Callable[..., QuerySet], vendor: str, shape: tuple[int, ...]) -> tuple[str, tuple]:
    stand_ins = _stand_ins(shape)
    sql, params = build(*stand_ins).query.sql_with_params()
    where = {value: (k, i) for k, values in enumerate(stand_ins) for i, value in enumerate(values)}
    slots: list[tuple[int | None, Any]] = []
    used = set()
    for param in params:
        if type(param) is int and param in where:  # every place a value goes, however often
            slots.append(where[param])
            used.add(param)
        elif type(param) is int and param <= _BASE + _BLOCK:
            raise ValueError(f"a stand-in the query changed ({param}): it would be frozen into the SQL")
        elif isinstance(param, (str, int)) and not _DATED.match(str(param)):
            slots.append((None, param))  # a scope (a str enum), a flag, a number
        else:  # a date, a time, a list: it would be frozen at its first value
            raise TypeError(f"cannot keep {type(param).__name__} {param!r} in a compiled query")
    if used != set(where):
        raise ValueError("the query did not use every value it was given")
    return sql, tuple(slots)


def run(build: Callable[..., QuerySet], *values: Sequence[int]) -> list[tuple]:
    """The rows of ``build(*values)``, the SQL compiled once per number of values in each argument.

    ``build`` must be a module-level function (it is part of the cache key) that only passes the
    lists it gets on to ``__in`` lookups of integer columns, in filters every row must pass (never
    an ``exclude`` or an ``OR``): an empty argument then means no rows, and runs nothing.
    """
    # Ids as the database compares them: an index's string id or a numpy integer as a plain int,
    # never None (an ``__in`` drops it; here it would stand for nothing).
    values = tuple([int(v) for v in vs] for vs in values)
    if any(len(v) == 0 for v in values):
        return []
    if any(len(v) >= _BLOCK for v in values):
        raise ValueError(f"at most {_BLOCK - 1} values per argument")
    sql, slots = _compiled(build, connection.vendor, tuple(len(v) for v in values))
    params = [values[k][i] if k is not None else i for k, i in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
