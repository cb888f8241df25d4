"""Comparing cases side by side, and the overview of the whole bank."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def compare(client, *slugs):
    return client.get(reverse("case-compare"), {"praktijk": list(slugs)})


def test_two_cases_side_by_side(client, framework):
    a = make_case(title="Eerste", domain="wonen", municipality="Gent", strengths={"ontmoeting": 3}, positions={"consensus-conflict": -2})
    b = make_case(title="Tweede", domain="leren", municipality="Leuven", strengths={"ontmoeting": 1}, positions={"consensus-conflict": "both"})
    tree = parse(compare(client, a.slug, b.slug))
    assert texts(tree, "//table[contains(@class,'compare-table')]/thead//th") == ["A Eerste", "B Tweede"]
    rows = {row[0]: row[1:] for row in (texts(tr, "./*") for tr in tree.xpath("//table[contains(@class,'compare-table')]/tbody/tr"))}
    assert rows["Domein"] == ["Wonen", "Leren"]
    assert rows["Plaats"] == ["Gent", "Leuven"]
    assert rows["Ontmoeting"] == ["sterk", "zwak"]
    assert rows["Consensus – conflict"] == ["sterk consensus", "houdt beide polen vast"]
    spectrum = tree.xpath("//li[contains(@class,'shared-spectrum')][.//p[contains(text(),'Consensus')]]")[0]
    assert texts(spectrum, ".//ol/li[1]/span") == ["A"]
    assert "B" in texts(spectrum, ".//p[contains(@class,'shared-spectrum__both')]")[0]


def test_at_most_four_and_unknown_or_unpublished_are_named(client, framework):
    cases = [make_case(title=f"Case {i}") for i in range(5)]
    draft = make_case(title="Verborgen concept", status=Case.Status.DRAFT)
    response = compare(client, *[c.slug for c in cases])
    assert len(parse(response).xpath("//table[contains(@class,'compare-table')]/thead//th")) == 4
    assert "tot vier praktijken" in response.content.decode()
    response = compare(client, cases[0].slug, draft.slug, "bestaat-niet")
    body = response.content.decode()
    assert "Verborgen concept" not in body
    assert "bestaat-niet" in body
    assert "Kies twee tot vier praktijken" in body  # only one left


def test_case_list_offers_comparison(client, framework):
    make_case(title="Een"), make_case(title="Twee")
    tree = parse(client.get(reverse("case-list")))
    form = tree.xpath("//form[contains(@class,'compare-form')]")[0]
    assert form.get("action") == reverse("case-compare") and form.get("method") == "get"
    assert len(form.xpath(".//input[@type='checkbox'][@name='praktijk']")) == 2


def test_overview_counts_and_heatmap_cells_lead_to_lists_of_that_size(client, framework):
    for i in range(6):
        make_case(
            title=f"Case {i}",
            strengths={"strijd": 3 if i < 3 else 1, "ontmoeting": 2},
            positions={"consensus-conflict": 2 if i % 2 else -1, "economisch-cultureel": 0},
        )
    make_case(title="Concept", status=Case.Status.DRAFT, strengths={"strijd": 3})
    tree = parse(client.get(reverse("overview")))
    rows = {row[0]: row[1:] for row in (texts(tr, "./*") for tr in tree.xpath("//section[@aria-labelledby='sources-title']//tbody/tr"))}
    assert rows["Strijd"][:3] == ["6", "3", "3"]
    assert rows["Ontmoeting"][:3] == ["6", "6", "0"]
    cells = tree.xpath("//table[contains(@class,'heatmap')]//td/a")
    assert len(cells) == 4 * 12
    for cell in cells:
        shown = int(cell.text)
        listing = parse(client.get(cell.get("href")))
        assert int(texts(listing, "//h2[@id='results-title']")[0].split()[0]) == shown, cell.get("href")
    histogram_links = tree.xpath("//figure[contains(@class,'histogram')]//a[contains(@href,'-van=')]")
    for link in histogram_links:
        listing = parse(client.get(link.get("href")))
        assert texts(listing, "//h2[@id='results-title']")[0].split()[0] == link.text


def test_tension_field_dots_link_to_their_cases(client, framework):
    case = make_case(title="Met stip", positions={"afstand-nabijheid": 2})
    tree = parse(client.get(reverse("tension-field-detail", args=["afstand-nabijheid"])))
    assert case.get_absolute_url() in tree.xpath("//a[contains(@class,'dot')]/@href")
    assert re.search("Met stip", texts(tree, "//table[contains(@class,'data-table')]")[0])
