"""What a case page shows beside the case row (`cases.views.case_detail`), read on first use.

The page's parts that are the same for every reader are kept by the content version
(`{% shared_fragment %}` in `cases/case_detail.html`); a kept part reads nothing, so each
thing here is read only when a part that shows it is made.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404

from cases.case_citation import case_citation, researchers_in_order
from cases.case_map import locator_map
from cases.case_nearness import codes_blind, related_cases_for
from cases.models import Case, CodingEvidence, Position, may_read_drafts, profile_prefetches
from cases.practice_profile import framework_items
from diegem.lib.languages import in_dutch
from diegem.lib.prepared import PreparedQuery
from frameworks.models import TensionField

# The case page never shows a search vector; each is as long as the texts it indexes.
SEARCH_VECTORS = [f.name for f in Case._meta.concrete_fields if f.name.startswith("search_vector")]


def _page_case_query(slug: str, user_id: int | None = None, *, drafts: bool):
    reader = AnonymousUser() if user_id is None else get_user_model()(pk=user_id)
    return (
        Case.objects.codings_visible_to(reader, drafts=drafts)
        .select_related("domain")
        .defer(*SEARCH_VECTORS)
        .filter(slug=slug)
    )


# Read on every case page: compiled once per process and prepared (diegem.lib.prepared), one
# statement for those who may read drafts and one for everyone else.
_PAGE_CASE = {
    drafts: PreparedQuery(
        lambda slug, user_id=None, drafts=drafts: _page_case_query(slug, user_id, drafts=drafts)
    )
    for drafts in (False, True)
}


def case_of_page(user, slug: str) -> Case:
    """The case a case page shows this reader (`Case.objects.codings_visible_to`), with its
    domain: 404 for a draft they may not read, or a case they code blind."""
    values = {"slug": slug} | ({"user_id": user.pk} if user.is_authenticated else {})
    found = _PAGE_CASE[may_read_drafts(user)].instances(**values)
    if not found:
        raise Http404("Geen praktijk met dit adres.")
    return found[0]


class CasePageParts:
    """What a case page shows beside the case row, each read on first use: with every part
    kept, none is read."""

    spectrum_steps = Position.values

    def __init__(self, case: Case, request, version: int):
        self.case, self.request, self.version = case, request, version

    @cached_property
    def _profile(self):
        case = self.case
        prefetch_related_objects(
            [case],
            *profile_prefetches(),
            "keywords",
            "researchers",
            Prefetch("evidence", queryset=CodingEvidence.objects.anchored()),
        )
        positions = {p.tension_field_id: p for p in case.tension_positions.all()}
        evidence = {"source": defaultdict(list), "field": defaultdict(list)}
        for item in case.evidence.all():
            if item.source_id:
                evidence["source"][item.source_id].append(item)
            else:
                evidence["field"][item.tension_field_id].append(item)
        strengths = case.source_strengths()
        tension_fields = list(TensionField.objects.all())
        return {
            "source_strengths": [
                (source, coding, evidence["source"][source.pk]) for source, coding in strengths
            ],
            "spectra": [
                (field, positions.get(field.pk), evidence["field"][field.pk])
                for field in tension_fields
            ],
            "items": framework_items([source for source, _coding in strengths], tension_fields),
        }

    @property
    def source_strengths(self):
        return self._profile["source_strengths"]

    @property
    def spectra(self):
        return self._profile["spectra"]

    @cached_property
    def keywords(self):
        self._profile  # noqa: B018 - prefetched with the profile
        return list(self.case.keywords.all())

    @cached_property
    def researchers(self):
        self._profile  # noqa: B018
        return researchers_in_order(self.case)

    @cached_property
    def citation(self):
        self._profile  # noqa: B018
        # Cited by its Dutch address, the one that stays, whatever the page's language.
        url = self.request.build_absolute_uri(in_dutch(self.case.get_absolute_url)())
        return case_citation(self.case, url)

    @cached_property
    def locator(self):
        return locator_map(self.case)

    @cached_property
    def related(self):
        return related_cases_for(self.case, self._profile["items"], self.request.user, self.version)

    @cached_property
    def related_shared(self) -> bool:
        """Whether the related cases are the same for this reader as for everyone."""
        return not codes_blind(self.request.user)
