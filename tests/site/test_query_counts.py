"""Query counts stay flat: the same number of queries for 4 and for 200 cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from tests.factories import make_case, make_many_cases

pytestmark = pytest.mark.django_db

# A generous ceiling per page; the real guard is that few and many rows cost the same.
MAX_QUERIES = 12


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def pages(case: Case) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "framework": reverse("framework"),
        "section": reverse("section-detail", args=["ontmoeting"]),
        "case list": reverse("case-list"),
        "filtered case list": reverse("case-list")
        + "?domein=wonen&bron-encounter=1&consensus-conflict-van=-1&consensus-conflict-tot=2",
        "case page": case.get_absolute_url(),
        "source page": reverse("source-detail", args=["encounter"]),
        "tension field page": reverse("tension-field-detail", args=["consensus-conflict"]),
        "feed": reverse("case-feed"),
        "sitemap": reverse("sitemap"),
    }


def test_query_counts_do_not_grow_with_the_number_of_cases(client, framework):
    case = make_case(keywords=("buurt", "moestuin"))
    make_many_cases(3)
    few = {name: count_queries(client, url) for name, url in pages(case).items()}

    make_many_cases(196)
    assert Case.objects.published().count() == 200
    many = {name: count_queries(client, url) for name, url in pages(case).items()}

    assert many == few
    for name, n in many.items():
        assert n <= MAX_QUERIES, f"{name}: {n} queries"
