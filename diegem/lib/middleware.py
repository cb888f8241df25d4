"""Middleware that holds for every view of the site."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# Parameter names are shown on the error page; a long one is cut.
SHOWN_NAME_LENGTH = 80


class RejectNulBytesMiddleware:
    """Answer 400, naming the field, when a parameter holds a NUL byte; no view runs.

    PostgreSQL refuses the NUL character in text, so such a value would fail in
    whichever query first used it, as a 500. No form of this site has a use for
    it, so it is refused here once for every view, query string and form alike
    (url-encoded and multipart, names and values).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = _parameter_with_nul(request)
        if name is not None:
            shown = name.replace("\0", "\N{REPLACEMENT CHARACTER}")[:SHOWN_NAME_LENGTH]
            return render(request, "400.html", {"field": shown}, status=400)
        return self.get_response(request)


def _parameter_with_nul(request) -> str | None:
    parameters = [request.GET]
    if request.method == "POST":
        parameters.append(request.POST)  # parsed once; the view gets the same objects
    for query in parameters:
        for name, values in query.lists():
            if "\0" in name or any("\0" in value for value in values):
                return name
    if request.method == "POST":
        # Django strips unprintable characters from the names of the files themselves.
        return next((name for name in request.FILES if "\0" in name), None)
    return None


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
        if "Cache-Control" not in response and (session in request.COOKIES or session in response.cookies):
            patch_cache_control(response, private=True, no_cache=True)
        return response
