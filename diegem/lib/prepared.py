"""A query the ORM builds the same way every time, compiled once per process and planned
once per database connection.

Building and compiling a queryset with a few subqueries costs the ORM milliseconds of
Python, and PostgreSQL plans a join of five tables in most of one: many times what it needs
to run it. A query that differs between requests only in some values (a user's id) is built
once with a stand-in for each value (a number or a string no row has), compiled, and
prepared on each connection (`PREPARE`: the plan is PostgreSQL's to keep); from then on it is
run with the real values (`EXECUTE`). A prepared statement outlives a transaction rolled
back (PREPARE is not transactional) and dies with its connection; a connection pooler in
front of PostgreSQL must therefore pool by session, not by transaction (README, Deploying).
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from threading import Lock
from uuid import UUID

from django.db import DatabaseError, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins: negative numbers no key has, within a 32-bit integer (the ORM finds no row for a
# value outside a field's range and would compile nothing), and strings no value has.
_STAND_IN = -2_047_300_001
_STAND_IN_TEXT = "\u2063stand-in-{}\u2063"
_names = itertools.count(1)
_on_connections = itertools.count(1)  # each statement's name on a connection: never reused
_PLACEHOLDER = re.compile(r"%%|%s")
_WRITTEN: dict[str, str] = {}  # each statement's SQL, by its name (`as_written`)
_EXECUTE = re.compile(r"EXECUTE (diegem_prepared_\d+)_\d+\b")


def as_written(sql: str) -> str:
    """A query as logged (`CaptureQueriesContext`, the debug toolbar) with the SQL of the
    prepared statement an `EXECUTE` runs written out: what a reader of the log wants to see."""
    return _EXECUTE.sub(lambda match: f"{match.group(0)} /* {_WRITTEN[match.group(1)]} */", sql)


class PreparedQuery:
    """`build(**values)` gives the queryset; every value must be an integer (an id) or a string
    (not None) that the ORM passes to the database as a parameter."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[tuple, tuple] = {}
        self._lock = Lock()

    def rows(self, **values: int | str) -> list[dict]:
        """The rows, each a dict of its columns (a `values()` queryset's)."""
        columns, rows, _compiled = self._execute(values)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def instances(self, **values: int | str) -> list[Model]:
        """The model instances a model queryset gives (its `select_related` ones too, not its
        `prefetch_related`), made by Django's own iterable from the rows of the statement."""
        _columns, rows, compiled = self._execute(values)
        compiler = copy.copy(compiled.compiler)
        compiler.execute_sql = lambda *args, **kwargs: [rows]  # the rows already read
        query = copy.copy(compiled.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = compiled.queryset.model._default_manager.using(compiled.db).all()
        queryset.query = query
        return list(ModelIterable(queryset))

    def _execute(self, values: dict) -> tuple:
        for name, value in values.items():
            if not isinstance(value, str) and (type(value) is bool or not isinstance(value, int)):
                # None would be bound to `= $1` and match nothing (the ORM writes IS NULL).
                raise TypeError(
                    f"{name}: a prepared query takes integers and strings, not {value!r}"
                )
        names = tuple(sorted((name, isinstance(value, str)) for name, value in values.items()))
        compiled = self._compile(names)
        try:
            return self._run(compiled, values)
        except DatabaseError as error:
            # A migration that changed a column a statement reads (SQLSTATE 0A000, "cached plan
            # must not change result type"): prepared anew, once, where nothing else is undone.
            connection = connections[compiled.db]
            if getattr(error.__cause__, "pgcode", None) != "0A000" or connection.in_atomic_block:
                raise
            return self._run(compiled, values)

    def _run(self, compiled: _Compiled, values: dict) -> tuple:
        bound = [
            values[slot] if slot else param
            for param, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        statement = compiled.statement
        connection = connections[compiled.db]
        arguments = f"({', '.join(['%s'] * len(bound))})" if bound else ""
        with connection.cursor() as cursor:
            prepared = _prepared_on(connection)
            name = prepared.names.get(statement)
            if name is None:
                # Prepared and run in one round trip. Named anew on this connection: after a
                # failure the name is given up (it may have been prepared all the same).
                name = prepared.names[statement] = f"{statement.name}_{next(_on_connections)}"
                types = f" ({statement.types})" if statement.types else ""
                sql = f"PREPARE {name}{types} AS {statement.sql}; EXECUTE {name}{arguments}"
            else:
                sql = f"EXECUTE {name}{arguments}"
            try:
                cursor.execute(sql, bound)
            except Exception:
                prepared.names.pop(statement, None)
                raise
            return [column.name for column in cursor.description], cursor.fetchall(), compiled

    def _compile(self, names: tuple) -> _Compiled:
        compiled = self._compiled.get(names)
        if compiled is None:
            stand_ins = {
                name: (_STAND_IN_TEXT.format(i) if text else _STAND_IN - i)
                for i, (name, text) in enumerate(names)
            }
            queryset = self.build(**stand_ins)
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            by_value = {value: name for name, value in stand_ins.items()}
            slots = [
                by_value.get(param) if isinstance(param, int | str) else None for param in params
            ]
            if any(isinstance(param, date) for param in params):
                # Kept as compiled, a time would stop: compare with the database's (`Now()`).
                raise ValueError(
                    "A date or time among the values of a prepared query: compare with the "
                    "database's clock (Now(), Now() - timedelta(…))"
                )
            missing = set(stand_ins) - set(slots)
            derived = [
                param
                for param, slot in zip(params, slots, strict=True)
                if slot is None and _made_from_a_stand_in(param)
            ]
            if missing or derived or _made_from_a_stand_in(sql):
                # A value written into the SQL itself, or into another value (f"user:{id}"), or
                # not used: it cannot be swapped.
                raise ValueError(
                    f"Not every value is a parameter of the query: {sorted(missing)} {derived}"
                )
            compiled = _Compiled(
                _Statement(sql, params, slots),
                tuple(params),
                tuple(slots),
                queryset.db,
                queryset,
                compiler,
            )
            with self._lock:
                self._compiled[names] = compiled
        return compiled


def _made_from_a_stand_in(text) -> bool:
    return isinstance(text, str) and (str(_STAND_IN)[:6] in text or "\u2063stand-in" in text)


@dataclass(frozen=True)
class _Compiled:
    statement: _Statement
    params: tuple
    slots: tuple  # per parameter: the name of the value put there, or None (the ORM's own)
    db: str
    queryset: QuerySet  # as built with the stand-ins, and the compiler that compiled it
    compiler: SQLCompiler


# Each parameter's type, from its Python value: left to PostgreSQL, a value standing alone (a
# `Value(False)` selected as a column) would be text, and the string 'false' is true.
_TYPES = [
    (bool, "boolean"),
    (int, "bigint"),
    (float, "double precision"),
    (Decimal, "numeric"),
    (str, "text"),
    (datetime, "timestamptz"),
    (date, "date"),
    (UUID, "uuid"),
    (timedelta, "interval"),
]


def _type_of(value, slot: str | None) -> str:
    if slot is not None:  # a value of the caller's: an id (bigint) or a string
        return "text" if isinstance(value, str) else "bigint"
    if type(value) is int and -(2**31) <= value < 2**31:
        return "integer"  # the ORM's own constants: SUBSTRING(…, 1, 1), ROUND(…, 2)
    return next((name for kind, name in _TYPES if isinstance(value, kind)), "unknown")


class _Statement:
    """The SQL of one compiled query with numbered, typed parameters, under a name of its own."""

    def __init__(self, sql: str, params: tuple, slots: tuple):
        self.name = f"diegem_prepared_{next(_names)}"
        _WRITTEN[self.name] = sql
        self.types = ", ".join(
            _type_of(param, slot) for param, slot in zip(params, slots, strict=True)
        )
        numbers = itertools.count(1)
        self.sql = _PLACEHOLDER.sub(
            lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql
        ).replace("%", "%%")  # sent with the EXECUTE's values, through the driver's placeholders


@dataclass
class _Prepared:
    """The statements prepared on one database session, by the name each has there."""

    raw: object  # the driver's connection
    names: dict = field(default_factory=dict)


def _prepared_on(connection) -> _Prepared:
    raw = connection.connection
    state = getattr(connection, "_diegem_prepared", None)
    if state is None or state.raw is not raw:
        state = connection._diegem_prepared = _Prepared(raw)
    return state
