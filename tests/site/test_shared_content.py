"""The list, the map and the search show only what is public, so their content is the same for
every reader of an address: kept by the content version (`diegem.lib.caching.shared_content`)
for signed-in readers too, made as an anonymous reader sees it, never with a draft in it, and
renewed by any public write. The reflection tool ranks a practice once per content version
and keeps its result apart from the member's own "Bewaar voor" form."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation
from cases import services as case_services
from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case
from tests.html import parse

pytestmark = pytest.mark.django_db

PAGES = {
    "list": reverse("case-list") + "?domein=wonen",
    "map": reverse("case-map") + "?domein=wonen",
    "search": reverse("search") + "?q=kookploeg",
}
PRACTICE = reverse("practice") + "?bron-ontmoeting=1&gewenst-bron-ontmoeting=3"


def main_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(parse(response).xpath("string(//main)").split())


def count(client, url: str, needle: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(needle in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def cases(framework, member_a):
    public = make_case(title="Openbare kookploeg", domain="wonen")
    make_case(title="GEHEIME kookploeg", domain="wonen", status="draft")
    make_annotation(target=public, author=member_a, status="pending", body="WACHTENDE kookploeg")
    Case.objects.all().refresh_search_vectors()
    return public


@pytest.mark.parametrize("page", PAGES)
def test_what_a_researcher_made_first_shows_no_draft_to_anyone(cases, researcher, page):
    main_text(logged_in(researcher), PAGES[page])
    for reader in (Client(), logged_in(researcher)):
        shown = main_text(reader, PAGES[page])
        assert "GEHEIME" not in shown and "WACHTENDE" not in shown


# What a signed-in member's second visit still reads (the content is kept).
KEPT_QUERIES = {
    # the content version, the session, the user with their permissions, the header's offers
    "list": 4,
    "map": 4,
    "search": 4,
}


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_in_reader_gets_the_kept_content(cases, member_b, page):
    first = main_text(logged_in(member_b), PAGES[page])
    reader = logged_in(member_b)
    assert count(reader, PAGES[page]) == KEPT_QUERIES[page]
    assert main_text(reader, PAGES[page]) == first == main_text(Client(), PAGES[page])


@pytest.mark.parametrize("page", ["list", "search"])
def test_a_public_write_reaches_the_kept_content_at_once(cases, member_b, researcher, page):
    reader = logged_in(member_b)
    assert "Openbare kookploeg" in main_text(reader, PAGES[page])
    case_services.case_transition(case=cases, action="unpublish", actor=researcher)
    assert "Openbare kookploeg" not in main_text(reader, PAGES[page])


def test_the_tool_ranks_a_practice_once_per_content_version(cases, member_b):
    assert count(Client(), PRACTICE, "WITH distances") == 1
    assert count(logged_in(member_b), PRACTICE, "WITH distances") == 0
    Annotation.objects.filter(case=cases).update(body="x")  # not a public write: still kept
    assert count(Client(), PRACTICE, "WITH distances") == 0
    cases.save()
    assert count(Client(), PRACTICE, "WITH distances") == 1


def test_the_save_form_is_the_members_own_whoever_made_the_result(cases, member_a):
    save_form = "//section[contains(@class,'practice-save')]"
    for order in (("anonymous", "member"), ("member", "anonymous")):
        readers = {"anonymous": Client(), "member": logged_in(member_a)}
        pages = {who: parse(readers[who].get(PRACTICE)) for who in order}
        assert len(pages["member"].xpath(save_form)) == 1
        assert pages["anonymous"].xpath(save_form) == []
        cases.save()
