"""Public pages of the framework text."""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from diegem.lib.caching import request_content_version
from diegem.lib.languages import with_translations
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


def section_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One section of the framework text, with the way back and forth."""
    request_content_version(request)  # before anything a kept part shows
    section = get_object_or_404(Section.objects.select_related("source", "tension_field"), key=key)

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
            "previous": lambda: next((s for s in neighbours() if s.order < section.order), None),
            "next": lambda: next((s for s in neighbours() if s.order > section.order), None),
            "toc": Section.objects.only(
                "key", "number", *with_translations(Section, "title"), "order"
            ),
        },
    )
