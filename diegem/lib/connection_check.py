"""The first query of a request checks the database connection, without a round trip of its own.

With CONN_HEALTH_CHECKS, Django checks a kept connection before the first query of every request
with a `SELECT 1` of its own: one round trip more on every request, about a fifth of what a page
served from the page cache costs (README, "Benchmark"). The reads that open nearly every request
(the content version, the reader's session) are that check themselves: `checking_connection`
runs such a read in place of Django's check when one is due; if the connection turns out to be
gone (the database restarted, a proxy dropped it), it is closed, as a failed check closes it, and
the read runs once more on a new connection. Any other first query gets Django's own check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, Error, connections


def checking_connection[T](read: Callable[[], T], using: str = DEFAULT_DB_ALIAS) -> T:
    """`read()` (a query that changes nothing: it may run twice) on the database `using`, as
    the health check of its connection when one is due."""
    connection = connections[using]
    due = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block  # (entering one runs Django's check anyway)
    )
    if not due:
        return read()
    connection.health_check_done = True  # the read is the check: no SELECT 1 before it
    try:
        return read()
    except Error:
        # Whatever the driver calls it (a dropped SSL connection is a bare DatabaseError, one it
        # knows closed an InterfaceError), the connection is replaced only if it is gone, as
        # Django's check decides (`is_usable`, asked only now that something failed); an error
        # of the read itself is the caller's.
        if connection.is_usable():
            raise
        connection.close()
        return read()
