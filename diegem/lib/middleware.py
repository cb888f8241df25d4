"""Middleware that holds for every view of the site."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

# Parameter names are shown on the error page; a long one is cut.
SHOWN_NAME_LENGTH = 80


# Posted values that views read before any form validates them (the target of a new note, what
# the follow button follows and where it returns to);
# every other posted value belongs to a form field, which answers a NUL with its own error
# beside the field and keeps what was typed (Django's ProhibitNullCharactersValidator).
RAW_POSTED_PARAMETERS = frozenset({"doel", "next", "soort", "sleutel", "actie", "volgende"})


class RejectNulBytesMiddleware:
    """Answer 400, naming the parameter, when a query parameter holds a NUL byte; no view runs.

    PostgreSQL refuses the NUL character in text, so such a value would fail in
    whichever query first used it, as a 500. Query strings are read directly by
    the views (filters, search, paging), so a NUL there is refused here once for
    every view; so are the names of posted parameters and the few posted values
    read before a form (RAW_POSTED_PARAMETERS). Posted form fields are left to
    their forms, which name the field and keep the rest of what was typed. An address with
    a NUL in its path (a workshop's code, a codebook's language) names no page: 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\0" in request.path_info:
            raise Http404("No page has a NUL byte in its address.")
        name = _parameter_with_nul(request)
        if name is not None:
            shown = name.replace("\0", "\N{REPLACEMENT CHARACTER}")[:SHOWN_NAME_LENGTH]
            return render(request, "400.html", {"field": shown}, status=400)
        return self.get_response(request)


def _parameter_with_nul(request) -> str | None:
    for name, values in request.GET.lists():
        if "\0" in name or any("\0" in value for value in values):
            return name
    if request.method != "POST":
        return None
    for name, values in request.POST.lists():  # parsed once; the view gets the same objects
        if "\0" in name or (
            name in RAW_POSTED_PARAMETERS and any("\0" in value for value in values)
        ):
            return name
    # Django strips unprintable characters from the names of the files themselves.
    return next((name for name in request.FILES if "\0" in name), None)


class DropNulCookiesMiddleware:
    """Forget a cookie whose value holds a NUL byte, before the session middleware reads it.

    A session key with a NUL would reach PostgreSQL in the session lookup and
    fail as a 500 on every page; the site never sets such a cookie, so the
    visitor is simply treated as having none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [
            name for name, value in request.COOKIES.items() if "\0" in name or "\0" in value
        ]:
            del request.COOKIES[name]
        return self.get_response(request)


class PrivateForUsersMiddleware:
    """Mark every response to a signed-in user (or any visitor with a session) private.

    Such pages show one person's things (their pending notes, the moderation
    queue, the admin); no shared cache between them and the reader may keep
    them. A view that decided its own caching keeps its Cache-Control. Pages for
    anonymous readers are left alone: they are the same for everyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Signing in goes through the session: a user without a session cookie, sent or
        # being set, is anonymous. Reading request.user here would cost queries.
        session = settings.SESSION_COOKIE_NAME
        if "Cache-Control" not in response and (
            session in request.COOKIES or session in response.cookies
        ):
            patch_cache_control(response, private=True, no_cache=True)
        return response


class RevalidatePublicMiddleware:
    """Tell every cache between the site and the reader to ask again before it shows a page
    once more (`Cache-Control: no-cache`), when the response says nothing itself.

    Without the header a shared cache (a CDN's default, some proxies') may keep a page for
    a time of its own choosing: a note hidden by a reviewer, or a case taken offline, would
    stay on the pages it kept. The site's own page cache is versioned and never outlives what
    it showed; asking it again costs a reader little. Outside `PageCacheMiddleware`, so a page
    the page cache answers gets it too. Responses that decide their own caching (static files,
    release files, private pages) keep theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            patch_cache_control(response, no_cache=True)
        return response


# What a 405 is written for: a page, unless the client prefers data (axios sends
# "application/json, text/plain, */*"; no Accept at all is a browser's page).
PAGE_OR_DATA = ["text/html", "application/ld+json", "application/json"]


class MethodNotAllowedPageMiddleware:
    """A page in the reader's language for a 405: Django's (`require_safe`, `require_POST`) has
    no body at all. Only such an empty answer is replaced, for a client that reads HTML (not
    the annotation API's, which asks for JSON-LD); its `Allow` header stays. The page says what
    the address takes: only reading, only a form, or (both) not this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        if request.get_preferred_type(PAGE_OR_DATA) == "text/html":
            allowed = response.get("Allow", "")
            methods = set(allowed.replace(" ", "").split(","))
            gets, posts = "GET" in methods, "POST" in methods
            response = render(
                request,
                "405.html",
                {"read_only": gets and not posts, "form_only": posts and not gets},
                status=405,
            )
            response["Allow"] = allowed
        # A client of the data (JSON, JSON-LD) keeps Django's empty 405; the answer depends on
        # what the client reads, so caches keep the two apart.
        patch_vary_headers(response, ["Accept"])
        return response
