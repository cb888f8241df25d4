"""Dutch full-text search: the query parser, headlines and snippets (PostgreSQL).

Each searchable model keeps a stored, weighted tsvector with a GIN index, built
with the `dutch_unaccent` configuration (the Dutch stemmer after unaccent, made in
frameworks/migrations/0002), and searches through its queryset
(`Case.objects.published().search(parsed)`, `Annotation.objects.public().search(parsed)`);
the framework's few rows make their vector in the query (`VectorInQuerySet`).
Queries use websearch syntax (quotes, OR, minus), parsed here into a tsquery whose
words also match as prefixes, so that "solidariteit" finds "solidariteitsmaaltijd"
and "ontmoetingen" finds "ontmoeting", and with the other words of their family
that the stemmer keeps apart, so that "solidair" finds "solidariteit"
(`word_siblings`). Only letters and digits of the user's words reach the tsquery,
always as a bound parameter. The "did you mean" vocabulary is cases.vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.dispatch import Signal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

words_changed = Signal()
"""The words a text open to search offers changed, outside a case's own write (which rebuilds
what it must itself): a framework section's title or body in any language, a new section, or
sections deleted. Sent by `frameworks.services.section_save` and `sections_delete` inside their
transaction, sender the model class, with keyword argument `instance` (a section saved, or the
last of those deleted).

Its subscriber (tests/site/test_receivers.py holds this list to the receivers connected):

- sender `frameworks.Section`: `cases.receivers.rebuild_vocabulary_on_framework_text_change`,
  the words of "did you mean".
"""

SEARCH_CONFIG = "dutch_unaccent"
# Each language's stemmer after unaccent (frameworks/migrations/0002 and 0009): the original
# texts are indexed with the Dutch one, translations with their own.
SEARCH_CONFIGS = {"nl": "dutch_unaccent", "fr": "french_unaccent", "en": "english_unaccent"}
# The longest query read: the search boxes' maxlength, the forms and the views.
MAX_QUERY_LENGTH = 200
# Broad queries are ranked among at most this many hits, the most recent first;
# counting stops here too ("more than 500").
CANDIDATE_CAP = 500
MAX_TERMS = 12
MIN_PREFIX_LENGTH = 3
# Snippet markers: characters that never occur in the stored texts.
START_SEL = "\ue000"
STOP_SEL = "\ue001"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query: the tsquery, and its plain words (for suggestions)."""

    tsquery: str
    words: tuple[str, ...]
    excluded: tuple[str, ...]


def parse_query(text: str) -> ParsedQuery | None:
    """Parse websearch syntax into a safe tsquery string with prefix matching.

    Terms are ANDed; `OR` between two terms ORs them; `-term` excludes;
    "quoted words" must follow each other. Returns None for an empty query.
    """
    text = (text or "")[:MAX_QUERY_LENGTH]
    groups: list[list[str]] = []
    words: list[str] = []
    excluded: list[str] = []
    or_next = False
    for negated, phrase, bare in _TOKEN.findall(text):
        if bare == "OR":
            or_next = bool(groups)
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        parts = [w.lower() for w in _WORD.findall(phrase if phrase else bare)]
        if not parts:
            or_next = False
            continue
        if negated:
            excluded.extend(parts)
            groups.append(["!(" + " <-> ".join(parts) + ")"])
        else:
            words.extend(parts)
            if len(parts) == 1 and not phrase:
                expression = _word_expression(parts[0])
            else:
                expression = "(" + " <-> ".join(parts) + ")"
            if or_next and groups:
                groups[-1].append(expression)
            else:
                groups.append([expression])
        or_next = False
        if len(groups) >= MAX_TERMS:
            break
    if not words:
        return None
    tsquery = " & ".join("(" + " | ".join(group) + ")" for group in groups)
    return ParsedQuery(tsquery=tsquery, words=tuple(words), excluded=tuple(excluded))


# Dutch words of one family that the stemmer keeps apart: an adjective and the noun made of it
# ("solidair", "solidariteit"; "structureel", "structuraliteit"; "collectief", "collectiviteit";
# "divers", "diversiteit"). A word with one of these endings also matches its siblings: each
# other ending of its family on the same root, as a prefix; a noun in "-iteit" also its bare
# root ("divers"), as a word. Only siblings, never the bare root as a prefix: "prakt:*"
# would find every "praktijk".
WORD_FAMILIES = (
    ("ariteiten", "ariteit", "aire", "air"),
    ("aliteiten", "aliteit", "ele", "eel"),
    ("iviteiten", "iviteit", "ieve", "ief"),
)
NOUN_ENDINGS = ("iteiten", "iteit")
MIN_ROOT_LENGTH = 4


def word_siblings(word: str) -> tuple[str, ...]:
    """The tsquery terms for the other members of the word's family ("solidair" -> "solidariteit:*")."""
    for family in WORD_FAMILIES:
        for ending in family:
            root = word.removesuffix(ending)
            if root != word and len(root) >= MIN_ROOT_LENGTH:
                others = dict.fromkeys(root + other for other in family)
                # A shorter sibling that prefixes a longer one covers it ("solidair:*", "solidaire").
                kept = [
                    w
                    for w in others
                    if w != word and not any(w != o and w.startswith(o) for o in others)
                ]
                return tuple(f"{w}:*" for w in kept if not w.startswith(word))
    for ending in NOUN_ENDINGS:
        root = word.removesuffix(ending)
        if root != word and len(root) >= MIN_ROOT_LENGTH:
            return (root,)
    return ()


def _word_expression(word: str) -> str:
    """One bare word: its stem as a prefix, and its siblings ("solidair" finds "solidariteit")."""
    if len(word) < MIN_PREFIX_LENGTH:
        return word
    siblings = word_siblings(word)
    return f"({' | '.join((f'{word}:*', *siblings))})" if siblings else f"{word}:*"


def search_config(language: str | None = None) -> str:
    """The text search configuration of `language` (the page's): its stemmer after unaccent."""
    return SEARCH_CONFIGS.get(language or get_language(), SEARCH_CONFIG)


def search_query(parsed: ParsedQuery, language: str | None = None) -> SearchQuery:
    """The query as `language` (the page's) stems it; for a vector of texts in Dutch and the
    reader's language together (the framework's, a note's), as either stems it. A case keeps
    a vector per language (`CaseQuerySet.search` asks each in its own language)."""
    config = search_config(language)
    query = SearchQuery(parsed.tsquery, search_type="raw", config=config)
    if language is None and config != SEARCH_CONFIG:
        query |= SearchQuery(parsed.tsquery, search_type="raw", config=SEARCH_CONFIG)
    return query


def attach_snippets(
    objects: list,
    queryset: QuerySet,
    text,
    parsed: ParsedQuery,
    source: Callable[[Any], str],
    **options,
) -> None:
    """Give each of `objects` (a result page) a `snippet`: safe HTML, whole words, the hits marked.

    One query: ts_headline of the expression `text` for each object's row in
    `queryset` (with `options` such as max_words), widened to whole words of
    `source(object)`, the same text built in Python.
    """
    if not objects:
        return
    headline = SearchHeadline(
        text,
        search_query(parsed),
        config=search_config(),
        start_sel=START_SEL,
        stop_sel=STOP_SEL,
        **options,
    )
    headlines = dict(
        queryset.filter(pk__in=[item.pk for item in objects])
        .annotate(headline=headline)
        .values_list("pk", "headline")
    )
    for item in objects:
        item.snippet = whole_words_snippet(headlines.get(item.pk), source(item))


def snippet_html(headline: str | None) -> SafeString:
    """A ts_headline result as safe HTML: escape everything, then mark the hits.

    ts_headline returns the stored text verbatim with markers added; it is
    user-entered text and is never trusted as HTML.
    """
    escaped = escape(headline or "")
    return mark_safe(escaped.replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>"))


def _word_start(text: str, position: int) -> int:
    """The start of the word `position` falls in (itself if it starts one)."""
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    """The end of the word that `position` ends in or falls in (itself if a word ends there)."""
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def _around(text: str, start: int, end: int, middle: str) -> SafeString:
    """`middle` (safe HTML for text[start:end]) with an ellipsis on each side where the text goes on."""
    prefix = "…" if text[:start].strip() else ""
    suffix = "…" if text[end:].strip() else ""
    return mark_safe(prefix + middle + suffix)


FRAGMENT_DELIMITER = " … "


def whole_words_snippet(headline: str | None, text: str) -> SafeString:
    """A ts_headline result as safe HTML, widened to whole words of `text` with ellipses where it goes on.

    ts_headline cuts at its tokens, which can be half a word ("Lindsakker" of
    "Ledeberg-Lindsakker"); each fragment (joined by FRAGMENT_DELIMITER) is
    found back in the text and its cut words completed.
    """
    fragments = (headline or "").split(FRAGMENT_DELIMITER)
    spans = [_widened(fragment, text) for fragment in fragments]
    if any(span is None for span in spans):
        return snippet_html(headline)
    middle = escape(FRAGMENT_DELIMITER).join(html for _start, _end, html in spans)
    return _around(text, spans[0][0], spans[-1][1], middle)


def _widened(fragment: str, text: str) -> tuple[int, int, str] | None:
    """Where a headline fragment stands in the text, widened to whole words, as (start, end, safe HTML)."""
    plain = fragment.replace(START_SEL, "").replace(STOP_SEL, "")
    start = text.find(plain) if plain else -1
    if start < 0:
        return None
    end = start + len(plain)
    wide_start, wide_end = _word_start(text, start), _word_end(text, end)
    return (
        wide_start,
        wide_end,
        escape(text[wide_start:start]) + snippet_html(fragment) + escape(text[end:wide_end]),
    )


def shown_expression(model, field: str, language: str):
    """`shown_text(field)` in SQL: the translation into `language` where there is one and
    `language` is not the row's original language (a model with an `original_language`
    column; else the originals are Dutch), else the original."""
    if (
        language not in getattr(model, "TRANSLATION_LANGUAGES", ())
        or field not in model.TRANSLATED_FIELDS
    ):
        return F(field)
    translation = NullIf(F(f"{field}_{language}"), Value(""))
    if any(f.name == "original_language" for f in model._meta.concrete_fields):
        translation = models.Case(
            models.When(original_language=language, then=Value(None)),
            default=translation,
            output_field=models.TextField(),
        )
    return Coalesce(translation, F(field), output_field=models.TextField())


class VectorInQuerySet(models.QuerySet):
    """Search over a few rows (the framework) with the vector made in the query, no stored column.

    The model names its text fields and their weights in `SEARCH_FIELDS`, most important
    first, e.g. `(("title", "A"), ("body", "B"))`; snippets come from all of them but the first.
    """

    def search(self, parsed: ParsedQuery) -> VectorInQuerySet:
        """Rows whose texts match, in the original or in the reader's language's translation
        (`diegem.lib.languages.translated`), each with its own stemmer."""
        vector = None
        language = get_language()
        for field, weight in self.model.SEARCH_FIELDS:
            part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
            if (
                language in self.model.TRANSLATION_LANGUAGES
                and field in self.model.TRANSLATED_FIELDS
            ):
                part += SearchVector(
                    f"{field}_{language}", weight=weight, config=search_config(language)
                )
            vector = part if vector is None else vector + part
        return self.annotate(found_vector=vector).filter(found_vector=search_query(parsed))

    def ranked(self, parsed: ParsedQuery) -> VectorInQuerySet:
        """These rows (already matching the query), best first."""
        return self.annotate(rank=SearchRank(F("found_vector"), search_query(parsed))).order_by(
            "-rank", "pk"
        )

    def attach_snippets(self, objects: list, parsed: ParsedQuery) -> None:
        """Snippets of the texts as the reader's language shows them (the translation, else the
        original: `shown_text`)."""
        fields = [field for field, _weight in self.model.SEARCH_FIELDS[1:]]
        language = get_language()
        parts = []
        for field in fields:
            parts += [shown_expression(self.model, field, language), Value(" \n")]
        attach_snippets(
            objects,
            self.model._default_manager.all(),
            Concat(*parts, output_field=models.TextField()),
            parsed,
            lambda item: "".join(f"{item.shown_text(field)[0]} \n" for field in fields),
            max_words=30,
            min_words=12,
            max_fragments=1,
        )
