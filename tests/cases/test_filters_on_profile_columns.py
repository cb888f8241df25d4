"""The filters read a case's coding from the profile columns of its row (cases.case_profiles), and
count every option in one pass: they keep the cases the codings themselves say, a framework grown
past the ten columns is still filtered and counted, and PostgreSQL reads it all from one index."""

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.case_profiles import ProfileLayout, column
from cases.models import Case, Grounds, KeywordedCase, SourceCoding, TensionPosition
from frameworks.models import Source, TensionField
from tests.factories import make_case, make_many_cases
from tests.html import parse, texts
from tests.query_plans import plan_on_the_covering_index

pytestmark = pytest.mark.django_db

E, U = Grounds.EVIDENCE, Grounds.UNDETERMINED


@pytest.fixture
def spread(framework):
    """Five cases coded on "strijd" and "consensus-conflict" in every way that matters."""
    make_case(
        title="Sterk bewezen",
        strengths={"strijd": 3},
        positions={"consensus-conflict": 2},
        grounds={"strijd": E, "consensus-conflict": E},
    )
    make_case(title="Matig", strengths={"strijd": 2}, positions={"consensus-conflict": -1})
    make_case(
        title="Beide bewezen",
        strengths={"strijd": 1},
        positions={"consensus-conflict": "both"},
        grounds={"consensus-conflict": E},
    )
    make_case(title="Onbepaald", grounds={"strijd": U, "consensus-conflict": U})
    make_case(title="Geen", strengths={"strijd": 0}, positions={"consensus-conflict": -2})


def titles(queryset) -> list[str]:
    return sorted(queryset.values_list("title", flat=True))


def layout() -> ProfileLayout:
    return ProfileLayout(Source.objects.all(), TensionField.objects.all())


# (at least, on text evidence only) -> the cases drawing on "strijd"
DRAWING_ON = [
    (1, False, ["Beide bewezen", "Matig", "Sterk bewezen"]),
    (2, False, ["Matig", "Sterk bewezen"]),
    (3, False, ["Sterk bewezen"]),
    (1, True, ["Sterk bewezen"]),
    (3, True, ["Sterk bewezen"]),
]


@pytest.mark.parametrize(("strength", "evidence_only", "expected"), DRAWING_ON)
def test_a_source_filter_on_the_row_keeps_what_the_codings_say(
    spread, strength, evidence_only, expected
):
    strijd = Source.objects.get(key="strijd")
    on_row = Case.objects.drawing_on(strijd, strength, evidence_only=evidence_only, layout=layout())
    from_codings = Case.objects.drawing_on(strijd, strength, evidence_only=evidence_only)
    assert titles(on_row) == titles(from_codings) == expected


# (positions, houdt beide polen vast, on text evidence only) -> the cases on "consensus-conflict"
POSITIONED_ON = [
    ([-2], False, False, ["Geen"]),
    ([-1, 0], False, False, ["Matig"]),
    ([], True, False, ["Beide bewezen"]),
    ([2], True, False, ["Beide bewezen", "Sterk bewezen"]),
    ([-2, -1, 0, 1, 2], False, False, ["Beide bewezen", "Geen", "Matig", "Sterk bewezen"]),
    ([-2, -1, 0, 1, 2], False, True, ["Beide bewezen", "Sterk bewezen"]),
    ([-1, 2], False, True, ["Sterk bewezen"]),
]


@pytest.mark.parametrize(("positions", "both", "evidence_only", "expected"), POSITIONED_ON)
def test_a_tension_filter_on_the_row_keeps_what_the_codings_say(
    spread, positions, both, evidence_only, expected
):
    field = TensionField.objects.get(key="consensus-conflict")
    kwargs = {"both_poles": both, "evidence_only": evidence_only}
    on_row = Case.objects.positioned_on(field, positions, layout=layout(), **kwargs)
    from_codings = Case.objects.positioned_on(field, positions, **kwargs)
    assert titles(on_row) == titles(from_codings) == expected


def test_a_profile_column_stays_on_its_own_case_row_inside_a_subquery(spread):
    # Resolved again against the outer query (here the keyword rows), the column keeps the
    # case row of the subquery it was written in.
    slot = layout().source_slot(Source.objects.get(key="strijd"))
    strength = Subquery(
        Case.objects.filter(pk=OuterRef("content_object")).annotate(p=column(slot)).values("p")[:1]
    )
    make_case(title="Met trefwoord", strengths={"strijd": 2}, keywords=("moestuin",))
    assert list(
        KeywordedCase.objects.annotate(strength=strength).values_list("strength", flat=True)
    ) == [2]
    inner = Case.objects.drawing_on(Source.objects.get(key="strijd"), 3, layout=layout())
    assert titles(Case.objects.filter(pk__in=inner.values("pk"))) == ["Sterk bewezen"]


def test_the_row_follows_a_coding_changed_after_the_case_was_filtered(spread):
    strijd = Source.objects.get(key="strijd")
    assert titles(Case.objects.drawing_on(strijd, 3, layout=layout())) == ["Sterk bewezen"]
    SourceCoding.objects.filter(case__title="Geen", source=strijd).update(strength=3)
    assert titles(Case.objects.drawing_on(strijd, 3, layout=layout())) == ["Geen", "Sterk bewezen"]


def step_counts(client, key: str, query=None) -> list[str]:
    """The count each step of a tension field's row shows, from pole A to pole B."""
    tree = parse(client.get(reverse("case-list"), query or {}))
    return texts(
        tree,
        f"//fieldset[@id='row-{key}']//label[@class='filter-row__option']"
        "/span[@class='filter-row__short']",
    )


def test_a_framework_beyond_the_ten_columns_is_filtered_and_counted_from_the_codings(
    client, spread
):
    # A fifth source: the sixth tension field moves past the tenth column (cases 0009).
    extra = Source.objects.create(
        key="extra",
        order=99,
        name="Extra bron",
        summary="s",
        description="d",
        perspective="p",
        thinkers="t",
    )
    last = TensionField.objects.get(number=6)
    assert layout().source_slot(extra) == 5
    assert layout().field_slot(last) is None
    for case in Case.objects.all():
        SourceCoding.objects.create(case=case, source=extra, strength=2, rationale="r")
    TensionPosition.objects.filter(tension_field=last).update(position=-2, holds_both=False)
    TensionPosition.objects.filter(tension_field=last, case__title="Sterk bewezen").update(
        position=2
    )

    response = client.get(reverse("case-list"), {last.key: "2", "bron-extra": "2"})
    assert texts(parse(response), "//article//h3/a") == ["Sterk bewezen"]
    assert step_counts(client, last.key) == ["4", "0", "0", "0", "1"]
    # Counted with the other filters kept: the one case at pole B is not "Matig".
    assert step_counts(client, last.key, {"consensus-conflict": "-1"}) == ["1", "0", "0", "0", "0"]


@pytest.mark.django_db(transaction=True)  # VACUUM, as autovacuum would, runs outside one
def test_every_option_is_counted_in_one_pass_over_one_index(client, framework, settings):
    # Planned with nothing that reads the heap, on a vacuumed table: the count of every option,
    # and of the places, can read the case rows from the covering index alone (cases 0014),
    # which holds every column they read; a column missing from it leaves a plan that reads
    # the heap (or a disabled one).
    settings.PAGE_CACHE_SECONDS = 0
    make_many_cases(20)
    chosen = {"domein": "wonen", "soort": "case_study", "plaats": "Antwerpen", "bron-strijd": "2"}
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("case-list"), {**chosen, "consensus-conflict": "1"})
    [counting] = [q["sql"] for q in queries.captured_queries if "FILTER (WHERE" in q["sql"]]
    # every option of domain, kind, the chosen place, the sources and the fields, also on evidence
    assert counting.count("FILTER (WHERE") == 4 + 2 + 1 + 4 * 3 * 2 + 6 * 6 * 2
    [places] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "cases_case"."municipality" AS "municipality", COUNT(')
    ]
    for sql in (counting, places):
        plan = plan_on_the_covering_index(sql)
        assert "Index Only Scan using case_status_facets on cases_case" in plan, plan
        assert "Disabled" not in plan and "Index Scan" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_map_counts_its_municipalities_from_the_same_index(client, framework, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_many_cases(301)  # beyond the cases the map lists one by one
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("case-map"))
    [grouping] = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]][:1]
    assert '"nis_code"' in grouping
    plan = plan_on_the_covering_index(grouping)
    assert "Index Only Scan using case_status_facets on cases_case" in plan, plan
    assert "Disabled" not in plan and " Scan on cases_case" not in plan, plan


def test_a_step_counts_the_cases_at_that_position_with_the_other_filters_kept(client, spread):
    # "Onbepaald" has no position and "Beide bewezen" holds both poles: neither is on a step.
    assert step_counts(client, "consensus-conflict") == ["1", "1", "0", "0", "1"]
    assert step_counts(client, "consensus-conflict", {"bron-strijd": "2"}) == [
        "0",
        "1",
        "0",
        "0",
        "1",
    ]
    assert step_counts(
        client, "consensus-conflict", {"bron-strijd": "1", "grond": "tekstbewijs"}
    ) == ["0", "0", "0", "0", "1"]
