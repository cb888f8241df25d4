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
from django.dispatch import Signal, receiver
from django.http import QueryDict
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import translation
from django.utils.text import format_lazy
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


# Sent (in the writer's transaction) when a row's `original_language` changes: its original texts
# stay in their plain columns, now in the new language, and whatever stands on them (notes)
# follows (`annotations.receivers`). Arguments: instance, old, new.
original_language_changed = Signal()


def address_language(path_info: str) -> str | None:
    """The language an address is in: `fr` for `/fr/…`, `en` for `/en/…`, else None (Dutch).
    Only the exact codes of LANGUAGES (which Django would also find in `/fr-be/…`); `/fr` and
    `/en` too, which CommonMiddleware then sends on to `/fr/` and `/en/`."""
    language = translation.get_language_from_path(path_info)
    if (
        language
        and language != settings.LANGUAGE_CODE
        and (path_info.startswith(f"/{language}/") or path_info == f"/{language}")
    ):
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
    return "/" + path.lstrip("/\\")  # a backslash too: browsers read it as a slash


def language_path(path_info: str, language: str) -> str:
    """The same page in `language`: `/fr/praktijken/x/` → `/en/praktijken/x/` or
    `/praktijken/x/` (paths behind the prefix are the same in every language)."""
    return _in_language(_unprefixed(path_info), language)


def _in_language(dutch_path: str, language: str) -> str:
    if language != settings.LANGUAGE_CODE:
        dutch_path = f"/{language}{dutch_path}"
    return get_script_prefix().rstrip("/") + dutch_path


# Query parameters that name a page of the site to go to afterwards (the login's `next`): in
# another language's version of the page, that page in that language too.
ONWARD_PARAMETERS = ("next",)


def _onward_in(onward: str, language: str) -> str:
    """A page of this site to go on to (a path, as `request.get_full_path()` gives it), in
    `language` when it has a version in it (an address of `i18n_patterns`); else as it was (a
    data file, the API, anything not a path of this site)."""
    script_prefix = get_script_prefix()
    if not onward.startswith(script_prefix) or onward.startswith(("//", "/\\")):
        return onward
    path, mark, rest = ("/" + onward[len(script_prefix) :]).partition("?")
    moved = language_path(path, language)  # with the script prefix
    with translation.override(language):
        try:
            resolve(moved[len(script_prefix) - 1 :])
        except Resolver404:
            return onward
    return moved + mark + rest


def _query_in(query_string: str, language: str) -> str:
    """The query of a page in `language`: its onward page (`next`) in that language as well
    (`_onward_in`); everything else as it was."""
    if not any(f"{name}=" in query_string for name in ONWARD_PARAMETERS):
        return query_string
    query = QueryDict(query_string, mutable=True)
    for name in ONWARD_PARAMETERS:
        if onward := query.get(name, ""):
            query[name] = _onward_in(onward, language)
    return query.urlencode(safe="/")


def language_versions(request) -> list[LanguageVersion]:
    """This page in every language of the site, its query kept (filters, a search; the page a
    login leads on to, in that language)."""
    query = request.META.get("QUERY_STRING", "")
    current = translation.get_language()
    try:
        origin = request.build_absolute_uri("/").removesuffix("/")
    except DisallowedHost:  # the error page for a host the site does not serve
        origin = None
    dutch_path = _unprefixed(request.path_info)  # once for every language, on every page
    versions = []
    for code, name in settings.LANGUAGES:
        in_language = _query_in(query, code) if query else ""
        url = _in_language(dutch_path, code) + (f"?{in_language}" if in_language else "")
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


def active_language() -> str:
    """The language in force: the active one, else the site's (Dutch) when none is active."""
    return translation.get_language() or settings.LANGUAGE_CODE


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


# The site's languages named in Dutch, for the labels of translation columns ("titel (Frans)").
LANGUAGE_NAMES_IN_DUTCH = {"nl": _("Nederlands"), "fr": _("Frans"), "en": _("Engels")}


class WrittenIn:
    """Content written in one language: a case, a section of the framework, a note. Pages mark
    a text in another language than their own with `lang` (`{{ obj|lang_attr:"field" }}`), so
    that a French page showing a Dutch text says so to screen readers, hyphenation and search
    engines. The framework is written in Dutch; a case or a note records its own language.

    A model made `translated(...)` also holds translations of some of its texts, in columns
    of its own beside the original (`title` is the original, `title_fr` its French
    translation, empty while there is none). Pages read a text through `shown_text(field)`
    (in templates `{{ obj.shown.field }}`): the translation into the page's language, or the
    original when there is none, with the language it is in. What is stored, searched by the
    original's stemmer, exported and annotated as the original stays in the plain column.
    """

    original_language = settings.LANGUAGE_CODE
    # Set by `translated`: the texts with translation columns, and their languages.
    TRANSLATED_FIELDS: tuple[str, ...] = ()
    TRANSLATION_LANGUAGES: tuple[str, ...] = ()

    def shown_text(self, field: str, language: str | None = None) -> tuple[str, str]:
        """`field`'s text as a page in `language` (the active one) shows it, and its language:
        the translation, else the original (never an empty text for a written original)."""
        language = language or active_language()
        original = self.original_language
        if language != original and field in self.TRANSLATED_FIELDS:
            translated_text = getattr(self, translation_column(field, language), "")
            if translated_text and translated_text.strip():
                return translated_text, language
        return getattr(self, field), original

    @property
    def shown(self) -> ShownTexts:
        """The texts as the page's language shows them: `{{ case.shown.title }}`."""
        return ShownTexts(self)

    def language_of(self, field: str = "") -> str:
        """The language `field` is shown in (one text; `field` names which, for when texts
        of one object can be in different languages)."""
        if field in self.TRANSLATED_FIELDS:
            return self.shown_text(field)[1]
        return self.original_language

    def translator(self, language: str | None = None) -> str:
        """Who translated this object's texts into `language` (the page's): "" for none."""
        language = language or active_language()
        return getattr(self, f"translated_by_{language}", "") or ""

    def translations_into_original(self) -> list[str]:
        """The translation columns in this object's own original language that hold text. A text
        has no translation into the language it is written in: no page would show it, and a
        note on it would stand on a text nobody reads (the workbench and the import refuse them)."""
        language = self.original_language
        columns = (translation_column(field, language) for field in self.TRANSLATED_FIELDS)
        return [column for column in columns if str(getattr(self, column, "") or "").strip()]

    def translations_of(self, field: str) -> dict[str, str]:
        """`field` in every language it exists in, the original first: {"nl": …, "fr": …}."""
        texts = {self.original_language: getattr(self, field)}
        for language in self.TRANSLATION_LANGUAGES:
            if language != self.original_language:
                texts[language] = getattr(self, translation_column(field, language))
        return texts


class ShownTexts:
    """`obj.shown.title`: `obj.shown_text("title")[0]`, for templates."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, field: str) -> str:
        return self._obj.shown_text(field)[0]


def translation_column(field: str, language: str) -> str:
    """The column holding `field`'s translation into `language`: `title_fr`."""
    return f"{field}_{language}"


def version_text(obj, field: str, language: str) -> str:
    """The text of `obj`'s `field` in one language version, without falling back: the original
    for its own language, else the translation ("" when there is none). What is anchored to a
    language version (a note on the French text) is read here, never from another version."""
    if language == obj.original_language:
        return getattr(obj, field)
    if field not in obj.TRANSLATED_FIELDS or language not in obj.TRANSLATION_LANGUAGES:
        return ""
    return getattr(obj, translation_column(field, language))


def with_translations(model, *fields: str, prefix: str = "") -> list[str]:
    """`fields` and their translation columns, for `.only()` or `.values()` of rows whose texts
    a page shows through `shown_text` (`prefix` for a related model's: "case__"), and the row's
    `original_language` where it records one."""
    names = [prefix + column for column in language_versions_of(model, *fields)]
    if any(f.name == "original_language" for f in model._meta.concrete_fields):
        names.insert(0, prefix + "original_language")
    return names


def language_versions_of(model, *fields: str) -> dict[str, tuple[str, str | None]]:
    """Every column holding a language version of `fields`, with the field and the language it
    is a version of (None for the original column, whose language is its row's):
    {"context": ("context", None), "context_fr": ("context", "fr"), …}."""
    found = {}
    for field in fields:
        found[field] = (field, None)
        if field in model.TRANSLATED_FIELDS:
            for code in model.TRANSLATION_LANGUAGES:
                found[translation_column(field, code)] = (field, code)
    return found


def column_version(model, column: str) -> tuple[str, str | None]:
    """The field a column holds a language version of, and its language (None for the original
    column, whose language is its row's): `context_fr` → ("context", "fr")."""
    for language in model.TRANSLATION_LANGUAGES:
        field = column.removesuffix(f"_{language}")
        if field != column and field in model.TRANSLATED_FIELDS:
            return field, language
    return column, None


def translation_columns(model) -> frozenset[str]:
    """The names of the columns `translated` added to `model`: translations and translators."""
    return frozenset(
        name
        for language in model.TRANSLATION_LANGUAGES
        for name in (
            *(translation_column(field, language) for field in model.TRANSLATED_FIELDS),
            f"translated_by_{language}",
        )
    )


def translation_languages(*, with_source: bool = False) -> tuple[str, ...]:
    """The languages a text is translated into: French and English (and Dutch too, for a
    model whose originals may be written in another language: `with_source`)."""
    return tuple(code for code in language_codes() if with_source or code != settings.LANGUAGE_CODE)


def translated(*fields: str, into: tuple[str, ...] | None = None, with_translator: bool = True):
    """Class decorator: a column `<field>_<language>` beside each of `fields` for each language
    of `into` (French and English by default), the same kind of column but optional and empty
    by default, and `translated_by_<language>`: who translated the texts (no machine
    translation; not for rows whose translator is their parent's, `with_translator`). The
    migrations see them as ordinary fields."""

    def add_columns(model):
        languages = into or translation_languages()
        for name in fields:
            original = model._meta.get_field(name)
            _name, _path, args, kwargs = original.deconstruct()
            for language in languages:
                kwargs = {
                    **kwargs,
                    "verbose_name": format_lazy(
                        "{} ({})", original.verbose_name, LANGUAGE_NAMES_IN_DUTCH[language]
                    ),
                    "blank": True,
                    "default": "",
                    "help_text": "",
                }
                for option in ("null", "unique", "db_index", "validators"):
                    kwargs.pop(option, None)
                model.add_to_class(
                    translation_column(name, language), type(original)(*args, **kwargs)
                )
        for language in languages if with_translator else ():
            model.add_to_class(
                f"translated_by_{language}",
                models.CharField(
                    format_lazy("{} ({})", _("vertaald door"), LANGUAGE_NAMES_IN_DUTCH[language]),
                    max_length=200,
                    blank=True,
                    default="",
                    help_text=_("Wie de vertaling schreef; geen automatische vertaling."),
                ),
            )
        model.TRANSLATED_FIELDS = (*model.TRANSLATED_FIELDS, *fields)
        model.TRANSLATION_LANGUAGES = tuple(languages)
        return model

    return add_columns


def other_language(obj, field: str = "") -> str | None:
    """The language of `obj`'s text `field` when it is not the page's (else None). Anything
    that does not say (`WrittenIn`) is taken to be Dutch, the language the site is written in."""
    language_of = getattr(obj, "language_of", None)
    language = language_of(field) if language_of else settings.LANGUAGE_CODE
    return None if language == translation.get_language() else language
