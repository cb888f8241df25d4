"""Snippets in search results: whole words, hits marked; a note's own words without its attribution."""

import lxml.html
import pytest
from django.urls import reverse

from cases.models import Case
from diegem.lib.search import FRAGMENT_DELIMITER, START_SEL, STOP_SEL, whole_words_snippet
from tests.factories import make_annotation, make_case
from tests.html import parse, texts

TEXT = (
    "De Torekes zijn een complementaire munt in de wijk Rabot. Bewoners verdienen ze met vrijwilligerswerk "
    "in Ledeberg-Lindsakker en een basisschool in Lokeren doet mee."
)


# --- PostgreSQL's ts_headline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headline, snippet",
    [
        # ts_headline cut "Ledeberg-Lindsakker" at the hyphen and "Lokeren" not at all: completed, with ellipses.
        (
            f"{START_SEL}Lindsakker{STOP_SEL} en een basisschool in",
            "…Ledeberg-<mark>Lindsakker</mark> en een basisschool in…",
        ),
        (f"De {START_SEL}Torekes{STOP_SEL} zijn", "De <mark>Torekes</mark> zijn…"),
        (TEXT, TEXT),
    ],
)
def test_headlines_are_widened_to_whole_words(headline, snippet):
    assert whole_words_snippet(headline, TEXT) == snippet


def test_a_headline_not_found_in_the_text_is_still_escaped_and_marked():
    assert (
        whole_words_snippet(f"<b>{START_SEL}x{STOP_SEL}</b>", TEXT)
        == "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"
    )


def inner_html(element) -> str:
    return (
        (element.text or "")
        + "".join(lxml.html.tostring(child, encoding="unicode") for child in element)
    ).strip()


@pytest.mark.django_db
def test_search_results_show_the_attribution_beside_the_snippet_not_in_it(client, framework):
    body = (
        "De hele wereld komt samen op de speelplaats van een basisschool in Lokeren. Ouders uit veertig landen "
        "groeten elkaar er elke ochtend, net als in Ledeberg-Lindsakker waar we hetzelfde zagen bij de schoolpoort, "
        "weken na elkaar, zonder dat iemand het had gepland of er een beleid voor had geschreven op het stadhuis."
    )
    make_annotation(body=body, attribution="Biesta (2012)")
    for query, snippet in [
        (
            "wereld",
            "…<mark>wereld</mark> komt samen op de speelplaats van een basisschool in Lokeren. Ouders…",
        ),
        # ts_headline starts this one at "Lindsakker", half of "Ledeberg-Lindsakker".
        (
            "lindsakker",
            "…Ledeberg-<mark>Lindsakker</mark> waar we hetzelfde zagen bij de schoolpoort, weken na elkaar, zonder…",
        ),
        # Found by the attribution only: the note's first words, no attribution glued on.
        ("biesta", "De hele wereld komt samen op de speelplaats van een basisschool in…"),
    ]:
        page = parse(client.get(reverse("search"), {"q": query}))
        result = page.xpath("//section[@aria-labelledby='annotation-results-title']//li")[0]
        assert inner_html(result.xpath(".//p[contains(@class,'result__snippet')]")[0]) == snippet, (
            query
        )
        assert texts(result, ".//p[contains(@class,'card__meta')]") == [
            "Denker · associatie · Biesta (2012)"
        ]


def test_each_fragment_of_a_headline_is_widened_to_whole_words():
    headline = (
        f"{START_SEL}Lindsakker{STOP_SEL} en een{FRAGMENT_DELIMITER}in {START_SEL}Lokeren{STOP_SEL}"
    )
    assert whole_words_snippet(headline, TEXT) == (
        "…Ledeberg-<mark>Lindsakker</mark> en een … in <mark>Lokeren</mark>…"
    )


@pytest.mark.django_db
def test_case_search_snippets_keep_whole_words(client, framework):
    make_case(
        title="Buurtschool",
        summary="Een school zoekt aansluiting bij haar buurt.",
        practice="Ouders uit veertig landen groeten elkaar elke ochtend in Ledeberg-Lindsakker aan de schoolpoort.",
    )
    Case.objects.all().refresh_search_vectors()
    page = parse(client.get(reverse("search"), {"q": "lindsakker"}))
    snippet = page.xpath(
        "//section[@aria-labelledby='case-results-title']//p[contains(@class,'result__snippet')]"
    )[0]
    assert "Ledeberg-<mark>Lindsakker</mark>" in inner_html(snippet)
