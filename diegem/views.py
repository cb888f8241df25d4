"""Site-wide pages that combine the apps: home, search, bibliography, open data, robots.txt and
the health check for load balancers.

The account pages are in `diegem.accounts`.
"""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.middleware import csrf
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from annotations.models import Annotation, Voice
from annotations.views import kept_kind, text_kept
from annotations.works_cited import VOICE_PARAMETER, WORK_PARAMETER, work_places, works_cited
from cases import vocabulary
from cases.filters import evidence_only
from cases.models import Case
from diegem.lib.caching import shared_content
from diegem.lib.health import health_response
from diegem.lib.languages import language_codes, language_path
from diegem.lib.search import MAX_QUERY_LENGTH, parse_query
from diegem.releases import Release
from frameworks.framework_search import framework_search, framework_terms
from frameworks.models import Domain, Source, TensionField


class _HomeCounts:
    """How many published cases there are, in all and per domain: read only when the home
    page's fragment is made, not when it comes from the cache."""

    @cached_property
    def domains(self) -> list[Domain]:
        published = Case.objects.published()
        per_domain = dict(published.values_list("domain").annotate(n=Count("pk")).order_by())
        domains = list(Domain.objects.all())
        for domain in domains:
            domain.case_count = per_domain.get(domain.pk, 0)
        return domains

    @cached_property
    def cases(self) -> int:
        return sum(domain.case_count for domain in self.domains)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What the practice bank is, the framework at a glance, the latest cases (their mini-profiles
    marked by grounds, and restricted to text evidence when the reader asks). Its content is the
    same for every reader: one fragment kept by the content version (`versioned_fragment`)."""
    only_evidence = evidence_only(request.GET)
    return render(
        request,
        "diegem/home.html",
        {
            "latest_cases": Case.objects.published()
            .for_listing(evidence_only=only_evidence)
            .order_by("-published_at", "-pk")[:6],
            "evidence_only": only_evidence,
            "sources": Source.objects.all(),
            "tension_fields": TensionField.objects.all(),
            "counts": _HomeCounts(),
        },
    )


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database and the cache answer, 503 otherwise. The body
    says no more than that to anyone; the reasons go to the log. `HealthCheckMiddleware` answers
    GET and HEAD before this view (`diegem.lib.health`); the view names the address."""
    return health_response(request)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # The workbench in every language: /beheer/, /fr/beheer/, /en/beheer/.
    workbench = [language_path(reverse("admin:index"), code) for code in language_codes()]
    return render(
        request,
        "diegem/robots.txt",
        {"disallowed": workbench},
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def bibliography(request: HttpRequest) -> HttpResponse:
    """The thinkers and policy documents cited in the margins, each with its first places and
    how many there are (`annotations.works_cited`)."""
    works = works_cited()
    return render(
        request,
        "diegem/bibliography.html",
        {"thinkers": works[Voice.THINKER], "planners": works[Voice.PLANNER]},
    )


@require_safe
def bibliography_work(request: HttpRequest) -> HttpResponse:
    """One work of the bibliography with every place it is cited, a page at a time."""
    work, page = work_places(
        request.GET.get(VOICE_PARAMETER, ""),
        request.GET.get(WORK_PARAMETER, ""),
        request.GET.get("pagina"),
    )
    return render(
        request,
        "diegem/bibliography_work.html",
        {"work": work, "page": page, "pagination_query": work.url.partition("?")[2]},
    )


SEARCH_CASES_SHOWN = 10
SEARCH_ANNOTATIONS_PER_PAGE = 20


SEARCH_CONTENT = "diegem/includes/search_content.html"


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Dutch full-text search over published cases, the framework and approved annotations.

    Public only, so the same for every reader of an address: kept by the content version
    (`shared_content`); the search runs only when it is made.
    """
    q = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    content = shared_content(request, "search", SEARCH_CONTENT, lambda: _search_context(request, q))
    return render(request, "diegem/search.html", {"q": q, "content": content})


def _search_context(request: HttpRequest, q: str) -> dict:
    parsed = parse_query(q)
    context = {"q": q, "parsed": parsed}
    if parsed is not None:
        matching = Case.objects.published().search(parsed)
        cases = list(matching.ranked(parsed).select_related("domain")[:SEARCH_CASES_SHOWN])
        Case.objects.attach_snippets(cases, parsed)
        case_count, capped = matching.capped_count()
        # Notes and replies (a reply links to its thread); readings are not searched here.
        found = (
            Annotation.objects.public()
            .exclude(motivation=Annotation.Motivation.ASSESSING)
            .search(parsed)
            .ranked(parsed)
            .with_target()
        )
        annotations = Paginator(found, SEARCH_ANNOTATIONS_PER_PAGE).get_page(
            request.GET.get("pagina")
        )
        Annotation.objects.attach_snippets(annotations.object_list, parsed)
        framework_hits = framework_search(parsed)
        hit_count = case_count + annotations.paginator.count + len(framework_hits)
        suggestion = vocabulary.suggest(parsed) if hit_count < 3 else None
        # Nothing found and no word like it: the framework's own words to try.
        try_words = framework_terms() if hit_count == 0 and not suggestion else []
        context |= {
            "framework_hits": framework_hits,
            "try_words": [
                (word, f"{reverse('search')}?{urlencode({'q': word})}") for word in try_words
            ],
            "cases": cases,
            "case_count": case_count,
            "capped": capped,
            "annotations": annotations,
            "suggestion": suggestion,
            "suggestion_url": f"{reverse('search')}?{urlencode({'q': suggestion})}"
            if suggestion
            else "",
            "all_cases_url": f"{reverse('case-list')}?{urlencode({'q': q})}",
            "query_without_page": urlencode({"q": q}),
        }
    return context


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """The citable releases (newest first), the latest live exports, the codebook and the annotation API."""
    return render(
        request,
        "diegem/open_data.html",
        {
            "case_count": Case.objects.published().count(),
            "releases": Release.objects.listed().only(
                "number", "title", "cut_at", "size", "sha256"
            ),
        },
    )


# A form refused for its security token (Django's CSRF check): the token was that of an earlier
# session (signed in or out since, in another tab) or of a page open for very long.
FORM_REFUSED = gettext_lazy(
    "Dit formulier hoorde bij een eerdere aanmelding of bij een pagina die lang openstond, en is "
    "daarom geweigerd: er is niets bewaard. Open de pagina opnieuw en probeer het nog eens."
)


# What Django's CSRF check says of a form posted from another site (its Origin or Referer).
FROM_ANOTHER_SITE = tuple(
    reason.split(" - ")[0] for reason in (csrf.REASON_BAD_ORIGIN, csrf.REASON_NO_REFERER)
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: a page of the site, in the language of its address, saying
    that nothing was saved, and giving back the text a note, reply or reading form of this site
    held. A form another site posted gets nothing back: its text is not the reader's, and
    shown on this site's page it would pass for it."""
    try:
        wrote = request.POST.get("body", "").strip()
    except UnreadablePostError:
        wrote = ""
    if wrote and not reason.startswith(FROM_ANOTHER_SITE):
        return text_kept(request, FORM_REFUSED, status=403, kind=kept_kind(request))
    return render(request, "403_csrf.html", {"message": FORM_REFUSED}, status=403)
