"""Search over the framework and by word root: "solidair" in a solidarity bank finds something."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import vocabulary
from cases.models import Case
from diegem.lib.search import parse_query, word_siblings
from frameworks.models import Section
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "word, siblings",
    [
        ("solidair", ("solidariteit:*",)),
        ("solidariteit", ("solidair:*",)),
        ("structureel", ("structuraliteit:*", "structurele:*")),
        ("collectief", ("collectiviteit:*", "collectieve:*")),
        ("diversiteit", ("divers",)),  # the adjective as a word, not as a prefix
        ("praktische", ()),  # never a bare root as a prefix: "prakt" would find every "praktijk"
        ("ontmoeting", ()),  # the stemmer does this one
        ("buurt", ()),
        ("air", ()),  # an ending is not a word
    ],
)
def test_the_other_words_of_a_family(word, siblings):
    assert word_siblings(word) == siblings


@pytest.mark.parametrize(
    "query, tsquery",
    [
        ("solidair", "((solidair:* | solidariteit:*))"),
        ("buurt", "(buurt:*)"),
        ("praktische", "(praktische:*)"),
        ("ontmoeting OR strijd", "(ontmoeting:* | strijd:*)"),
        ('"solidaire buurt"', "((solidaire <-> buurt))"),  # a phrase stays exact
        ("xy", "(xy)"),  # too short for a prefix
    ],
)
def test_the_tsquery_of_a_query(query, tsquery):
    assert parse_query(query).tsquery == tsquery


def section_titles(response) -> list[str]:
    return texts(parse(response), "//section[@aria-labelledby='framework-results-title']//h3")


def case_titles(response) -> list[str]:
    return texts(parse(response), "//section[@aria-labelledby='case-results-title']//h3")


def test_solidair_finds_solidarity_in_cases_and_in_the_framework(client, framework):
    make_case(title="Buurtnetwerk", practice="Solidariteitsnetwerken tussen buren in Ledeberg.")
    make_case(title="Praktijk zonder het woord", practice="Een solide praktijk van buren.")
    make_case(
        title="Concept met solidariteit",
        practice="Ook hier solidariteitsnetwerken.",
        status=Case.Status.DRAFT,
    )
    Case.objects.all().refresh_search_vectors()

    response = client.get(reverse("search"), {"q": "solidair"})

    assert case_titles(response) == ["Buurtnetwerk"]
    framework_hits = section_titles(response)
    assert framework_hits  # the framework speaks of solidariteit throughout
    mentioning = {
        str(section) for section in Section.objects.all() if "solidariteit" in section.body.lower()
    }
    assert mentioning & set(framework_hits)
    assert "Concept met solidariteit" not in response.content.decode()


def test_a_framework_hit_links_to_its_page_with_a_marked_snippet(client, framework):
    page = parse(client.get(reverse("search"), {"q": "ontmoeting"}))
    hits = page.xpath("//section[@aria-labelledby='framework-results-title']//li")
    by_title = {"".join(hit.xpath(".//h3//text()")).strip(): hit for hit in hits}
    assert "Ontmoeting" in by_title
    source = by_title["Ontmoeting"]
    assert source.xpath(".//h3/a/@href") == [reverse("source-detail", args=["ontmoeting"])]
    assert "Bron van solidariteit" in "".join(source.xpath(".//p[@class='card__meta']//text()"))
    # Each snippet shows whole words around its marks.
    for hit in hits:
        snippet = "".join(hit.xpath(".//p[@class='result__snippet']//text()"))
        assert not snippet.startswith(" ") and snippet.strip()


def test_a_pole_finds_its_tension_field(client, framework):
    titles = section_titles(client.get(reverse("search"), {"q": "conflict"}))
    assert "consensus – conflict" in titles


def test_nothing_found_offers_words_of_the_framework_that_find_something(client, framework):
    vocabulary.rebuild()
    page = parse(client.get(reverse("search"), {"q": "qqxzzv"}))
    assert "Probeer een woord uit het kader" in "".join(page.itertext())
    links = page.xpath("//nav[@aria-labelledby='try-words-title']//a/@href")
    assert len(links) >= 4
    for link in links:
        assert section_titles(client.get(link)), link


def test_the_framework_search_costs_the_same_queries_whatever_the_bank(client, framework):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("search"), {"q": "solidariteit"}).status_code == 200
        return len(queries)

    make_case(title="Solidariteit", practice="Solidariteit in de buurt.")
    Case.objects.all().refresh_search_vectors()
    few = count()
    for n in range(8):
        make_case(title=f"Solidariteit {n}", practice="Solidariteit in de buurt.")
    Case.objects.all().refresh_search_vectors()
    assert count() == few
