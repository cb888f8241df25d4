"""Many counts over one queryset in one pass: `count(*) FILTER (WHERE …)` per condition.

The ORM can write this (`aggregate(n=Count("pk", filter=Q(…)))`), but with a hundred such
counts `aggregate()` spends tens of milliseconds resolving, comparing and rewriting the
expression trees, several times what PostgreSQL needs to count. Here a condition is a sequence
of parts that must all hold; each part is compiled by Django, against a query over the
queryset's model (its table keeps its own name, so conditions on the row and correlated
subqueries refer to it), once per process (a part with a subquery on each use), and the rows of
the queryset are read once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Q, QuerySet, Subquery

COMPILED_PARTS = 4096  # compiled conditions kept per process


def count_each(queryset: QuerySet, conditions: dict[str, Sequence[Q]]) -> dict[str, int]:
    """How many rows of the queryset meet each condition (all of its parts; none: every row).

    A part is a condition on the row itself: its columns, and subqueries (`Exists`) for
    related rows; a lookup across a relation (`domain__key`) is refused with a FieldError.

    The queryset is read as its primary keys, in a subquery: the counted rows are its rows,
    whatever it joins or filters.
    """
    if not conditions:
        return {}
    try:
        rows, rows_params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return dict.fromkeys(conditions, 0)
    model, db = queryset.model, queryset.db
    table, pk = _names(model, db)
    parts, params = [], []
    for condition in conditions.values():
        compiled = [
            _compiled(db, model, part) if _cacheable(part) else _compile(db, model, part)
            for part in condition
        ]
        if not compiled:
            parts.append("count(*)")
            continue
        parts.append(f"count(*) FILTER (WHERE {' AND '.join(f'({sql})' for sql, _ in compiled)})")
        params.extend(p for _, part_params in compiled for p in part_params)
    sql = f"SELECT {', '.join(parts)} FROM {table} WHERE {table}.{pk} IN ({rows})"
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*params, *rows_params])
        values = cursor.fetchone()
    return dict(zip(conditions, values, strict=True))


@lru_cache(maxsize=64)
def _names(model, db: str) -> tuple[str, str]:
    query = model._default_manager.all().query
    compiler = query.get_compiler(db)
    return (
        compiler.quote_name(query.get_initial_alias()),
        compiler.quote_name(model._meta.pk.column),
    )


def _cacheable(part: Q) -> bool:
    """Whether equal parts are known to be equal: a subquery compares by its queryset's
    identity, so a part with one would only fill the cache."""
    return not any(isinstance(node, Subquery) for node in part.flatten())


@lru_cache(maxsize=COMPILED_PARTS)
def _compiled(db: str, model, part: Q) -> tuple[str, tuple]:
    return _compile(db, model, part)


def _compile(db: str, model, part: Q) -> tuple[str, tuple]:
    """One part as SQL on the model's own table, and its parameters."""
    query = model._default_manager.all().query
    compiler = query.get_compiler(db)
    try:
        sql, params = compiler.compile(query.build_where(part))
    except EmptyResultSet:  # a part nothing meets (`pk__in=[]`)
        return "false", ()
    except FullResultSet:  # one every row meets
        return "true", ()
    return sql, tuple(params)
