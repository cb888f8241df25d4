"""Public pages of the framework text."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from frameworks.models import Domain, Section, Source, TensionField


def overview(request: HttpRequest) -> HttpResponse:
    """The framework at a glance: definition, four sources, six fields, the text."""
    return render(
        request,
        "frameworks/overview.html",
        {
            "sections": Section.objects.only("key", "number", "title", "order"),
            "sources": Source.objects.all(),
            "tension_fields": TensionField.objects.all(),
            "domains": Domain.objects.all(),
        },
    )


def section_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One section of the framework text, with the way back and forth."""
    section = get_object_or_404(Section.objects.select_related("source", "tension_field"), key=key)
    neighbours = list(
        Section.objects.filter(order__in=[section.order - 1, section.order + 1]).only(
            "key", "number", "title", "order"
        )
    )
    return render(
        request,
        "frameworks/section_detail.html",
        {
            "section": section,
            "previous": next((s for s in neighbours if s.order < section.order), None),
            "next": next((s for s in neighbours if s.order > section.order), None),
            "toc": Section.objects.only("key", "number", "title", "order"),
        },
    )
