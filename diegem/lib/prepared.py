"""A query the ORM builds the same way every time, compiled once per process.

Building and compiling a queryset with a few subqueries costs the ORM milliseconds of
Python, many times what PostgreSQL needs to run it. A query that differs between requests
only in some values (a user's id) is built once with a stand-in for each value (a number no
row has), compiled, and from then on run with the real values put where the stand-ins were.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock

from django.db import connections
from django.db.models import QuerySet

# Stand-ins: negative numbers no key has, within a 32-bit integer (the ORM finds no row for a
# value outside a field's range and would compile nothing).
_STAND_IN = -2_047_300_001


class PreparedQuery:
    """`build(**values)` gives the queryset; every value must be an integer (an id) that the
    ORM passes to the database as a parameter. Rows come back as dicts of their columns."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[tuple, tuple] = {}
        self._lock = Lock()

    def rows(self, **values: int) -> list[dict]:
        names = tuple(sorted(values))
        sql, params, slots, db = self._compile(names)
        bound = [values[slot] if slot else param for param, slot in zip(params, slots, strict=True)]
        with connections[db].cursor() as cursor:
            cursor.execute(sql, bound)
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def _compile(self, names: tuple) -> tuple:
        compiled = self._compiled.get(names)
        if compiled is None:
            stand_ins = {name: _STAND_IN - i for i, name in enumerate(names)}
            queryset = self.build(**stand_ins)
            sql, params = queryset.query.sql_with_params()
            by_value = {value: name for name, value in stand_ins.items()}
            slots = [by_value.get(param) if isinstance(param, int) else None for param in params]
            missing = set(names) - set(slots)
            if missing or str(_STAND_IN)[:6] in sql:
                # A value written into the SQL itself, or not used: it cannot be swapped.
                raise ValueError(f"Not every value is a parameter of the query: {sorted(missing)}")
            compiled = (sql, tuple(params), tuple(slots), queryset.db)
            with self._lock:
                self._compiled[names] = compiled
        return compiled
