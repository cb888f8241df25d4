"""Dutch full-text search: what a Dutch reader expects, and nothing unsafe or unpublished."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cases.models import Case
from cases.search import rebuild_vocabulary, refresh_search_vectors
from frameworks.search import parse_query
from tests.factories import make_annotation, make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def searchable(**fields) -> Case:
    case = make_case(**fields)
    refresh_search_vectors(Case.objects.filter(pk=case.pk))
    return case


def found(client, q: str) -> list[str]:
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return texts(parse(response), "//section[@aria-labelledby='case-results-title']//h3")


@pytest.fixture
def corpus(framework):
    searchable(title="Buurtkeuken", practice="Bewoners organiseren ontmoetingen in de keuken van het buurthuis.")
    searchable(title="Solidariteitsmaaltijd", practice="Elke maand een solidariteitsmaaltijd voor de hele straat.")
    searchable(title="Café De Hoek", practice="Het café is een plek waar jongeren strijden voor een skatepark.")
    searchable(title="Moestuin", practice="Een moestuin waar buren samen tuinieren, zonder strijd.")
    rebuild_vocabulary()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ontmoeting", ["Buurtkeuken"]),  # plural in the text, singular in the query
        ("ontmoetingen", ["Buurtkeuken"]),
        ("tuinieren", ["Moestuin"]),
        ("solidariteit", ["Solidariteitsmaaltijd"]),  # a compound found by its first part
        ("solidariteitsmaaltijden", ["Solidariteitsmaaltijd"]),  # stemming on the compound
        ("cafe", ["Café De Hoek"]),  # accents do not matter
        ("CAFÉ", ["Café De Hoek"]),
        ('"samen tuinieren"', ["Moestuin"]),  # a phrase
        ('"tuinieren samen"', []),  # in that order only
        ("strijd", ["Café De Hoek", "Moestuin"]),  # strijden and strijd
        ("strijd -skatepark", ["Moestuin"]),  # minus excludes
        ("skatepark OR moestuin", ["Café De Hoek", "Moestuin"]),  # OR
        ("keuken buurthuis", ["Buurtkeuken"]),  # all words
        ("keuken moestuin", []),
    ],
)
def test_dutch_search(client, corpus, query, expected):
    assert sorted(found(client, query)) == sorted(expected)


def test_title_ranks_above_summary_above_body(client, framework):
    searchable(title="Iets anders", summary="Over wijkwerking.", practice="Niets.")
    searchable(title="Wijkwerking in Gent", summary="Iets.", practice="Niets.")
    searchable(title="Nog iets", summary="Niets.", practice="Ook hier is wijkwerking.")
    assert found(client, "wijkwerking") == ["Wijkwerking in Gent", "Iets anders", "Nog iets"]


def test_misspelling_gets_a_did_you_mean(client, corpus):
    response = client.get(reverse("search"), {"q": "ontmoetng"})
    suggestion = parse(response).xpath("//p[contains(@class,'suggestion')]/a")[0]
    assert suggestion.text == "ontmoeting"
    assert found(client, suggestion.text) == ["Buurtkeuken"]


def test_drafts_are_never_found_or_suggested(client, framework):
    searchable(title="Publiek", practice="Een gewone praktijk.")
    searchable(title="Geheim plan", practice="Het woord zeldzaamheidsfonds staat alleen hier.", status=Case.Status.DRAFT)
    rebuild_vocabulary()
    assert found(client, "zeldzaamheidsfonds") == []
    page = client.get(reverse("search"), {"q": "zeldzaamheidsfnds"}).content.decode()
    assert "zeldzaamheidsfonds" not in page
    assert "Geheim plan" not in client.get(reverse("case-list"), {"q": "geheim"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced quote',
        "a & b | !c",
        "'; DROP TABLE cases_case; --",
        "<script>alert(1)</script>",
        "\\\\ :* <-> ()",
        "OR OR OR",
        "-",
        "x" * 500,
        "ü ñ ø 🌱",
        "%' OR 1=1 --",
    ],
)
def test_unsafe_input_never_errors(client, corpus, query):
    for url in (reverse("search"), reverse("case-list")):
        response = client.get(url, {"q": query})
        assert response.status_code == 200, (url, query)
        tree = parse(response)
        assert not tree.xpath("//body//script[not(@src)]")
        assert Case.objects.count() == 4


def test_snippets_escape_the_text_and_mark_the_hits(client, framework):
    searchable(title="Onveilig", practice="Hier staat <b>vetgedrukt</b> en <script>alert(1)</script> naast het woord buurtfeest.")
    response = client.get(reverse("search"), {"q": "buurtfeest"})
    snippet = parse(response).xpath("//p[contains(@class,'result__snippet')]")[0]
    assert [mark.text for mark in snippet.xpath(".//mark")] == ["buurtfeest"]
    assert not snippet.xpath(".//b | .//script")
    assert "vetgedrukt" in snippet.text_content()  # ts_headline drops tag-like tokens; the rest is escaped text


def test_annotations_are_searched_when_public_only(client, framework):
    make_annotation(body="Een opmerking over de wijkraad.", status="approved")
    make_annotation(body="Een verborgen opmerking over de wijkraad.", status="pending")
    from annotations.models import Annotation
    from annotations.search import refresh_search_vectors as refresh

    refresh(Annotation.objects.all())
    response = client.get(reverse("search"), {"q": "wijkraad"})
    items = texts(parse(response), "//section[@aria-labelledby='annotation-results-title']//li")
    assert len(items) == 1 and "verborgen" not in items[0]


def test_broad_queries_rank_a_capped_set_and_say_so(client, framework, monkeypatch):
    from cases import search

    monkeypatch.setattr(search, "CANDIDATE_CAP", 3)
    for i in range(5):
        searchable(title=f"Straatfeest {i}", practice="Een straatfeest.")
    response = client.get(reverse("search"), {"q": "straatfeest"})
    assert "meer dan 3" in texts(parse(response), "//h2[@id='case-results-title']")[0]
    listing = client.get(reverse("case-list"), {"q": "straatfeest"})
    assert len(texts(parse(listing), "//*[contains(@class,'case-card')]//h3")) == 3


def test_the_query_parser_lets_only_words_through():
    parsed = parse_query("""a:* & ('b' | !c) "d <-> e" -f OR g""")
    assert set(parsed.tsquery) <= set("abcdefg:*&|!() <->")
    assert "'" not in parsed.tsquery
    assert parse_query("  ") is None
    assert parse_query("-alleen") is None  # nothing to look for


def test_without_full_text_search_simple_matching_still_works(client, framework, monkeypatch):
    import cases.search
    import frameworks.search

    searchable(title="Repair café", practice="Buren herstellen samen fietsen.")
    searchable(title="Voedselbank", practice="Pakketten voor gezinnen.")
    monkeypatch.setattr(cases.search, "is_full_text", lambda: False)
    monkeypatch.setattr(frameworks.search, "is_full_text", lambda: False)
    assert [t for t in texts(parse(client.get(reverse("case-list"), {"q": "fietsen"})), "//*[contains(@class,'case-card')]//h3")] == ["Repair café"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_vocabulary_rebuilds(framework):
    """Two vocabulary rebuilds at once do not collide."""
    make_case(title="Woordenschat")
    barrier = threading.Barrier(2)
    errors = []

    def rebuild():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                rebuild_vocabulary()
        except Exception as error:  # noqa: BLE001 - any failure is what we look for
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
