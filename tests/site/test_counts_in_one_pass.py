"""`diegem.lib.counting.count_each`: many counts over one queryset, in one query, each the
number of its rows that meet every part of a condition."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext

from cases.models import Case, KeywordedCase
from diegem.lib.counting import count_each
from frameworks.models import Domain
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(framework):
    make_case(title="Gent wonen", municipality="Gent", domain="wonen", keywords=("moestuin",))
    make_case(title="Gent leren", municipality="Gent", domain="leren")
    make_case(title="Brugge wonen", municipality="Brugge", domain="wonen", keywords=("moestuin",))
    make_case(title="Concept", municipality="Gent", domain="wonen", status=Case.Status.DRAFT)


MOESTUIN = Q(
    Exists(KeywordedCase.objects.filter(content_object=OuterRef("pk"), tag__name="moestuin"))
)

WONEN = Subquery(Domain.objects.filter(key="wonen").values("pk")[:1])
CONDITIONS = {
    "all": [],
    "Gent": [Q(municipality="Gent")],
    "Gent, wonen": [Q(municipality="Gent"), Q(domain_id=WONEN)],
    "Gent or Brugge": [Q(municipality="Gent") | Q(municipality="Brugge")],
    "moestuin": [MOESTUIN],
    "moestuin, Brugge": [MOESTUIN, Q(municipality="Brugge")],
    "nothing": [Q(pk__in=[])],
    "not nothing": [~Q(pk__in=[])],
}
PUBLISHED = {
    "all": 3,
    "Gent": 2,
    "Gent, wonen": 1,
    "Gent or Brugge": 3,
    "moestuin": 2,
    "moestuin, Brugge": 1,
    "nothing": 0,
    "not nothing": 3,
}


def test_each_condition_counts_the_rows_of_the_queryset_that_meet_all_its_parts(cases):
    with CaptureQueriesContext(connection) as queries:
        counts = count_each(Case.objects.published(), CONDITIONS)
    assert counts == PUBLISHED
    assert len(queries) == 1


def test_the_rows_are_the_querysets_whatever_it_joins(cases):
    counts = count_each(
        Case.objects.filter(domain__key="wonen"), {"all": [], "Gent": [Q(municipality="Gent")]}
    )
    assert counts == {"all": 3, "Gent": 2}  # the draft in Gent is a row of this queryset


def test_an_empty_queryset_counts_nothing_without_asking_the_database(cases):
    with CaptureQueriesContext(connection) as queries:
        counts = count_each(
            Case.objects.filter(pk__in=[]), {"all": [], "Gent": [Q(municipality="Gent")]}
        )
    assert counts == {"all": 0, "Gent": 0}
    assert len(queries) == 0


def test_a_condition_is_compiled_once_and_one_with_a_subquery_is_kept_nowhere(cases):
    from diegem.lib import counting

    counting._compiled.cache_clear()
    count_each(Case.objects.published(), {"Gent": [Q(municipality="Gent")]})
    count_each(Case.objects.published(), {"Gent": [Q(municipality="Gent")]})
    assert counting._compiled.cache_info()[:2] == (1, 1)  # (hits, misses)
    # A subquery compares by its queryset's identity: an equal one is never found again.
    for _ in range(3):
        count_each(Case.objects.published(), {"moestuin": [MOESTUIN]})
    assert counting._compiled.cache_info().currsize == 1
