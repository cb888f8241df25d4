"""Searching cases: the stored search vector, ranked queries, snippets, vocabulary."""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, OuterRef, Q, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from cases.models import TEXT_SECTION_FIELDS, Case, KeywordedCase
from frameworks.search import (
    FRAGMENT_DELIMITER,
    SEARCH_CONFIG,
    START_SEL,
    STOP_SEL,
    ParsedQuery,
    highlight_words,
    is_full_text,
    search_query,
    whole_words_snippet,
)

# Broad queries are ranked among at most this many hits, the most recent first;
# counting stops here too ("more than 500").
CANDIDATE_CAP = 500


def _keywords_of_case():
    return Coalesce(
        Subquery(
            KeywordedCase.objects.filter(content_object=OuterRef("pk"))
            .values("content_object")
            .annotate(names=StringAgg("tag__name", delimiter=Value(" ")))
            .values("names")[:1]
        ),
        Value(""),
        output_field=TextField(),
    )


def case_vector():
    """Title above summary and keywords above the text sections."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector(_keywords_of_case(), weight="B", config=SEARCH_CONFIG)
        + SearchVector("municipality", "neighbourhood", "initiative", weight="C", config=SEARCH_CONFIG)
        + SearchVector(*TEXT_SECTION_FIELDS, weight="D", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(cases: QuerySet[Case]) -> int:
    """Recompute the stored search vectors of these cases (one UPDATE)."""
    if not is_full_text():
        return 0
    return cases.update(search_vector=case_vector())


def search_text() -> F:
    """The text snippets are cut from: summary and the text sections."""
    from django.db.models.functions import Concat

    parts = []
    for field in ("summary", *TEXT_SECTION_FIELDS):
        parts += [F(field), Value(" \n")]
    return Concat(*parts, output_field=TextField())


def filter_by_text(cases: QuerySet[Case], parsed: ParsedQuery) -> QuerySet[Case]:
    """Cases matching the query: the GIN index on PostgreSQL, simple matching elsewhere."""
    if is_full_text():
        return cases.filter(search_vector=search_query(parsed))
    condition = Q()
    for word in parsed.words:
        any_field = Q()
        for field in ("title", "summary", "municipality", "initiative", *TEXT_SECTION_FIELDS):
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    for word in parsed.excluded:
        for field in ("title", "summary", *TEXT_SECTION_FIELDS):
            condition &= ~Q(**{f"{field}__icontains": word})
    return cases.filter(condition)


def ranked(matching: QuerySet[Case], parsed: ParsedQuery) -> QuerySet[Case]:
    """Cases that already match the query, best first.

    Broad queries rank only the most recent CANDIDATE_CAP hits: ranking reads
    every hit's vector, and nobody pages past a few hundred results.
    """
    if not is_full_text():
        return matching.order_by("title", "pk")
    candidates = matching.order_by("-published_at", "-pk").values("pk")[:CANDIDATE_CAP]
    return (
        Case.objects.filter(pk__in=Subquery(candidates))
        .annotate(rank=SearchRank(F("search_vector"), search_query(parsed)))
        .order_by("-rank", "title", "pk")
    )


def capped_count(matching: QuerySet[Case]) -> tuple[int, bool]:
    """How many cases match, counting no further than the cap: (count, capped)."""
    count = matching.order_by().values("pk")[: CANDIDATE_CAP + 1].count()
    return min(count, CANDIDATE_CAP), count > CANDIDATE_CAP


def attach_snippets(cases: list[Case], parsed: ParsedQuery) -> None:
    """Give each case of a result page a `snippet`: safe HTML with the hits marked."""
    if not cases:
        return
    if not is_full_text():
        for case in cases:
            case.snippet = highlight_words(" ".join([case.summary, *(getattr(case, f) for f in TEXT_SECTION_FIELDS)]), parsed.words)
        return
    headlines = dict(
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .annotate(
            headline=SearchHeadline(
                search_text(),
                search_query(parsed),
                config=SEARCH_CONFIG,
                start_sel=START_SEL,
                stop_sel=STOP_SEL,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=FRAGMENT_DELIMITER,
            )
        )
        .values_list("pk", "headline")
    )
    for case in cases:
        case.snippet = whole_words_snippet(headlines.get(case.pk), snippet_source(case))


def snippet_source(case: Case) -> str:
    """The text `search_text()` builds in the database, built from the case in hand."""
    return "".join(f"{getattr(case, field)} \n" for field in ("summary", *TEXT_SECTION_FIELDS))


def rebuild_vocabulary(using: str = "default") -> int:
    """Rebuild the "did you mean" word list from published cases and the framework text.

    One statement; runs in the caller's transaction whenever the published
    texts change. Only published words: a draft's vocabulary never leaks
    through a suggestion. PostgreSQL only.
    """
    if connections[using].vendor != "postgresql":
        return 0
    fields = ["title", "summary", "municipality", "initiative", *TEXT_SECTION_FIELDS]
    case_text = " || ' ' || ".join(f"coalesce(c.{field}, '')" for field in fields)
    status = Case.Status.PUBLISHED.value
    with connections[using].cursor() as cursor:
        # One rebuild at a time (readers go on); a second waits for the first to commit.
        cursor.execute("LOCK TABLE frameworks_searchterm IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM frameworks_searchterm")
        cursor.execute(
            f"""
            INSERT INTO frameworks_searchterm (word, frequency)
            SELECT word, count(*) FROM (
                SELECT DISTINCT 'c' || c.id AS doc, lower(w) AS word
                FROM cases_case c, regexp_split_to_table({case_text}, '[^[:alpha:]]+') AS w
                WHERE c.status = %s AND length(w) BETWEEN 4 AND 80
                UNION
                SELECT DISTINCT 's' || s.id, lower(w)
                FROM frameworks_section s, regexp_split_to_table(s.title || ' ' || s.body, '[^[:alpha:]]+') AS w
                WHERE length(w) BETWEEN 4 AND 80
            ) AS words
            GROUP BY word
            """,
            [status],
        )
        return cursor.rowcount
