"""A cache for public pages, keyed by the content version.

Anonymous readers get the same HTML for the same URL until the content
changes; every content write gives the content a new version
(`diegem.lib.versioning`), so a cached page never outlives the state it
showed: an unpublished case or a hidden annotation is gone from every cached
page at once. Reading the version costs one small query per request.

What is never cached: anything for a logged-in user or a visitor with a
session or pending messages, responses that are not 200, responses that set a
cookie (a CSRF token), and non-GET requests. A cached page keeps no CSP nonce:
it is stored cut at the nonce of the request that made it (an unguessable
random string, so never part of user text) and joined with the nonce of each
response that serves it, in the body and (through Django's CSP middleware) in
the header. No placeholder is written into the page, so no text a user wrote
can ever be taken for one.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from diegem.lib.versioning import current_content_version


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if settings.BENCHMARK and request.headers.get("X-Bench-Cold"):
        return False  # `make bench` measuring what a page costs to make
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return True


def _key(request, version: int) -> str:
    raw = f"{version}|{get_language()}|{request.get_host()}|{request.get_full_path()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _nonce(request):
    return getattr(request, "_csp_nonce", None)


def public_page_cache(view):
    """Serve anonymous GETs of this view from the versioned page cache."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request, current_content_version())
        stored = cache.get(key)
        if stored is not None:
            return _revive(stored, request)
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            response.render()  # a TemplateResponse (the sitemap)
        if _cacheable_response(request, response):
            cache.set(key, _freeze(response, request), settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response

    return cached_view


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page carries a CSRF token: it belongs to one visitor
    if "private" in response.get("Cache-Control", ""):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _freeze(response, request) -> dict:
    nonce = _nonce(request)
    used_nonce = bool(nonce)  # a LazyNonce is true only once the page asked for it
    # A page with a nonce is text, cut at it; anything else (a ZIP download) is kept as bytes.
    content = response.content.decode(response.charset) if used_nonce else response.content
    return {
        "parts": content.split(str(nonce)) if used_nonce else [content],
        "charset": response.charset,
        # Every header the view set (downloads, Last-Modified, X-Robots-Tag…); the
        # middleware adds its own per response (CSP with this response's nonce, Vary…).
        "headers": dict(response.items()),
        "nonce": used_nonce,
    }


def _revive(stored: dict, request) -> HttpResponse:
    if stored["nonce"]:
        # A fresh nonce for this response; the CSP middleware puts it in the header.
        content = str(_nonce(request)).join(stored["parts"])
    else:
        [content] = stored["parts"]
    response = HttpResponse(content, charset=stored["charset"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response
