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
    a = make_case(
        title="Eerste",
        domain="wonen",
        municipality="Gent",
        strengths={"ontmoeting": 3},
        positions={"consensus-conflict": -2},
    )
    b = make_case(
        title="Tweede",
        domain="leren",
        municipality="Leuven",
        strengths={"ontmoeting": 1},
        positions={"consensus-conflict": "both"},
    )
    tree = parse(compare(client, a.slug, b.slug))
    assert texts(tree, "//table[contains(@class,'compare-table')]/thead//th") == [
        "A Eerste",
        "B Tweede",
    ]
    rows = {
        row[0]: row[1:]
        for row in (
            texts(tr, "./*")
            for tr in tree.xpath("//table[contains(@class,'compare-table')]/tbody/tr")
        )
    }
    assert rows["Domein"] == ["Wonen", "Leren"]
    assert rows["Plaats"] == ["Gent", "Leuven"]
    assert rows["Ontmoeting"] == ["sterk ○ interpretatie", "zwak ○ interpretatie"]
    assert rows["Consensus – conflict"] == [
        "sterk consensus ○ interpretatie",
        "houdt beide polen vast ○ interpretatie",
    ]
    spectrum = tree.xpath(
        "//li[contains(@class,'shared-spectrum')][.//p[contains(text(),'Consensus')]]"
    )[0]
    assert texts(spectrum, ".//ol/li[1]/span") == ["A"]
    assert "B" in texts(spectrum, ".//p[contains(@class,'shared-spectrum__both')]")[0]


def test_on_a_phone_the_comparison_is_labelled_rows_naming_each_case(client, framework):
    # The wide table has a column per case; a phone gets the same facts as rows, each value
    # marked with its case's letter and, for screen readers, its title.
    a = make_case(
        title="Eerste",
        domain="wonen",
        municipality="Gent",
        strengths={"ontmoeting": 3},
        positions={"consensus-conflict": -2},
    )
    b = make_case(
        title="Tweede",
        domain="leren",
        municipality="Leuven",
        strengths={"ontmoeting": 1},
        positions={"consensus-conflict": "both"},
    )
    tree = parse(compare(client, a.slug, b.slug))
    rows = tree.xpath("//div[contains(@class,'compare-rows')]")[0]
    assert texts(rows, ".//ul[contains(@class,'compare-rows__cases')]/li") == [
        "A Eerste",
        "B Tweede",
    ]
    labelled: dict[str, list[str]] = {}
    for item in rows.xpath(".//dl/*"):
        text = " ".join(item.text_content().split())
        if item.tag == "dt":
            labelled[text] = values = []
        else:
            values.append(text)
    assert labelled["Domein"] == ["A Eerste: Wonen", "B Tweede: Leren"]
    assert labelled["Plaats"] == ["A Eerste: Gent", "B Tweede: Leuven"]
    assert labelled["Ontmoeting"] == [
        "A Eerste: sterk ○ interpretatie",
        "B Tweede: zwak ○ interpretatie",
    ]
    assert labelled["Consensus – conflict"] == [
        "A Eerste: sterk consensus ○ interpretatie",
        "B Tweede: houdt beide polen vast ○ interpretatie",
    ]
    assert len(labelled) == 4 + 4 + 6


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


def test_four_are_shown_when_five_are_asked_and_one_of_them_is_gone(client, framework):
    cases = [make_case(title=f"Case {i}") for i in range(4)]
    draft = make_case(title="Verborgen concept", status=Case.Status.DRAFT)
    asked = [cases[0].slug, "bestaat-niet", cases[1].slug, draft.slug, cases[2].slug, cases[3].slug]

    page = parse(compare(client, *asked))

    assert texts(page, "//table[contains(@class,'compare-table')]/thead//th") == [
        "A Case 0",
        "B Case 1",
        "C Case 2",
        "D Case 3",
    ]
    assert texts(page, "//*[@id='berichten']/p") == [
        f"Niet gevonden of niet openbaar: bestaat-niet, {draft.slug}."
    ]


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
    rows = {
        row[0]: row[1:]
        for row in (
            texts(tr, "./*")
            for tr in tree.xpath("//section[@aria-labelledby='sources-title']//tbody/tr")
        )
    }
    assert rows["Strijd"] == [
        "6 ● 0 met tekstbewijs (100%)",
        "3 ● 0 met tekstbewijs",
        "3 ● 0 met tekstbewijs",
    ]
    assert rows["Ontmoeting"] == [
        "6 ● 0 met tekstbewijs (100%)",
        "6 ● 0 met tekstbewijs",
        "0 ● 0 met tekstbewijs",
    ]
    cells = tree.xpath("//table[contains(@class,'heatmap')]//td/a")
    assert len(cells) == 4 * 12
    for cell in cells:
        shown = int(cell.text)
        listing = parse(client.get(cell.get("href")))
        assert int(texts(listing, "//h2[@id='results-title']")[0].split()[0]) == shown, cell.get(
            "href"
        )
    histogram_links = tree.xpath(
        "//figure[contains(@class,'histogram')]//a[contains(@href,'-van=')]"
    )
    for link in histogram_links:
        listing = parse(client.get(link.get("href")))
        assert texts(listing, "//h2[@id='results-title']")[0].split()[0] == link.text


def test_tension_field_dots_link_to_their_cases(client, framework):
    case = make_case(title="Met stip", positions={"afstand-nabijheid": 2})
    tree = parse(client.get(reverse("tension-field-detail", args=["afstand-nabijheid"])))
    assert case.get_absolute_url() in tree.xpath("//a[contains(@class,'dot')]/@href")
    assert re.search("Met stip", texts(tree, "//table[contains(@class,'data-table')]")[0])


def test_overview_matrix_is_one_table_per_tension_field(client, framework):
    # Six small tables (sources down, the field's two poles across) fit a phone and hide
    # nothing on a laptop, where one wide matrix showed four fields and scrolled the rest.
    make_case(title="X", strengths={"strijd": 3}, positions={"consensus-conflict": 2})
    make_case(
        title="Y", strengths={"strijd": 2, "ontmoeting": 3}, positions={"consensus-conflict": -1}
    )
    tree = parse(client.get(reverse("overview")))
    tables = tree.xpath("//section[@aria-labelledby='heat-title']//table")
    assert [texts(table, "./caption")[0] for table in tables] == [
        "Universeel – particularistisch",
        "Consensus – conflict",
        "Economisch – cultureel",
        "Integratie – transformatie",
        "Afstand – nabijheid",
        "Onderhandelbaar – niet onderhandelbaar",
    ]
    consensus = tables[1]
    assert texts(consensus, "./thead/tr/th") == ["Bron", "consensus", "conflict"]
    assert [th.get("scope") for th in consensus.xpath("./thead/tr/th")] == ["col", "col", "col"]
    assert [texts(tr, "./*") for tr in consensus.xpath("./tbody/tr")] == [
        ["Wederzijdse afhankelijkheid (0)", "0", "0"],
        ["Gedeelde normen en waarden (0)", "0", "0"],
        ["Strijd (2)", "1", "1"],
        ["Ontmoeting (1)", "1", "0"],
    ]
    assert consensus.xpath("./tbody/tr/th/@scope") == ["row"] * 4
    # Each cell's name counts in words: one case, or several.
    assert consensus.xpath("./tbody/tr[3]/td/a/@aria-label") == [
        "1 praktijk met Strijd richting consensus",
        "1 praktijk met Strijd richting conflict",
    ]
    assert consensus.xpath("./tbody/tr[1]/td[1]/a/@aria-label") == [
        "0 praktijken met Wederzijdse afhankelijkheid richting consensus"
    ]
    assert not tree.xpath("//*[contains(@class,'table-scroll')]")
