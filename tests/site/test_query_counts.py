"""Query counts stay flat: the same number of queries for 4 and for 200 cases.

Measured with the page cache off (what a page costs to make) and on (what a
cached page costs to serve).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Grounds, SourceCoding, TensionPosition
from diegem.lib.versioning import bump_content_version
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_many_cases

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def mix_grounds() -> None:
    """Of the codings still on interpretation, every third on text evidence and every fifth undetermined (no value)."""
    for model, empty in (
        (SourceCoding, {"strength": None}),
        (TensionPosition, {"position": None, "holds_both": False}),
    ):
        pks = list(
            model.objects.filter(grounds=Grounds.INTERPRETATION)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        model.objects.filter(pk__in=pks[::3]).update(grounds=Grounds.EVIDENCE)
        model.objects.filter(pk__in=pks[1::5]).update(grounds=Grounds.UNDETERMINED, **empty)


# The pages a reader restricts to "alleen met tekstbewijs", and the restriction itself.
RESTRICTED = (
    "home",
    "case list",
    "filtered case list",
    "compare",
    "overview",
    "source page",
    "tension field page",
    "practice result",
)
ONLY = "grond=tekstbewijs"


def pages(case: Case) -> dict[str, str]:
    plain = {
        "home": reverse("home"),
        "framework": reverse("framework"),
        "section": reverse("section-detail", args=["ontmoeting"]),
        "case list": reverse("case-list"),
        "filtered case list": reverse("case-list")
        + "?domein=wonen&bron-ontmoeting=1&consensus-conflict-van=-1&consensus-conflict-tot=2",
        "searched and filtered list": reverse("case-list")
        + "?q=praktijk&soort=case_study&bron-strijd=2&plaats=Gent",
        "map": reverse("case-map"),
        "filtered map": reverse("case-map")
        + "?domein=wonen&bron-ontmoeting=1&consensus-conflict=0",
        "search": reverse("search") + "?q=praktijk",
        "compare": reverse("case-compare") + f"?praktijk={case.slug}&praktijk=bulk-x",
        "overview": reverse("overview"),
        "case page": case.get_absolute_url(),
        "source page": reverse("source-detail", args=["ontmoeting"]),
        "tension field page": reverse("tension-field-detail", args=["consensus-conflict"]),
        "practice form": reverse("practice"),
        "practice result": reverse("practice")
        + "?bron-ontmoeting=1&gewenst-bron-ontmoeting=3&consensus-conflict=-1"
        "&gewenst-consensus-conflict=beide&afstand-nabijheid=2&gewenst-bron-strijd=2",
        "feed": reverse("case-feed"),
        "sitemap": reverse("sitemap"),
    }
    restricted = {
        f"{name}, {ONLY}": f"{plain[name]}{'&' if '?' in plain[name] else '?'}{ONLY}"
        for name in RESTRICTED
    }
    return plain | restricted


def test_uncached_pages_cost_the_same_for_few_and_many_cases(client, framework, settings):
    settings.PAGE_CACHE_SECONDS = 0
    # On text evidence where the filtered list looks, so that its restricted variant has results too.
    case = make_case(
        keywords=("buurt", "moestuin"),
        grounds={"ontmoeting": Grounds.EVIDENCE, "consensus-conflict": Grounds.EVIDENCE},
    )
    make_many_cases(3)
    mix_grounds()
    few = {name: count_queries(client, url) for name, url in pages(case).items()}

    make_many_cases(196)
    mix_grounds()
    assert Case.objects.published().count() == 200
    many = {name: count_queries(client, url) for name, url in pages(case).items()}

    assert many == few
    for name, n in many.items():
        assert n <= MAX_QUERIES, f"{name}: {n} queries"


def test_a_cached_page_costs_one_query(client, framework):
    case = make_case()
    bump_content_version()
    for name, url in pages(case).items():
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss", name
        assert count_queries(client, url) == 1, name  # the content version


def test_every_language_costs_the_same_queries(client, framework, settings):
    """A page made afresh in French or English asks the database as often as in Dutch (each
    language's kept parts made anew: the cache is emptied before each)."""
    settings.PAGE_CACHE_SECONDS = 0
    case = make_case(keywords=("buurt", "moestuin"))
    make_many_cases(20)
    mix_grounds()
    counts = {}
    for prefix in ("", "/fr", "/en"):
        cache.clear()
        counts[prefix or "/nl"] = {
            name: count_queries(client, prefix + url)
            for name, url in pages(case).items()
            if name != "sitemap"  # one address in every language
        }
    assert counts["/fr"] == counts["/nl"]
    assert counts["/en"] == counts["/nl"]


def test_a_members_case_page_costs_the_same_queries_in_every_language(
    framework, member_a, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    case = make_case(practice="Buren koken samen.\n\nDaarna eten ze samen.")
    make_annotation(target=case, passage="koken samen", status="approved")
    make_annotation(target=case, passage="eten ze samen", author=member_a, status="pending")
    client = logged_in(member_a)
    counts = {}
    for prefix in ("", "/fr", "/en"):
        cache.clear()
        client.get(prefix + case.get_absolute_url())  # the kept parts made for this language
        counts[prefix or "/nl"] = count_queries(client, prefix + case.get_absolute_url())
    assert counts["/fr"] == counts["/en"] == counts["/nl"]
