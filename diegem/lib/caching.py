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

Signed-in readers never get a cached page, but they do get the parts of a page that are the
same for every reader who may do the same things there, kept by the same content version:
`cached_fragment` (and the template tags in `templatetags/fragments.py`), `shared_content` (a
view's whole public content) and `cached_result` (data). A kept part is made as an anonymous
reader sees it, holds no CSRF token (it is cut where the token goes and joined with each
reader's own) and no nonce, and reads nothing when it is served.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import secrets
import time
from contextvars import ContextVar
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache as page_cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from diegem.lib.versioning import current_content_version

logger = logging.getLogger(__name__)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if settings.BENCHMARK and request.headers.get("X-Bench-Cold"):
        return False  # `make bench` measuring what a page costs to make
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return True


# What decides a page's bytes besides the content: the code, templates, static files (their
# hashed names) and translations this process runs. In the key, so that after an upgrade no
# server serves a page an older release made, though a shared cache still holds it.
RELEASE_FILES = {
    "diegem": (".py", ".mo"),
    "cases": (".py",),
    "frameworks": (".py",),
    "annotations": (".py",),
    "templates": (".html", ".txt"),
    "static": (".js", ".css", ".svg"),
}


@cache
def release_fingerprint() -> str:
    """A short hash of the files that decide a page, read once per process (about 30 ms)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    files = [
        path
        for folder, suffixes in RELEASE_FILES.items()
        for path in (base / folder).rglob("*")
        if path.suffix in suffixes and "__pycache__" not in path.parts
    ]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in sorted(files) + ([manifest] if manifest.is_file() else []):
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(request, version: int) -> str:
    raw = (
        f"{release_fingerprint()}|{version}|{get_language()}|{request.scheme}://"
        f"{request.get_host()}|{request.get_full_path()}"
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _nonce(request):
    return getattr(request, "_csp_nonce", None)


def public_page_cache(view):
    """Serve anonymous GETs of this view from the versioned page cache: a page kept is served
    by `PageCacheMiddleware`, before the view is reached (here, where the middleware is not
    in the way, as in a test that calls the view); a page made is kept here. A page the cache
    keeps is read, never sent to: any method but GET and HEAD is a 405 (`require_safe`)."""
    view = require_safe(view)

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        # Looked up already by the middleware (the key it found nothing under), else here.
        key = getattr(request, "_page_cache_missed", None)
        if key is None:
            key, served = _look_up(request)
            if served is not None:
                return served
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            response.render()  # a TemplateResponse (the sitemap)
        if _cacheable_response(request, response) and (frozen := _freeze(response, request)):
            _cache_set(key, frozen, settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response

    cached_view.kept_by_page_cache = True
    return cached_view


class PageCacheMiddleware:
    """Answer an anonymous GET of a page the page cache holds as early as the page allows: after
    the middleware whose work every response needs (the host checked, the language of the
    address, the CSP nonce, the security headers, X-Frame-Options), before what only making a
    page needs (the CSRF check, the reader's user and messages, the request memo, the view).
    Django's own cache middleware does the same for its per-site cache. Only the addresses of
    views kept by `public_page_cache` are looked up (their address resolved here once more);
    for any other view nothing is read. A page not found is made by its view, which keeps it
    without looking it up again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable_request(request) and _kept_view(request):
            key, served = _look_up(request)
            if served is not None:
                return served
            request._page_cache_missed = key
        return self.get_response(request)


def _look_up(request) -> tuple[str, HttpResponse | None]:
    """This request's key in the page cache, and the page kept under it, served (or None)."""
    key = _key(request, request_content_version(request))
    stored = _cache_get(key)
    return key, (None if stored is None else _revive(stored, request))


def _kept_view(request) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "kept_by_page_cache", False)


# `make bench` measuring what a page costs the first reader after a change (diegem.benchmark,
# `X-Bench-Cold: whole`): nothing kept is used, nothing made is kept.
making_whole: ContextVar[bool] = ContextVar("making_whole", default=False)


def _keeping() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and not making_whole.get()


def request_content_version(request) -> int:
    """The content version as this request first read it (one query per request, however many
    fragments ask). Read it before the data a fragment shows: what is kept under a version is
    then never older than that version. With nothing kept (PAGE_CACHE_SECONDS 0) it is not read."""
    if not _keeping():
        return 0
    if not hasattr(request, "_content_version"):
        request._content_version = current_content_version()
    return request._content_version


def fragment_key(name: str, request, version: int, parts: tuple | None = None) -> str:
    """A fragment of a page that is the same for every visitor (what `{% versioned_fragment %}`
    and `{% shared_fragment %}` keep): keyed like a cached page and by its name, and by the
    address, or by `parts` for a fragment that is the same on every page showing it (a note)."""
    where = request.get_full_path() if parts is None else "|".join(map(str, parts))
    raw = (
        f"{name}|{release_fingerprint()}|{version}|{get_language()}|{request.scheme}://"
        f"{request.get_host()}|{where}"
    )
    return "fragment:" + hashlib.sha256(raw.encode()).hexdigest()


# A CSRF token written into a form's hidden input: output that holds one belongs to one reader.
_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]')


def cached_fragment(
    name: str, request, render, *, parts: tuple | None = None, still=None
) -> list[str]:
    """The fragment `name` of this page, from the cache or made by `render()` and kept.

    `render()` gives the fragment as pieces between which the reader's CSRF token goes (one
    piece when it has no form), and so does this; `still()`, asked once it is made, may say it
    is not to be kept after all. For every reader, signed in or not: only
    what is the same for all of them belongs in one. Output that carries this request's CSP
    nonce or a CSRF token of its own is never kept (it belongs to one response), and with
    PAGE_CACHE_SECONDS at 0 nothing is.
    """
    if not _keeping():
        return render()
    key = fragment_key(name, request, request_content_version(request), parts)
    stored = _cache_get(key)
    if stored is not None:
        return stored  # template output, as rendered: join_with_token marks it safe
    pieces = render()
    if still is not None and not still():
        return pieces  # made from something of this reader's after all: theirs alone
    nonce = _nonce(request)
    if any(_FORM_TOKEN.search(piece) or (nonce and str(nonce) in piece) for piece in pieces):
        return pieces
    _cache_set(key, [str(piece) for piece in pieces], settings.PAGE_CACHE_SECONDS)
    return pieces


def cached_result(name: str, parts: tuple, version: int, compute):
    """A result that is the same for every reader (anything the cache can pickle: the related
    cases' rows, the reflection tool's ranking), kept by the content version `version` (read
    before the data `compute` reads) and by `parts`, which must name everything else it depends
    on. Nothing is kept with PAGE_CACHE_SECONDS at 0."""
    if not _keeping():
        return compute()
    raw = f"{name}|{release_fingerprint()}|{version}|" + "|".join(map(str, parts))
    key = "result:" + hashlib.sha256(raw.encode()).hexdigest()
    stored = _cache_get(key)
    if stored is not None:
        return stored
    result = compute()
    _cache_set(key, result, settings.PAGE_CACHE_SECONDS)
    return result


class CsrfMarker:
    """Stands in for the reader's CSRF token in a kept part: a random string, new for every
    rendering (so never part of anything a user wrote), at which the output is cut; each reader
    gets the pieces joined with their own token (`join_with_token`). No placeholder is stored."""

    def __init__(self):
        self.value = secrets.token_urlsafe(32)

    def __str__(self):
        return self.value


def as_any_reader(marker: CsrfMarker) -> dict:
    """What a kept part is made with, above the context processors: an anonymous reader's
    `user`, `perms` and `messages`, and the marker where the CSRF token goes."""
    return {"user": AnonymousUser(), "perms": None, "messages": (), "csrf_token": marker}


def join_with_token(pieces: list[str], token) -> str:
    """The pieces of a kept part joined with this reader's CSRF token (`token()`, asked only
    when the part has a form: asking sets the CSRF cookie)."""
    # Template output, as rendered; a token is letters and digits only (masked anew).
    return mark_safe(pieces[0] if len(pieces) == 1 else token().join(pieces))  # noqa: S308


def shared_content(request, name: str, template_name: str, make_context) -> str:
    """A page's content that is the same for every reader of its address, kept by the content
    version: `template_name` rendered with `make_context()` (called only when it is made) as an
    anonymous reader would see it, forms joined with this reader's CSRF token. For a view whose
    whole content is public (the case list, the map, the search)."""
    request_content_version(request)  # before the data it shows

    def render() -> list[str]:
        marker = CsrfMarker()
        context = {**make_context(), **as_any_reader(marker)}
        return render_to_string(template_name, context, request).split(marker.value)

    return join_with_token(cached_fragment(name, request, render), lambda: get_token(request))


# A shared cache (Redis) that is down or slow makes pages without it: the page is made afresh
# and the failure logged; `/gezond/` reports it to the load balancer. After a failure this
# process leaves the cache alone for CACHE_BACK_OFF_SECONDS: a page asks it once per kept part
# (a case page, a hundred times), and each call to a cache that does not answer waits for its
# timeout.
CACHE_BACK_OFF_SECONDS = 10.0
_cache_back_off_until = 0.0


def _cache_available() -> bool:
    return time.monotonic() >= _cache_back_off_until


def _cache_failed(action: str, error: Exception) -> None:
    global _cache_back_off_until
    _cache_back_off_until = time.monotonic() + CACHE_BACK_OFF_SECONDS
    logger.warning(
        "Page cache unavailable (%s): %s: %s; not asked for %.0f s",
        action,
        type(error).__name__,
        error,
        CACHE_BACK_OFF_SECONDS,
    )


def _cache_get(key: str):
    if not _cache_available():
        return None
    try:
        return page_cache.get(key)
    except Exception as error:  # noqa: BLE001 - any failure of the cache service
        _cache_failed("read", error)
        return None


def _cache_set(key: str, value, seconds: int) -> None:
    if not _cache_available():
        return
    try:
        page_cache.set(key, value, seconds)
    except Exception as error:  # noqa: BLE001 - any failure of the cache service
        _cache_failed("write", error)


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page carries a CSRF token: it belongs to one visitor
    if "private" in response.get("Cache-Control", ""):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _freeze(response, request) -> dict | None:
    """What is kept of a page: None if it cannot be served again as it is."""
    nonce = _nonce(request)
    used_nonce = bool(nonce)  # a LazyNonce is true only once the page asked for it
    # Kept as bytes (a cache read copies them; served, they need no encoding), cut at the
    # nonce if the page has one: URL-safe base64, the same bytes in UTF-8 (every page here).
    content = response.content
    if used_nonce and codecs.lookup(response.charset).name != "utf-8":
        return None  # another encoding (none here yet): not cut, so not kept
    return {
        "parts": content.split(str(nonce).encode("ascii")) if used_nonce else [content],
        "charset": response.charset,
        # Every header the view set (downloads, Last-Modified, X-Robots-Tag…); the
        # middleware adds its own per response (CSP with this response's nonce, Vary…).
        "headers": dict(response.items()),
        "nonce": used_nonce,
        # Made, the page asked whether the reader is signed in, so the session middleware
        # marked it `Vary: Cookie`: served, it asks nothing, and says the same.
        "varies_by_cookie": getattr(getattr(request, "session", None), "accessed", False),
    }


def _revive(stored: dict, request) -> HttpResponse:
    if stored["nonce"]:
        # A fresh nonce for this response; the CSP middleware puts it in the header.
        content = str(_nonce(request)).encode("ascii").join(stored["parts"])
    else:
        [content] = stored["parts"]
    response = HttpResponse(content, charset=stored["charset"])
    for name, value in stored["headers"].items():
        response[name] = value
    if stored.get("varies_by_cookie"):
        patch_vary_headers(response, ("Cookie",))
    response["X-Page-Cache"] = "hit"
    return response
