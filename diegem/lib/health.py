"""Whether this app server can serve: what `/gezond/` asks of it for a load balancer.

Each check asks the service itself, with a short timeout of its own where the client has one:
the database answers a query, the cache stores and returns a value (the shared Redis cache when
`CACHE_URL` is set, or this process's own). A failing check is logged with its reason; the
answer to the caller says only healthy or not.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

PROBE_SECONDS = 10  # how long a probe value may stay in the cache if its deletion fails


@dataclass(frozen=True)
class Health:
    failing: tuple[str, ...]  # the names of the checks that failed

    @property
    def healthy(self) -> bool:
        return not self.failing


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def _cache() -> None:
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, PROBE_SECONDS)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


def site_health() -> Health:
    """Run every check; log each failure with its reason."""
    failing = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure of a service is a failed check
            logger.error("Health check %s failed: %s: %s", name, type(error).__name__, error)
            failing.append(name)
    return Health(tuple(failing))
