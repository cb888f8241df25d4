"""Whether this app server can serve: what `/gezond/` asks of it for a load balancer.

`HealthCheckMiddleware` (first in MIDDLEWARE) answers it before anything else looks at the
request: a load balancer asks by the server's own address, over plain HTTP, where the site's
host check would answer 400 and its HTTPS redirect 301.

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
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import add_never_cache_headers

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


PATHS = frozenset({"/gezond/", "/gezond"})


# Answered before the site's security middleware: its headers are added here by that same
# middleware (nosniff, referrer and opener policies, HSTS over HTTPS; framing), from the same
# settings, and a CSP for a text that loads nothing.
_SECURITY = (
    SecurityMiddleware(lambda request: None),
    XFrameOptionsMiddleware(lambda request: None),
)
HEALTH_CSP = "default-src 'none'; frame-ancestors 'none'"


def health_response(request) -> HttpResponse:
    """200 `ok` or 503 `niet gezond`, never cached, and nothing more."""
    if site_health().healthy:
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(
            "niet gezond\n", content_type="text/plain; charset=utf-8", status=503
        )
    add_never_cache_headers(response)
    response["Content-Security-Policy"] = HEALTH_CSP
    for middleware in _SECURITY:
        response = middleware.process_response(request, response)
    return response


class HealthCheckMiddleware:
    """Answer GET and HEAD of `/gezond/` whatever the Host header or scheme."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PATHS and request.method in ("GET", "HEAD"):
            return health_response(request)
        return self.get_response(request)
