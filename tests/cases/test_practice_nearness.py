"""Cases to learn from: how near a published case is to a practice placed now and desired.

The measure is explained on the page (cases.case_nearness): per item filled in, the difference
as a share of the scale; the mean over the items; "weet ik niet" does not count; both poles is
equal to itself and half the scale from a position; an undetermined, missing or (evidence only)
interpreted coding is half the scale.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.case_nearness import cases_to_learn_from, difference
from cases.models import Case, Grounds, SourceCoding, TensionPosition
from cases.practice_profile import Placement, PracticeProfile, framework_items
from frameworks.models import Source, TensionField
from tests.factories import make_case, make_many_cases
from tests.query_plans import plan_on_the_covering_index

pytestmark = pytest.mark.django_db


def items():
    return framework_items(Source.objects.all(), TensionField.objects.all())


def profile(now=None, desired=None) -> PracticeProfile:
    """A profile from {parameter: "2" | "-1" | "beide"}."""
    return PracticeProfile(
        items=items(),
        now={k: Placement.parse(v) for k, v in (now or {}).items()},
        desired={k: Placement.parse(v) for k, v in (desired or {}).items()},
    )


def learn(practice, *, evidence_only=False):
    return cases_to_learn_from(
        Case.objects.published(),
        practice,
        evidence_only=evidence_only,
    )


def item(param):
    return next(i for i in items() if i.param == param)


# (item, visitor's answer, case's strength or position, case holds both, expected difference)
DIFFERENCES = [
    ("bron-ontmoeting", "3", 3, False, 0.0),
    ("bron-ontmoeting", "3", 2, False, 1 / 3),
    ("bron-ontmoeting", "3", 0, False, 1.0),
    ("bron-strijd", "0", 2, False, 2 / 3),
    ("consensus-conflict", "-2", -2, False, 0.0),
    ("consensus-conflict", "-2", -1, False, 0.25),
    ("consensus-conflict", "-2", 2, False, 1.0),
    ("consensus-conflict", "1", -1, False, 0.5),
    ("consensus-conflict", "beide", None, True, 0.0),
    ("consensus-conflict", "beide", 2, False, 0.5),
    ("consensus-conflict", "0", None, True, 0.5),
]


@pytest.mark.parametrize(("param", "answer", "value", "both", "expected"), DIFFERENCES)
def test_the_difference_on_one_item(framework, param, answer, value, both, expected):
    if param.startswith("bron-"):
        coding = SourceCoding(strength=value, grounds=Grounds.INTERPRETATION)
    else:
        coding = TensionPosition(position=value, holds_both=both, grounds=Grounds.INTERPRETATION)
    assert difference(item(param), Placement.parse(answer), coding) == pytest.approx(expected)


def test_an_undetermined_or_missing_coding_is_half_the_scale(framework):
    undetermined = SourceCoding(strength=None, grounds=Grounds.UNDETERMINED)
    assert difference(item("bron-strijd"), Placement.parse("3"), undetermined) == 0.5
    assert difference(item("bron-strijd"), Placement.parse("0"), None) == 0.5


def test_a_profile_identical_to_a_case_puts_it_first_at_distance_zero(framework):
    strengths = {
        "wederzijdse-afhankelijkheid": 3,
        "normen-en-waarden": 0,
        "strijd": 2,
        "ontmoeting": 1,
    }
    positions = {
        "universeel-particularistisch": -2,
        "consensus-conflict": "both",
        "economisch-cultureel": 1,
        "integratie-transformatie": 2,
        "afstand-nabijheid": 0,
        "onderhandelbaar-niet-onderhandelbaar": -1,
    }
    target = make_case(title="Het evenbeeld", strengths=strengths, positions=positions)
    make_many_cases(30)
    answers = {f"bron-{k}": str(v) for k, v in strengths.items()} | {
        k: "beide" if v == "both" else str(v) for k, v in positions.items()
    }
    learning = learn(profile(desired=answers, now=answers))
    assert learning.desired[0].case == target
    assert learning.desired[0].distance == 0.0
    assert learning.desired[0].compared == 10
    assert learning.now[0].case == target
    assert [len(learning.desired[0].close), len(learning.desired[0].differ)] == [10, 0]


def test_distances_ranked_in_sql_are_the_ones_explained(framework):
    """Three cases on three items; the distances written out by hand."""
    make_case(title="A", strengths={"ontmoeting": 3}, positions={"consensus-conflict": 2})
    make_case(title="B", strengths={"ontmoeting": 1}, positions={"consensus-conflict": "both"})
    make_case(
        title="C",
        strengths={"ontmoeting": 0},
        positions={"consensus-conflict": -2},
        grounds={"strijd": Grounds.UNDETERMINED},
    )
    # Every case: strijd 1 unless undetermined (the factory's default strength is 1).
    wanted = {"bron-ontmoeting": "3", "consensus-conflict": "2", "bron-strijd": "3"}
    learning = learn(profile(desired=wanted))
    # A: 0 + 0 + 2/3 -> 2/9; B: 2/3 + 1/2 + 2/3 -> 11/18; C: 1 + 1 + 1/2 -> 5/6.
    assert [(n.case.title, round(n.distance, 4), n.compared) for n in learning.desired] == [
        ("A", 0.2222, 3),
        ("B", 0.6111, 3),
        ("C", 0.8333, 2),
    ]
    # The same numbers from the Python rule that explains them.
    for near in learning.desired:
        explained = sum(difference(i, p, c) for i, p, c in near.close + near.differ)
        explained += 0.5 * len(near.unknown)
        assert explained / 3 == pytest.approx(near.distance)
    assert learning.contrasts == []  # every case is already among the nearest


def test_contrasts_are_the_farthest_cases_not_already_nearest(framework):
    for title, strength in (("Drie", 3), ("Drie bis", 3), ("Twee", 2), ("Een", 1), ("Nul", 0)):
        make_case(title=title, strengths={"ontmoeting": strength})
    make_case(title="Onbekend", grounds={"ontmoeting": Grounds.UNDETERMINED})
    learning = learn(profile(desired={"bron-ontmoeting": "3"}))
    assert [n.case.title for n in learning.desired] == ["Drie", "Drie bis", "Twee"]
    # Farther than half the scale only: "Onbekend" (0.5) is no contrast.
    assert [(n.case.title, round(n.distance, 4)) for n in learning.contrasts] == [
        ("Nul", 1.0),
        ("Een", 0.6667),
    ]


def test_weet_ik_niet_does_not_count(framework):
    make_case(title="Sterk", strengths={"ontmoeting": 3, "strijd": 0})
    learning = learn(profile(desired={"bron-ontmoeting": "3"}))
    assert [(n.case.title, n.distance, n.asked) for n in learning.desired] == [("Sterk", 0.0, 1)]


def test_evidence_only_counts_an_interpretation_as_unknown(framework):
    make_case(
        title="Op tekstbewijs",
        strengths={"ontmoeting": 1},
        grounds={"ontmoeting": Grounds.EVIDENCE},
    )
    make_case(title="Gelezen", strengths={"ontmoeting": 3})
    wanted = {"bron-ontmoeting": "3"}
    everything = learn(profile(desired=wanted))
    assert [(n.case.title, round(n.distance, 4)) for n in everything.desired] == [
        ("Gelezen", 0.0),
        ("Op tekstbewijs", 0.6667),
    ]
    on_evidence = learn(profile(desired=wanted), evidence_only=True)
    assert [(n.case.title, round(n.distance, 4), n.compared) for n in on_evidence.desired] == [
        ("Gelezen", 0.5, 0),
        ("Op tekstbewijs", 0.6667, 1),
    ]


def test_only_published_cases_are_ranked(framework):
    make_case(title="Concept", status=Case.Status.DRAFT, strengths={"ontmoeting": 3})
    make_case(title="Ter nalezing", status=Case.Status.IN_REVIEW, strengths={"ontmoeting": 3})
    make_case(title="Openbaar", strengths={"ontmoeting": 0})
    learning = learn(profile(desired={"bron-ontmoeting": "3"}, now={"bron-ontmoeting": "0"}))
    shown = {n.case.title for n in learning.desired + learning.now + learning.contrasts}
    assert shown == {"Openbaar"}


def test_the_ranking_takes_the_same_queries_for_few_and_many_cases(framework):
    practice = profile(
        now={"bron-ontmoeting": "1", "consensus-conflict": "-1", "afstand-nabijheid": "beide"},
        desired={"bron-ontmoeting": "3", "consensus-conflict": "2", "bron-strijd": "2"},
    )
    make_many_cases(4)
    with CaptureQueriesContext(connection) as few:
        learn(practice)
    make_many_cases(300)
    with CaptureQueriesContext(connection) as many:
        learning = learn(practice)
    assert len(few) == len(many) == 4  # the ranking, the shown cases and their two codings
    assert len(learning.desired) == len(learning.now) == 3


@pytest.mark.django_db(transaction=True)  # VACUUM, as autovacuum would, runs outside one
def test_the_ranking_reads_the_case_rows_from_one_index_alone(framework):
    # The profile columns sit behind every text of a case row: read from the heap, they cost
    # the ranking most of its time (cases 0010, 0014). Planned with nothing that reads the heap
    # (as a large table is: a small one may as well read its few pages), on a vacuumed table,
    # the ranking is an index-only scan of that index: it holds every column the ranking reads.
    make_many_cases(20)
    practice = profile(
        now={"bron-ontmoeting": "1", "afstand-nabijheid": "beide"},
        desired={"bron-ontmoeting": "3", "consensus-conflict": "2"},
    )
    with CaptureQueriesContext(connection) as queries:
        learn(practice, evidence_only=True)
    ranking = queries.captured_queries[0]["sql"]
    assert ranking.startswith("WITH distances AS MATERIALIZED")
    plan = plan_on_the_covering_index(ranking)
    assert "Index Only Scan using case_status_facets on cases_case" in plan, plan
    assert "Disabled" not in plan and "Index Scan" not in plan, plan


def test_the_ranking_follows_every_way_a_coding_is_written(framework):
    """The database keeps each case's profile for the ranking (migration 0009): bulk inserts,
    updates and deletes of codings all count, not only the services."""
    case = make_case(title="Eén", strengths={"ontmoeting": 0})
    wanted = profile(desired={"bron-ontmoeting": "3"})

    def ranked():
        near = learn(wanted).desired[0]
        return (near.case.title, round(near.distance, 4), near.compared)

    assert ranked() == ("Eén", 1.0, 1)
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").update(strength=2)
    assert ranked() == ("Eén", 0.3333, 1)
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").update(
        strength=None, grounds=Grounds.UNDETERMINED
    )
    assert ranked() == ("Eén", 0.5, 0)
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").delete()
    assert ranked() == ("Eén", 0.5, 0)
    SourceCoding.objects.bulk_create(
        [SourceCoding(case=case, source=Source.objects.get(key="ontmoeting"), strength=3)]
    )
    assert ranked() == ("Eén", 0.0, 1)


def test_the_ranking_follows_a_change_in_the_frameworks_order(framework):
    """Reordering sources (the admin allows it) moves every case's slots with it."""
    make_case(title="Evenbeeld", strengths={"ontmoeting": 3, "strijd": 0})
    make_case(title="Omgekeerd", strengths={"ontmoeting": 0, "strijd": 3})
    strijd, ontmoeting = Source.objects.get(key="strijd"), Source.objects.get(key="ontmoeting")
    first, second = strijd.order, ontmoeting.order
    Source.objects.filter(pk=strijd.pk).update(order=100)
    Source.objects.filter(pk=ontmoeting.pk).update(order=first)
    Source.objects.filter(pk=strijd.pk).update(order=second)
    wanted = profile(desired={"bron-ontmoeting": "3", "bron-strijd": "0"})
    assert [(n.case.title, n.distance) for n in learn(wanted).desired] == [
        ("Evenbeeld", 0.0),
        ("Omgekeerd", 1.0),
    ]


def test_a_case_saved_after_its_codings_and_a_truncated_table_are_read_again(framework):
    """Foreign keys are checked at commit, so a fixture may list codings before their case."""
    model = make_case(title="Vorm", coded=False)
    fields = {
        f.attname: getattr(model, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname != "id" and not f.generated
    }
    later = model.pk + 1000
    with transaction.atomic():
        SourceCoding.objects.bulk_create(
            [SourceCoding(case_id=later, source=Source.objects.get(key="ontmoeting"), strength=3)]
        )
        Case.objects.create(id=later, **{**fields, "title": "Later", "slug": "later"})
    wanted = profile(desired={"bron-ontmoeting": "3"})
    assert [(n.case.title, n.distance) for n in learn(wanted).desired] == [
        ("Later", 0.0),
        ("Vorm", 0.5),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds them
        cursor.execute("TRUNCATE cases_sourcecoding CASCADE")
    assert [(n.case.title, n.distance, n.compared) for n in learn(wanted).desired] == [
        ("Vorm", 0.5, 0),
        ("Later", 0.5, 0),
    ]
