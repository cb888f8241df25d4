"""Searching public annotations: stored vector, ranked query, snippets."""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVector
from django.db.models import F, Q, QuerySet

from annotations.models import Annotation
from frameworks.search import (
    SEARCH_CONFIG,
    START_SEL,
    STOP_SEL,
    ParsedQuery,
    highlight_words,
    is_full_text,
    search_query,
    whole_words_snippet,
)

CANDIDATE_CAP = 500


def annotation_vector():
    """The attribution above the annotation's text above the passage it is on."""
    return (
        SearchVector("attribution", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG)
        + SearchVector("quote_exact", weight="D", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(annotations: QuerySet[Annotation]) -> int:
    if not is_full_text():
        return 0
    return annotations.update(search_vector=annotation_vector())


def search_annotations(parsed: ParsedQuery) -> QuerySet[Annotation]:
    """Public annotations matching the query, best first.

    Broad queries rank only the CANDIDATE_CAP most recent hits; their ids are
    fetched once, so counting and paging do not run the match again.
    """
    public = Annotation.objects.public()
    if not is_full_text():
        condition = Q()
        for word in parsed.words:
            condition &= Q(body__icontains=word) | Q(attribution__icontains=word)
        return public.filter(condition).with_target().order_by("-submitted_at", "pk")
    query = search_query(parsed)
    candidates = list(
        public.filter(search_vector=query).order_by("-submitted_at", "-pk").values_list("pk", flat=True)[:CANDIDATE_CAP]
    )
    return (
        Annotation.objects.filter(pk__in=candidates)
        .with_target()
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "pk")
    )


def attach_snippets(annotations: list[Annotation], parsed: ParsedQuery) -> None:
    """A snippet of each annotation's own text, in whole words, hits marked.

    Only the body: the page shows the attribution beside it, on its own.
    """
    if not annotations:
        return
    if not is_full_text():
        for annotation in annotations:
            annotation.snippet = highlight_words(annotation.body, parsed.words)
        return
    headlines = dict(
        Annotation.objects.filter(pk__in=[a.pk for a in annotations])
        .annotate(
            headline=SearchHeadline(
                F("body"),
                search_query(parsed),
                config=SEARCH_CONFIG,
                start_sel=START_SEL,
                stop_sel=STOP_SEL,
                max_words=30,
                min_words=12,
            )
        )
        .values_list("pk", "headline")
    )
    for annotation in annotations:
        annotation.snippet = whole_words_snippet(headlines.get(annotation.pk), annotation.body)
