"""Dutch full-text search: what a Dutch reader expects, and nothing unsafe or unpublished."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from annotations.models import Annotation
from cases import vocabulary
from cases.models import Case
from diegem.lib import search as full_text
from diegem.lib.search import parse_query
from tests.factories import make_annotation, make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def searchable(**fields) -> Case:
    case = make_case(**fields)
    Case.objects.filter(pk=case.pk).refresh_search_vectors()
    return case


def found(client, q: str) -> list[str]:
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return texts(parse(response), "//section[@aria-labelledby='case-results-title']//h3")


@pytest.fixture
def corpus(framework):
    searchable(
        title="Buurtkeuken",
        practice="Bewoners organiseren ontmoetingen in de keuken van het buurthuis.",
    )
    searchable(
        title="Solidariteitsmaaltijd",
        practice="Elke maand een solidariteitsmaaltijd voor de hele straat.",
    )
    searchable(
        title="Café De Hoek",
        practice="Het café is een plek waar jongeren strijden voor een skatepark.",
    )
    searchable(title="Moestuin", practice="Een moestuin waar buren samen tuinieren, zonder strijd.")
    vocabulary.rebuild()


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
    searchable(
        title="Geheim plan",
        practice="Het woord zeldzaamheidsfonds staat alleen hier.",
        status=Case.Status.DRAFT,
    )
    vocabulary.rebuild()
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
    searchable(
        title="Onveilig",
        practice="Hier staat <b>vetgedrukt</b> en <script>alert(1)</script> naast het woord buurtfeest.",
    )
    response = client.get(reverse("search"), {"q": "buurtfeest"})
    snippet = parse(response).xpath("//p[contains(@class,'result__snippet')]")[0]
    assert [mark.text for mark in snippet.xpath(".//mark")] == ["buurtfeest"]
    assert not snippet.xpath(".//b | .//script")
    assert (
        "vetgedrukt" in snippet.text_content()
    )  # ts_headline drops tag-like tokens; the rest is escaped text


def test_annotations_are_searched_when_public_only(client, framework):
    make_annotation(body="Een opmerking over de wijkraad.", status="approved")
    make_annotation(body="Een verborgen opmerking over de wijkraad.", status="pending")
    response = client.get(reverse("search"), {"q": "wijkraad"})
    items = texts(parse(response), "//section[@aria-labelledby='annotation-results-title']//li")
    assert len(items) == 1 and "verborgen" not in items[0]


def test_broad_queries_rank_a_capped_set_and_say_so(client, framework, monkeypatch):
    monkeypatch.setattr(full_text, "CANDIDATE_CAP", 3)
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


def test_the_case_list_searches_the_text(client, framework):
    searchable(title="Repair café", practice="Buren herstellen samen fietsen.")
    searchable(title="Voedselbank", practice="Pakketten voor gezinnen.")
    assert [
        t
        for t in texts(
            parse(client.get(reverse("case-list"), {"q": "fietsen"})),
            "//*[contains(@class,'case-card')]//h3",
        )
    ] == ["Repair café"]


# --- Dutch words as a reader types them, on the page and through the querysets -------------------------------------
# (The SQLite that `make run` used to run on found none of these.)


@pytest.fixture
def reader_texts(framework):
    """A published case and an approved note for each word a reader tries; each word also in a draft and a pending note."""
    searchable(
        title="Buurtkeuken",
        practice="Bewoners organiseren ontmoetingen in de keuken van het buurthuis.",
    )
    searchable(title="Café De Hoek", practice="Het café is een plek waar jongeren elkaar zien.")
    searchable(title="Solidaire buren", practice="Buren die solidairder zijn dan ooit.")
    searchable(
        title="Concept",
        practice="Ontmoetingen, een café en solidaire buren.",
        status=Case.Status.DRAFT,
    )
    park = searchable(title="Het park", practice="Buren spreken af in het park.")
    for body, status in [
        ("Elke ontmoeting telt.", "approved"),
        ("Een café als huiskamer van de wijk.", "approved"),
        ("Een solidair gebaar.", "approved"),
        ("Ontmoetingen, een café, solidair: nog niet nagekeken.", "pending"),
    ]:
        make_annotation(target=park, passage="spreken af", body=body, status=status)
    vocabulary.rebuild()


READER_QUERIES = [
    (
        "ontmoetingen",
        ["Buurtkeuken"],
        ["Elke ontmoeting telt."],
    ),  # the plural finds the singular: one stem
    ("cafe", ["Café De Hoek"], ["Een café als huiskamer van de wijk."]),  # without its accent
    (
        "solidair",
        ["Solidaire buren"],
        ["Een solidair gebaar."],
    ),  # stem and prefix: solidaire, solidairder
]


@pytest.mark.parametrize("query, cases, notes", READER_QUERIES)
def test_dutch_words_are_found_on_the_search_page(client, reader_texts, query, cases, notes):
    page = parse(client.get(reverse("search"), {"q": query}))
    assert texts(page, "//section[@aria-labelledby='case-results-title']//h3") == cases
    assert (
        texts(
            page,
            "//section[@aria-labelledby='annotation-results-title']//p[contains(@class,'result__snippet')]",
        )
        == notes
    )


@pytest.mark.parametrize("query, cases, notes", READER_QUERIES)
def test_dutch_words_are_found_through_the_querysets(reader_texts, query, cases, notes):
    parsed = parse_query(query)
    assert [case.title for case in Case.objects.published().search(parsed).ranked(parsed)] == cases
    assert [
        note.body for note in Annotation.objects.public().search(parsed).ranked(parsed)
    ] == notes


def test_a_misspelling_gets_bedoelde_u_on_the_page_and_from_the_vocabulary(client, reader_texts):
    assert vocabulary.suggest(parse_query("ontmoetng")) == "ontmoeting"
    assert vocabulary.suggest(parse_query("ontmoeting")) is None  # a known word needs no correction
    page = parse(client.get(reverse("search"), {"q": "ontmoetng"}))
    assert texts(page, "//p[contains(@class,'suggestion')]") == ["Bedoelde u: ontmoeting?"]
    assert page.xpath("//p[contains(@class,'suggestion')]/a/@href") == ["/zoeken/?q=ontmoeting"]


def test_a_note_is_searched_as_written_whatever_wrote_it(framework):
    """PostgreSQL computes a note's search vector from its row (a generated column): no service has to remember."""
    park = searchable(title="Het park", practice="Buren spreken af in het park.")
    note = make_annotation(target=park, passage="spreken af", body="Een moestuin.", attribution="")
    Annotation.objects.filter(pk=note.pk).update(
        body="Een wijkfeest."
    )  # a bulk write: no save, no signal
    assert list(Annotation.objects.public().search(parse_query("wijkfeest"))) == [note]
    assert list(Annotation.objects.public().search(parse_query("moestuin"))) == []
    Annotation.objects.filter(pk=note.pk).update(attribution="Durkheim (1984)")
    assert list(Annotation.objects.public().search(parse_query("durkheim"))) == [note]


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
                vocabulary.rebuild()
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


def test_every_search_box_takes_as_much_as_a_search_reads(client, framework):
    """One limit (diegem.lib.search.MAX_QUERY_LENGTH): the boxes' maxlength, the form, the search page."""
    for url in (reverse("home"), reverse("search"), reverse("case-list")):
        assert set(parse(client.get(url)).xpath("//input[@name='q']/@maxlength")) == {"200"}, url
    long_query = "woord " * 50  # 300 characters
    page = parse(client.get(reverse("search"), {"q": long_query}))
    assert page.xpath("//input[@id='search-q']/@value") == [long_query[:200]]
    listing = client.get(reverse("case-list"), {"q": long_query})
    assert listing.status_code == 200


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_search_can_use_the_index_of_every_vector_it_asks(framework, language):
    """One condition per language vector (the reader's, and the original's for a case written
    in another), so that PostgreSQL can answer each from its GIN index."""
    from django.utils import translation

    make_case(title="Buurtkeuken")
    with translation.override(language):
        queryset = Case.objects.search(parse_query("keuken"))
        sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a bank of many cases
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in (
        "case_search_vector_gin",
        "case_search_vector_fr_gin",
        "case_search_vector_en_gin",
    ):
        assert index in plan, plan
