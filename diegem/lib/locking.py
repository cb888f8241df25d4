"""One at a time, for writes that have no row to lock: PostgreSQL's transaction-level advisory
lock, held until the transaction that takes it ends (`one_at_a_time`)."""

import hashlib

from django.db import connection


def one_at_a_time(name: str) -> None:
    """Hold a lock named `name` until the transaction ends; whoever asks for the same name waits.

    Inside `transaction.atomic` only: outside one, the lock would end with the statement.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("one_at_a_time needs a transaction (transaction.atomic)")
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
