"""Search over the framework itself: its text, its four sources and its six tension fields.

The framework is a few dozen rows; each is searched with a vector made in the query
(`diegem.lib.search.VectorInQuerySet`), in three queries and three for the snippets,
whatever the query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from diegem.lib.search import ParsedQuery
from frameworks.models import Section, Source, TensionField

KINDS = (
    (Source, _("bron van solidariteit")),
    (TensionField, _("spanningsveld")),
    (Section, _("tekst van het kader")),
)


@dataclass(frozen=True)
class FrameworkHit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    language: str  # of its text (diegem.lib.languages.WrittenIn)
    title_language: str  # of its title: translated or not apart from the text

    def language_of(self, field: str = "") -> str:
        return self.title_language if field == "title" else self.language


def framework_search(parsed: ParsedQuery) -> list[FrameworkHit]:
    """The framework's sources, tension fields and text sections that match, best first."""
    hits = []
    for model, kind in KINDS:
        rows = list(model.objects.search(parsed).ranked(parsed))
        model.objects.attach_snippets(rows, parsed)
        hits += [
            FrameworkHit(
                str(kind),
                str(row),
                row.get_absolute_url(),
                row.snippet,
                row.rank,
                row.language_of(model.SEARCH_FIELDS[1][0]),
                row.language_of(model.SEARCH_FIELDS[0][0]),
            )
            for row in rows
        ]
    return sorted(hits, key=lambda hit: (-hit.rank, hit.title))


def framework_terms() -> list[str]:
    """Words to try when nothing is found: the names of the sources and the poles of the fields."""
    terms = [source.name for source in Source.objects.all()]
    for field in TensionField.objects.all():
        terms += [field.pole_a, field.pole_b]
    return list(dict.fromkeys(term.lower() for term in terms))
