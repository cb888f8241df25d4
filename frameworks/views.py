"""Public pages of the framework text."""

from functools import cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from diegem.lib.caching import request_content_version
from diegem.lib.languages import with_translations
from diegem.lib.prepared import PreparedQuery
from frameworks.models import Domain, Section, Source, TensionField


def overview(request: HttpRequest) -> HttpResponse:
    """The framework at a glance: definition, four sources, six fields, the text."""
    return render(
        request,
        "frameworks/overview.html",
        {
            "sections": Section.objects.only(
                "key", "number", *with_translations(Section, "title"), "order"
            ),
            "sources": Source.objects.all(),
            "tension_fields": TensionField.objects.all(),
            "domains": Domain.objects.all(),
        },
    )


# Read on every section page: compiled once per process and prepared (diegem.lib.prepared).
_SECTION = PreparedQuery(
    lambda key: Section.objects.select_related("source", "tension_field").filter(key=key)
)


def section_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One section of the framework text, with the way back and forth."""
    request_content_version(request)  # before anything a kept part shows
    found = _SECTION.instances(key=key)
    if not found:
        raise Http404("Geen deel van het kader met dit adres.")
    section = found[0]

    @cache  # read only when the part that shows them is made (not when it is kept)
    def neighbours() -> list[Section]:
        return list(
            Section.objects.filter(order__in=[section.order - 1, section.order + 1]).only(
                "key", "number", *with_translations(Section, "title"), "order"
            )
        )

    return render(
        request,
        "frameworks/section_detail.html",
        {
            "section": section,
            "follow_target": section,
            "previous": lambda: next((s for s in neighbours() if s.order < section.order), None),
            "next": lambda: next((s for s in neighbours() if s.order > section.order), None),
            "toc": Section.objects.only(
                "key", "number", *with_translations(Section, "title"), "order"
            ),
        },
    )
