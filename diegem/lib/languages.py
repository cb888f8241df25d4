"""The languages of the site: the address says which one a page is in.

Dutch, the default and the source of every text, has no prefix (`/praktijken/…`); French and
English are the same pages under `/fr/` and `/en/` (Django's `i18n_patterns`, with the same
Dutch paths behind the prefix, so that an address never changes with a translation). Neither
the browser's Accept-Language nor a cookie changes what an address shows: a page is the same
for every reader who asks for it (page caches, citations, links shared between partners),
and the switcher on every page leads to the same page in the other languages
(`language_versions`). Addresses outside `i18n_patterns` (the API, data files, the health
check) are Dutch and never vary.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import request_finished
from django.db import models
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class LanguageFromAddressMiddleware:
    """Activates the language of the address (`/fr/…` French, `/en/…` English, anything else
    Dutch) and says it in `Content-Language`. In place of Django's LocaleMiddleware, which
    reads Accept-Language and a cookie for addresses without a prefix and marks them
    `Vary: Accept-Language`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = address_language(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


@receiver(request_finished)
def _back_to_dutch(**kwargs) -> None:
    """Nothing after a request (the next one's code before this middleware, a test) goes on in
    its language: once the response is closed, after every middleware and a streamed body."""
    translation.deactivate()


def address_language(path_info: str) -> str | None:
    """The language an address is in: `fr` for `/fr/…`, `en` for `/en/…`, else None (Dutch).
    Only the exact codes of LANGUAGES (which Django would also find in `/fr-be/…`)."""
    language = translation.get_language_from_path(path_info)
    if language and language != settings.LANGUAGE_CODE and path_info.startswith(f"/{language}/"):
        return language
    return None


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in its own language ("Français")
    url: str  # path and query, for links on the page
    absolute_url: str  # for `hreflang` alternates, which must be absolute ("" for a bad host)
    current: bool


def _unprefixed(path_info: str) -> str:
    """The path without its language prefix: the Dutch page's path (with one leading slash, so
    that `/fr//elsewhere.example/` never becomes a link to another site)."""
    language = address_language(path_info)
    path = path_info[len(language) + 1 :] if language else path_info
    return "/" + path.lstrip("/")


def language_path(path_info: str, language: str) -> str:
    """The same page in `language`: `/fr/praktijken/x/` → `/en/praktijken/x/` or
    `/praktijken/x/` (paths behind the prefix are the same in every language)."""
    return _in_language(_unprefixed(path_info), language)


def _in_language(dutch_path: str, language: str) -> str:
    if language != settings.LANGUAGE_CODE:
        dutch_path = f"/{language}{dutch_path}"
    return get_script_prefix().rstrip("/") + dutch_path


def language_versions(request) -> list[LanguageVersion]:
    """This page in every language of the site, its query kept (filters, a search)."""
    query = request.META.get("QUERY_STRING", "")
    current = translation.get_language()
    try:
        origin = request.build_absolute_uri("/").removesuffix("/")
    except DisallowedHost:  # the error page for a host the site does not serve
        origin = None
    dutch_path = _unprefixed(request.path_info)  # once for every language, on every page
    versions = []
    for code, name in settings.LANGUAGES:
        url = _in_language(dutch_path, code) + (f"?{query}" if query else "")
        absolute = "" if origin is None else origin + url
        versions.append(LanguageVersion(code, name, url, absolute, code == current))
    return versions


def in_dutch(function):
    """Runs `function` in Dutch whatever the page's language: for what is data, not interface
    (a frozen release, the words an import reads), which must not depend on the language of
    the workbench a researcher happens to use."""

    @functools.wraps(function)
    def in_the_site_language(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return in_the_site_language


def language_codes() -> list[str]:
    """The codes of the site's languages (for a check constraint on a language column)."""
    return [code for code, _name in settings.LANGUAGES]


def language_field(verbose_name=None):
    """The language a text was written in, one of the site's (`WrittenIn.original_language`)."""
    return models.CharField(
        verbose_name or _("taal"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )


class WrittenIn:
    """Content written in one language: a case, a section of the framework, a note. Pages mark
    a text in another language than their own with `lang` (`{{ obj|lang_attr:"field" }}`), so
    that a French page showing a Dutch text says so to screen readers, hyphenation and search
    engines. The framework is written in Dutch; a case or a note records its own language."""

    original_language = settings.LANGUAGE_CODE

    def language_of(self, field: str = "") -> str:
        """The language `field` is shown in (one text; `field` names which, for when texts
        of one object can be in different languages)."""
        return self.original_language


def other_language(obj, field: str = "") -> str | None:
    """The language of `obj`'s text `field` when it is not the page's (else None). Anything
    that does not say (`WrittenIn`) is taken to be Dutch, the language the site is written in."""
    language_of = getattr(obj, "language_of", None)
    language = language_of(field) if language_of else settings.LANGUAGE_CODE
    return None if language == translation.get_language() else language
