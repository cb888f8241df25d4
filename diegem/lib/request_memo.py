"""Facts read once per reading request, however many parts of the page ask.

A page asks several times whether its reader is a member (the header, the margin, the follow
button, the readings): `memoized(key, compute)` reads it once while a GET or HEAD request is
being answered (`RequestMemoMiddleware`) and every time outside one (a command, a test, a
request that writes: what it changes is read again). Keys name everything the fact depends
on (the user's id); a value read with something more than its key names (a reader's facts
with the page's follow target) says so itself. `remembered(key)` gives what is kept, reading
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("diegem_request_memo", default=None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def memoized[T](key: Hashable, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def remembered(key: Hashable):
    """What this request keeps under `key`, or None: nothing read yet, or not in a request."""
    memo = _memo.get()
    return None if memo is None else memo.get(key)
