"""Public pages about cases: the list, a case, and cases per source or tension field."""

from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cases.charts import spectrum_columns
from cases.filters import CaseFilterForm
from cases.models import Case, Position, Strength
from frameworks.models import Source, TensionField

PAGE_SIZE = 20


def case_list(request: HttpRequest) -> HttpResponse:
    """Published cases, filtered by the GET form; the filter state is the URL."""
    sources = list(Source.objects.all())
    tension_fields = list(TensionField.objects.all())
    form = CaseFilterForm(request.GET or None, sources=sources, tension_fields=tension_fields)
    cases = form.filter(Case.objects.published()).for_listing().order_by("title", "pk")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "active_filters": form.active_filters(request.GET),
            "sources": sources,
            "query_without_page": _without_page(request),
        },
    )


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A case with its profile. Drafts exist only for those who may edit them."""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).with_profile().prefetch_related("keywords", "researchers"),
        slug=slug,
    )
    positions = {p.tension_field_id: p for p in case.tension_positions.all()}
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "source_strengths": case.source_strengths(),
            "spectra": [(field, positions.get(field.pk)) for field in TensionField.objects.all()],
            "spectrum_steps": Position.values,
        },
    )


def source_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A source of solidarity and the published cases drawing on it, strongest first."""
    source = get_object_or_404(Source.objects.select_related("section"), key=key)
    cases = (
        Case.objects.published()
        .filter(source_codings__source=source, source_codings__strength__gte=Strength.WEAK)
        .annotate(strength=F("source_codings__strength"))
        .select_related("domain")
        .order_by("-strength", "title", "pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    for case in page.object_list:
        case.strength_label = Strength(case.strength).label
    return render(
        request,
        "cases/source_detail.html",
        {
            "source": source,
            "page": page,
            "other_sources": Source.objects.exclude(pk=source.pk),
        },
    )


def tension_field_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A tension field, and where the published cases sit on its spectrum."""
    tension_field = get_object_or_404(TensionField.objects.select_related("section"), key=key)
    columns = spectrum_columns(tension_field, Case.objects.published())
    return render(
        request,
        "cases/tension_field_detail.html",
        {
            "field": tension_field,
            "columns": columns,
            "total": sum(column.count for column in columns),
            "other_fields": TensionField.objects.exclude(pk=tension_field.pk),
        },
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()
