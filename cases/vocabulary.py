"""The "did you mean" vocabulary: the words of the published texts, and suggestions from them.

`SearchTerm` holds each word of the published cases and the framework text with
the number of texts it occurs in (pg_trgm's trigram index on it); `rebuild()`
makes it anew whenever the published texts change (publication, a public case's
edit, a framework section's edit); `suggest()` proposes a corrected query. It
never holds a word that only a draft has, so no suggestion leaks one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from diegem.lib.languages import active_language
from diegem.lib.search import ParsedQuery
from frameworks.models import Section

MIN_SUGGESTION_SIMILARITY = 0.45


class SearchTerm(models.Model):
    """A word of the published texts, for "did you mean" suggestions (pg_trgm)."""

    word = models.CharField(_("woord"), max_length=80, primary_key=True)
    frequency = models.PositiveIntegerField(_("aantal teksten"))

    class Meta:
        # Made in the frameworks app; the table kept its name when the model moved here.
        db_table = "frameworks_searchterm"
        ordering = ["word"]
        verbose_name = _("zoekterm")
        verbose_name_plural = _("zoektermen")
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="searchterm_word_trgm")]

    def __str__(self) -> str:
        return self.word


class TranslatedSearchTerm(models.Model):
    """A word of the published texts' translations into one language (French, English): "did
    you mean" on a page in that language proposes these and the originals' words."""

    language = models.CharField(_("taal"), max_length=5)
    word = models.CharField(_("woord"), max_length=80)
    frequency = models.PositiveIntegerField(_("aantal teksten"))

    class Meta:
        ordering = ["language", "word"]
        verbose_name = _("vertaalde zoekterm")
        verbose_name_plural = _("vertaalde zoektermen")
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="translated_term_once")
        ]
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="translated_term_word_trgm")]

    def __str__(self) -> str:
        return self.word


def _words_sql(case_fields, section_fields, cases: str, sections: str) -> str:
    """The words (4 to 80 letters) of the published cases' `case_fields` and of the framework
    sections' `section_fields`, each with the number of texts it occurs in: `word, count`."""
    case_text = " || ' ' || ".join(f"coalesce(c.{field}, '')" for field in case_fields)
    section_text = " || ' ' || ".join(f"s.{field}" for field in section_fields)
    return f"""
        SELECT word, count(*) FROM (
            SELECT DISTINCT 'c' || c.id AS doc, lower(w) AS word
            FROM {cases} c, regexp_split_to_table({case_text}, '[^[:alpha:]]+') AS w
            WHERE c.status = %s AND length(w) BETWEEN 4 AND 80
            UNION
            SELECT DISTINCT 's' || s.id, lower(w)
            FROM {sections} s, regexp_split_to_table({section_text}, '[^[:alpha:]]+') AS w
            WHERE length(w) BETWEEN 4 AND 80
        ) AS words
        GROUP BY word
    """


def rebuild(using: str = "default") -> int:
    """Rebuild the word lists from published cases and the framework text; returns their size.

    The originals' words, and per language those of the translations into it (in the same
    way, `_words_sql`). Runs in the caller's transaction when a case is published or taken
    offline (`case_transition`), and once after the commit of other writes to published texts
    (`case_write`). Only published words: a draft's vocabulary never leaks through a
    suggestion.
    """
    # Imported here: cases.models imports this module (for SearchTerm) while it loads.
    from cases.models import TEXT_SECTION_FIELDS, Case
    from diegem.lib.languages import translation_column, translation_languages

    cases, sections = Case._meta.db_table, Section._meta.db_table
    terms, translated = SearchTerm._meta.db_table, TranslatedSearchTerm._meta.db_table
    published = Case.Status.PUBLISHED.value
    with connections[using].cursor() as cursor:
        # One rebuild at a time (readers go on); a second waits for the first to commit.
        cursor.execute(f"LOCK TABLE {terms}, {translated} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {terms}")
        cursor.execute(f"DELETE FROM {translated}")
        originals = ["title", "summary", "municipality", "initiative", *TEXT_SECTION_FIELDS]
        words = _words_sql(originals, ["title", "body"], cases, sections)
        cursor.execute(f"INSERT INTO {terms} (word, frequency) {words}", [published])
        count = cursor.rowcount
        for language in translation_languages():
            fields = [
                translation_column(f, language) for f in ("title", "summary", *TEXT_SECTION_FIELDS)
            ]
            section_fields = [translation_column(f, language) for f in ("title", "body")]
            words = _words_sql(fields, section_fields, cases, sections)
            cursor.execute(
                f"INSERT INTO {translated} (language, word, frequency) SELECT %s, * FROM ({words}) AS w",
                [language, published],
            )
            count += cursor.rowcount
        return count


def _terms() -> list[models.QuerySet]:
    """The words a reader's search may be corrected to: the originals', and on a French or
    English page those of the translations into its language."""
    words = [SearchTerm.objects.all()]
    language = active_language()
    if language != settings.LANGUAGE_CODE:
        words.append(TranslatedSearchTerm.objects.filter(language=language))
    return words


def suggest(parsed: ParsedQuery) -> str | None:
    """A corrected query when some words are unknown but close to known ones (in the page's
    language, or in the originals')."""
    corrected = []
    changed = False
    for word in parsed.words:
        if len(word) < 4 or _known(word):
            corrected.append(word)
            continue
        candidates = [
            row
            for terms in _terms()
            for row in terms.annotate(similarity=TrigramSimilarity(Lower("word"), word))
            .filter(similarity__gte=MIN_SUGGESTION_SIMILARITY)
            .order_by("-similarity", "-frequency")
            .values_list("similarity", "frequency", "word")[:1]
        ]
        best = max(candidates)[2] if candidates else None
        if best and best != word:
            corrected.append(best)
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


def _known(word: str) -> bool:
    """A published word, or the start of one (a prefix search finds it anyway)."""
    return any(terms.filter(word__startswith=word).exists() for terms in _terms())
