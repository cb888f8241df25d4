"""Query plans on the covering index of the case rows (cases 0010, 0014), for the tests that
hold a query to an index-only scan. The caller's test runs outside a transaction
(`django_db(transaction=True)`): VACUUM, as autovacuum would, runs outside one."""

from django.db import connection, transaction


def only_the_covering_index(cursor) -> None:
    """Drop every other index of the case table but its keys' (the caller rolls back): on a few rows the
    planner may read any narrow index and the heap as cheaply; on ten thousand it takes the
    covering one (make bench). The covering index can then be read alone, index-only, exactly
    when it holds every column the query reads."""
    cursor.execute(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = 'cases_case'::regclass AND c.relname <> 'case_status_facets'"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')


def plan_on_the_covering_index(sql: str) -> str:
    """The plan of the query on a vacuumed case table, with nothing that reads the heap
    enabled and no index but the covering one (and the keys')."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")
        with transaction.atomic():
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            only_the_covering_index(cursor)
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    return plan
