"""A case page lists related cases by profile, links its keywords to the list, and offers a comparison."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from diegem.lib.versioning import bump_content_version
from tests.cases.double_coding import make_colleague, open_round, publish
from tests.conftest import logged_in
from tests.factories import make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

NEAR = {"ontmoeting": 3, "strijd": 0, "wederzijdse-afhankelijkheid": 2, "normen-en-waarden": 1}
FAR = {"ontmoeting": 0, "strijd": 3, "wederzijdse-afhankelijkheid": 0, "normen-en-waarden": 3}


def related(client, case) -> list[str]:
    page = parse(client.get(case.get_absolute_url()))
    return texts(page, "//section[@aria-labelledby='related-title']//li/a[1]")


def test_the_nearest_published_cases_come_first_and_no_draft_among_them(client, framework):
    case = make_case(title="Buurtkeuken", strengths=NEAR, positions={"consensus-conflict": -1})
    make_case(title="Bijna hetzelfde", strengths=NEAR, positions={"consensus-conflict": -1})
    make_case(title="Heel anders", strengths=FAR, positions={"consensus-conflict": 2})
    make_case(title="Ertussenin", strengths={**NEAR, "strijd": 2}, positions={})
    make_case(title="CONCEPT-ZELFDE", strengths=NEAR, status=Case.Status.DRAFT)

    titles = related(client, case)

    assert titles == ["Bijna hetzelfde", "Ertussenin", "Heel anders"]
    assert "CONCEPT-ZELFDE" not in client.get(case.get_absolute_url()).content.decode()


def test_each_related_case_can_be_compared_with_this_one(client, framework):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken", strengths=NEAR)
    make_case(title="Bijna hetzelfde", slug="bijna", strengths=NEAR)
    page = parse(client.get(case.get_absolute_url()))
    [compare] = page.xpath(
        "//section[@aria-labelledby='related-title']//a[text()='vergelijk']/@href"
    )
    assert compare == f"{reverse('case-compare')}?praktijk=buurtkeuken&praktijk=bijna"
    columns = texts(
        parse(client.get(compare)), "//table[contains(@class,'compare-table')]//thead//th"
    )
    assert columns == ["A Buurtkeuken", "B Bijna hetzelfde"]


def test_keywords_lead_to_the_list_filtered_by_them(client, framework):
    case = make_case(title="Buurtkeuken", keywords=("voedsel", "buurtwerk"))
    make_case(title="Ander voedselproject", keywords=("voedsel",))
    make_case(title="Zonder trefwoord")
    page = parse(client.get(case.get_absolute_url()))
    links = dict(
        zip(
            texts(page, "//section[@aria-labelledby='keywords-title']//a"),
            page.xpath("//section[@aria-labelledby='keywords-title']//a/@href"),
            strict=True,
        )
    )
    assert links["voedsel"] == f"{reverse('case-list')}?trefwoord=voedsel"
    listed = texts(
        parse(client.get(links["voedsel"])), "//article[contains(@class,'case-card')]//h3"
    )
    assert sorted(listed) == ["Ander voedselproject", "Buurtkeuken"]


def test_the_case_page_costs_the_same_queries_with_few_or_many_cases(client, framework):
    case = make_case(title="Buurtkeuken", strengths=NEAR, keywords=("voedsel",))
    make_case(title="Een ander", strengths=FAR)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(case.get_absolute_url()).status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        make_case(title=f"Nog een {n}", strengths=NEAR if n % 2 else FAR)
    assert count() == few


def test_a_case_taken_offline_between_ranking_and_titles_stays_out(client, framework, monkeypatch):
    from cases import case_nearness

    case = make_case(title="Buurtkeuken", strengths=NEAR)
    leaving = make_case(title="VERTREKKENDE-PRAKTIJK", strengths=NEAR)
    make_case(title="Blijvend", strengths=FAR)
    ranked = case_nearness._ranked

    def ranked_then_taken_offline(*args, **kwargs):
        rows = ranked(*args, **kwargs)
        Case.objects.filter(pk=leaving.pk).update(status=Case.Status.DRAFT, published_at=None)
        return rows

    monkeypatch.setattr(case_nearness, "_ranked", ranked_then_taken_offline)
    assert related(client, case) == ["Blijvend"]


def test_a_case_with_nothing_known_is_not_related(client, framework):
    case = make_case(title="Buurtkeuken", strengths=NEAR)
    make_case(title="Bijna hetzelfde", strengths=NEAR)
    unknown = make_case(title="Niets geweten", coded=False)
    assert not unknown.source_codings.exists()
    assert related(client, case) == ["Bijna hetzelfde"]


# --- read once per content version ------------------------------------------------------------------


def ranking_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return sum("WITH distances" in query["sql"] for query in queries.captured_queries)


def test_the_ranking_is_run_once_per_content_version_for_every_reader(framework, member_a):
    case = make_case(title="Buurtkeuken", strengths=NEAR)
    make_case(title="Bijna hetzelfde", strengths=NEAR)
    reader = logged_in(member_a)
    assert ranking_queries(reader, case) == 1
    assert ranking_queries(logged_in(member_a), case) == 0
    leaving = make_case(title="Nieuw en dichtbij", strengths=NEAR)
    assert related(reader, case) == ["Bijna hetzelfde", "Nieuw en dichtbij"]
    case_services.case_transition(case=leaving, action="unpublish", actor=make_researcher())
    assert related(reader, case) == ["Bijna hetzelfde"]


def test_a_case_coded_blind_is_never_related_for_its_second_coder(framework, client):
    case = make_case(title="Buurtkeuken", strengths=NEAR)
    blind = make_case(title="BLIND-GECODEERD", strengths=NEAR, status=Case.Status.DRAFT)
    colleague = make_colleague()
    open_round(blind, make_researcher(), colleague)
    publish(blind)
    bump_content_version()
    assert related(client, case) == ["BLIND-GECODEERD"]  # everyone else sees its coding
    assert related(logged_in(colleague), case) == []


def make_researcher():
    return make_user("aanvrager", groups=(RESEARCHERS_GROUP,), is_staff=True)
