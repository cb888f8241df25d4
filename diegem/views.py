"""Site-wide pages that combine the apps: the home page and robots.txt."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations.models import Annotation, Voice
from cases.models import Case
from frameworks.models import Domain, Source, TensionField


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the practice bank is, the framework at a glance, the latest cases."""
    published = Case.objects.published()
    per_domain = dict(published.values_list("domain").annotate(n=Count("pk")).order_by())
    domains = list(Domain.objects.all())
    for domain in domains:
        domain.case_count = per_domain.get(domain.pk, 0)
    return render(
        request,
        "diegem/home.html",
        {
            "latest_cases": published.for_listing().order_by("-published_at", "-pk")[:6],
            "sources": Source.objects.all(),
            "tension_fields": TensionField.objects.all(),
            "domains": domains,
            "case_count": sum(per_domain.values()),
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "diegem/robots.txt", content_type="text/plain; charset=utf-8")


@require_GET
def bibliography(request: HttpRequest) -> HttpResponse:
    """The thinkers and policy documents cited in the margins, with where they are cited."""
    cited = (
        Annotation.objects.public()
        .exclude(attribution="")
        .filter(voice__in=[Voice.THINKER, Voice.PLANNER])
        .select_related("case", "section")
        .order_by("attribution", "pk")
    )
    groups: dict[str, dict[str, list[Annotation]]] = {Voice.THINKER: {}, Voice.PLANNER: {}}
    for annotation in cited:
        groups[annotation.voice].setdefault(annotation.attribution, []).append(annotation)
    return render(
        request,
        "diegem/bibliography.html",
        {"thinkers": sorted(groups[Voice.THINKER].items()), "planners": sorted(groups[Voice.PLANNER].items())},
    )
