"""Readers see how each coding is known, and may restrict every view to "alleen met tekstbewijs".

Every expectation below is written out from the three published cases of the `graded`
fixture (and a draft that must never show):

            strijd             ontmoeting         normen-en-waarden  consensus-conflict        economisch-cultureel    afstand-nabijheid
  Akker     sterk ●            matig ○            niet te bepalen    sterk consensus ●         niet te bepalen         beide polen ●
  Brug      matig ○            sterk ●            zwak ○             eerder conflict ○         eerder economisch ●     midden ○
  Cirkel    niet te bepalen    zwak ●             zwak ○             niet te bepalen           midden ○                midden ○
  Dijk      (draft) sterk ●                                          (draft) sterk consensus ●

Every other source is "zwak ○" and every other field "in het midden ○" (the factory's default).
● is tekstbewijs, ○ interpretatie.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cases.models import Case, Grounds, SourceCoding
from frameworks.models import Source, TensionField
from tests.factories import cite, make_case
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db

EV, INT, UND = Grounds.EVIDENCE, Grounds.INTERPRETATION, Grounds.UNDETERMINED
ONLY = {"grond": "tekstbewijs"}
PRACTICE = "Buren koken elke woensdag samen in het buurthuis.\n\nZe delen recepten uit vele landen."


@pytest.fixture
def graded(framework):
    make_case(
        title="Akker",
        strengths={"strijd": 3, "ontmoeting": 2},
        positions={"consensus-conflict": -2, "afstand-nabijheid": "both"},
        grounds={
            "strijd": EV,
            "normen-en-waarden": UND,
            "consensus-conflict": EV,
            "economisch-cultureel": UND,
            "afstand-nabijheid": EV,
        },
    )
    make_case(
        title="Brug",
        strengths={"strijd": 2, "ontmoeting": 3},
        positions={"consensus-conflict": 1, "economisch-cultureel": -1},
        grounds={"ontmoeting": EV, "economisch-cultureel": EV},
    )
    make_case(
        title="Cirkel",
        strengths={"ontmoeting": 1},
        grounds={"strijd": UND, "ontmoeting": EV, "consensus-conflict": UND},
    )
    make_case(
        title="Dijk",
        status=Case.Status.DRAFT,
        strengths={"strijd": 3},
        positions={"consensus-conflict": -2},
        grounds={"strijd": EV, "consensus-conflict": EV},
    )


def get(client, name, *args, params=None):
    response = client.get(reverse(name, args=args), params or {})
    assert response.status_code == 200
    return parse(response)


def result_count(client, url: str) -> int:
    return int(texts(parse(client.get(url)), "//h2[@id='results-title']")[0].split()[0])


def card_profiles(tree) -> dict[str, list[str]]:
    return {
        texts(card, ".//h3")[0]: texts(card, ".//*[contains(@class,'mini-profile')]/li")
        or texts(card, ".//p[contains(@class,'mini-profile')]")
        for card in tree.xpath("//article[contains(@class,'case-card')]")
    }


# --- the toggle ---------------------------------------------------------------------------------


def test_the_toggle_keeps_the_other_parameters_drops_the_page_and_says_which_is_on(client, graded):
    tree = get(
        client, "case-list", params={"bron-strijd": "1", "sortering": "nieuw", "pagina": "2"}
    )
    links = tree.xpath("//div[contains(@class,'grounds-toggle')]//a")
    assert [(texts(a, ".")[0], a.get("href"), a.get("aria-current")) for a in links] == [
        ("Alle coderingen", "/praktijken/?bron-strijd=1&sortering=nieuw", "true"),
        (
            "Alleen met tekstbewijs",
            "/praktijken/?bron-strijd=1&sortering=nieuw&grond=tekstbewijs",
            None,
        ),
    ]
    tree = get(client, "overview", params=ONLY)
    links = tree.xpath("//div[contains(@class,'grounds-toggle')]//a")
    assert [(a.get("href"), a.get("aria-current")) for a in links] == [
        ("/overzicht/", None),
        ("/overzicht/?grond=tekstbewijs", "true"),
    ]
    assert texts(tree, "//p[contains(@class,'grounds-bar__state')]") == [
        "U ziet alleen coderingen die op tekstbewijs steunen; interpretaties tellen hier niet mee."
    ]


def test_the_key_credits_an_interpretation_to_whoever_coded_the_case(client, graded):
    """Seed rationales say "Interpretatie van de redactie", others are the researchers': the key is true of both."""
    tree = get(client, "overview")
    assert texts(tree, "//ul[contains(@class,'grounds-key')]/li") == [
        "● tekstbewijs: een passage uit de tekst van de praktijk staaft de codering",
        "○ interpretatie: de lezing van wie de praktijk codeerde (onderzoekers of de redactie van de praktijkenbank), met de "
        "reden erbij",
        "niet te bepalen: het materiaal laat geen waarde toe; telt nergens mee",
    ]


def test_any_other_value_of_the_parameter_means_every_coding(client, graded):
    assert texts(
        get(client, "source-detail", "strijd", params={"grond": "interpretatie"}),
        "//ol[contains(@class,'ranked-list')]/li/a",
    ) == [
        "Akker",
        "Brug",
    ]


def test_the_filter_form_keeps_the_restriction_and_a_chip_removes_it(client, graded):
    response = client.get(reverse("case-list"), {"bron-strijd": "2", **ONLY})
    assert form_values(response, "filters")["grond"] == "tekstbewijs"
    chips = parse(response).xpath("//li[contains(@class,'chip')]")
    assert [(texts(chip, ".")[0], chip.xpath(".//a/@href")[0]) for chip in chips] == [
        ("Strijd: minstens matig ×Filter Strijd: minstens matig weghalen", "?grond=tekstbewijs"),
        ("Alleen met tekstbewijs ×Filter Alleen met tekstbewijs weghalen", "?bron-strijd=2"),
    ]
    assert "grond" not in form_values(
        client.get(reverse("case-list"), {"bron-strijd": "2"}), "filters"
    )


# --- the case profile -------------------------------------------------------------------------


def test_the_profile_shows_each_codings_grounds_in_words_and_links_evidence_to_its_passage(
    client, framework
):
    case = make_case(
        title="Buurtkeuken",
        practice=PRACTICE,
        strengths={"ontmoeting": 3, "wederzijdse-afhankelijkheid": 2},
        positions={"consensus-conflict": "both"},
        grounds={
            "ontmoeting": EV,
            "strijd": UND,
            "economisch-cultureel": UND,
            "consensus-conflict": EV,
        },
    )
    cite(case, "ontmoeting", "Buren koken elke woensdag samen")
    SourceCoding.objects.filter(case=case, source__key="normen-en-waarden").update(
        evidence_orphaned=True
    )
    tree = get(client, "case-detail", case.slug)

    rows = {texts(li, "./a")[0]: li for li in tree.xpath("//ul[contains(@class,'source-bars')]/li")}
    assert texts(rows["Ontmoeting"], "./span[contains(@class,'coding')]") == [
        "sterk · ● tekstbewijs"
    ]
    assert texts(rows["Wederzijdse afhankelijkheid"], "./span[contains(@class,'coding')]") == [
        "matig · ○ interpretatie"
    ]
    assert texts(rows["Gedeelde normen en waarden"], "./span[contains(@class,'coding')]") == [
        "zwak · ○ interpretatie (het tekstbewijs wordt nagekeken)"
    ]
    # Niet te bepalen: the words instead of a value; no pips, no marker; the rationale stays.
    assert texts(rows["Strijd"], ".") == ["Strijd niet te bepalen Onderbouwing voor Strijd."]
    assert not rows["Strijd"].xpath(
        ".//*[contains(@class,'strength') or contains(@class,'grounds')]"
    )

    # The evidence is one click away: the word leads to the passages under the coding, each
    # passage to its place in the text.
    word = rows["Ontmoeting"].xpath(".//a[contains(@href,'#bewijs-')]")[0]
    assert (texts(word, ".")[0], word.get("href")) == ("● tekstbewijs", "#bewijs-ontmoeting")
    listed = tree.xpath("//ul[@id='bewijs-ontmoeting']//a")
    assert [(texts(a, ".")[0], a.get("href")) for a in listed] == [
        ("‘Buren koken elke woensdag samen’", "#praktijk")
    ]
    assert tree.xpath(
        "//section[@id='praktijk']//p[contains(., 'Buren koken elke woensdag samen')]"
    )
    assert not rows["Wederzijdse afhankelijkheid"].xpath(
        ".//a[contains(@href,'#bewijs-')]"
    )  # no passage, no link

    fields = {texts(li, "./a")[0]: li for li in tree.xpath("//ul[contains(@class,'spectra')]/li")}
    assert texts(fields["2. consensus – conflict"], ".//p[contains(@class,'spectrum__label')]") == [
        "houdt beide polen vast · ● tekstbewijs"
    ]
    assert texts(
        fields["1. universeel – particularistisch"], ".//p[contains(@class,'spectrum__label')]"
    ) == ["in het midden · ○ interpretatie"]
    undetermined = fields["3. economisch – cultureel"]
    assert texts(undetermined, ".//p[contains(@class,'spectrum__label')]") == ["niet te bepalen"]
    assert not undetermined.xpath(
        ".//*[contains(@class,'spectrum__track') or contains(@class,'is-here')]"
    )
    assert texts(undetermined, ".//p[contains(@class,'rationale')]") == [
        "Onderbouwing voor economisch – cultureel."
    ]


# --- source pages -------------------------------------------------------------------------------


def ranked(tree) -> list[str]:
    return texts(tree, "//ol[contains(@class,'ranked-list')]/li")


def test_a_source_page_lists_cases_by_strength_with_their_grounds(client, graded):
    tree = get(client, "source-detail", "strijd")
    assert ranked(tree) == [
        "Akker Wonen · Gent sterk · ● tekstbewijs",
        "Brug Wonen · Gent matig · ○ interpretatie",
    ]
    assert texts(tree, "//section[@aria-labelledby='cases-title']/p[contains(@class,'muted')]") == [
        "2 praktijken, de sterkste eerst.",
        "Bij 1 praktijk is niet te bepalen of ze uit deze bron put: het materiaal laat geen sterkte toe. "
        "Ze staat daarom niet in deze lijst.",
    ]


def test_a_source_page_with_the_restriction_lists_only_cases_on_text_evidence(client, graded):
    tree = get(client, "source-detail", "strijd", params=ONLY)
    assert ranked(tree) == ["Akker Wonen · Gent sterk · ● tekstbewijs"]
    assert texts(tree, "//section[@aria-labelledby='cases-title']/p[contains(@class,'muted')]") == [
        "1 praktijk met tekstbewijs, de sterkste eerst.",
        "1 praktijk die volgens een interpretatie uit deze bron put, staat hier niet.",
        "Bij 1 praktijk is niet te bepalen of ze uit deze bron put: het materiaal laat geen sterkte toe. "
        "Ze staat daarom niet in deze lijst.",
    ]
    assert [
        t.split()[0] for t in ranked(get(client, "source-detail", "ontmoeting", params=ONLY))
    ] == ["Brug", "Cirkel"]
    assert [t.split()[0] for t in ranked(get(client, "source-detail", "ontmoeting"))] == [
        "Brug",
        "Akker",
        "Cirkel",
    ]
    tree = get(client, "source-detail", "normen-en-waarden", params=ONLY)
    assert ranked(tree) == []
    assert (
        "Geen gepubliceerde praktijk put volgens tekstbewijs uit deze bron."
        in texts(tree, "//main")[0]
    )


def test_a_source_page_keeps_the_restriction_from_page_to_page(client, framework):
    for i in range(21):
        make_case(title=f"Case {i:02d}", strengths={"strijd": 2}, grounds={"strijd": EV})
    tree = get(client, "source-detail", "strijd", params=ONLY)
    assert tree.xpath("//a[@rel='next']/@href") == ["?grond=tekstbewijs&pagina=2"]


# --- tension-field pages ---------------------------------------------------------------------


def spectrum(tree) -> tuple[list[str], list[tuple[str, str]], dict[str, list[str]]]:
    chart = tree.xpath("//figure[contains(@class,'spectrum-chart')]")[0]
    labels = texts(chart, ".//p[contains(@class,'spectrum-chart__label')]")
    blocks = [
        (texts(a, ".")[0], a.get("class")) for a in chart.xpath(".//a[contains(@class,'dot')]")
    ]
    table = {
        row[0]: row[1:]
        for row in (
            texts(tr, "./*")
            for tr in tree.xpath("//table[contains(@class,'spectrum-table')]/tbody/tr")
        )
    }
    return labels, blocks, table


def test_a_spectrum_marks_each_case_solid_or_open_and_names_the_undetermined_apart(client, graded):
    tree = get(client, "tension-field-detail", "consensus-conflict")
    labels, blocks, table = spectrum(tree)
    assert labels == [
        "sterk consensus (1)",
        "eerder consensus (0)",
        "in het midden (0)",
        "eerder conflict (1)",
        "sterk conflict (0)",
        "houdt beide polen vast (0)",
    ]
    assert blocks == [("Akker", "dot dot--tekstbewijs"), ("Brug", "dot dot--interpretatie")]
    assert table["sterk consensus"] == ["1 ● 1 met tekstbewijs", "Akker ● tekstbewijs"]
    assert table["eerder conflict"] == ["1 ● 0 met tekstbewijs", "Brug ○ interpretatie"]
    assert "niet te bepalen" not in table  # never a position
    assert texts(tree, "//p[contains(@class,'spectrum-undetermined')]") == [
        "1 praktijk: niet te bepalen. Het materiaal laat geen positie op dit spanningsveld toe; "
        "ze staat daarom niet op het spectrum: Cirkel."
    ]
    assert tree.xpath("//p[contains(@class,'spectrum-undetermined')]/a/@href") == [
        Case.objects.get(title="Cirkel").get_absolute_url()
    ]
    assert texts(tree, "//figcaption")[0].startswith(
        "2 gepubliceerde praktijken op dit spanningsveld."
    )


def test_a_spectrum_with_the_restriction_draws_and_counts_only_positions_on_text_evidence(
    client, graded
):
    tree = get(client, "tension-field-detail", "consensus-conflict", params=ONLY)
    labels, blocks, table = spectrum(tree)
    assert labels == [
        "sterk consensus (1)",
        "eerder consensus (0)",
        "in het midden (0)",
        "eerder conflict (0)",
        "sterk conflict (0)",
        "houdt beide polen vast (0)",
    ]
    assert blocks == [("Akker", "dot dot--tekstbewijs")]
    assert table["sterk consensus"] == ["1", "Akker ● tekstbewijs"]
    assert table["eerder conflict"] == ["0", ""]
    assert texts(tree, "//p[contains(@class,'spectrum-left-out')]") == [
        "1 positie die op interpretatie steunt, staat hier niet."
    ]
    assert texts(tree, "//p[contains(@class,'spectrum-undetermined')]")[0].startswith(
        "1 praktijk: niet te bepalen."
    )
    assert texts(tree, "//figcaption")[0].startswith(
        "1 gepubliceerde praktijk met tekstbewijs op dit spanningsveld."
    )
    # The column links carry the restriction, so "+n" and "en n andere" open a list of that size.
    assert all(
        "grond=tekstbewijs" in href
        for href in tree.xpath(
            "//table[contains(@class,'spectrum-table')]//a[contains(@href,'-van=')]/@href"
        )
    )


def test_a_spectrum_with_nothing_on_text_evidence_says_so(client, graded):
    tree = get(client, "tension-field-detail", "onderhandelbaar-niet-onderhandelbaar", params=ONLY)
    assert not tree.xpath("//figure[contains(@class,'spectrum-chart')]")
    assert (
        "Geen gepubliceerde praktijk heeft op dit spanningsveld een positie met tekstbewijs."
        in texts(tree, "//main")[0]
    )
    assert texts(tree, "//p[contains(@class,'spectrum-left-out')]") == [
        "3 posities die op interpretatie steunen, staan hier niet."
    ]


def test_a_spectrum_where_no_published_position_can_be_told_says_so_and_names_them(
    client, framework
):
    make_case(title="Akker", grounds={"integratie-transformatie": UND})
    make_case(title="Brug", grounds={"integratie-transformatie": UND})
    make_case(title="Dijk", status=Case.Status.DRAFT, positions={"integratie-transformatie": 2})
    for params in ({}, ONLY):
        tree = get(client, "tension-field-detail", "integratie-transformatie", params=params)
        assert not tree.xpath("//figure[contains(@class,'spectrum-chart')]")
        section = " ".join(texts(tree, "//section[@aria-labelledby='chart-title']"))
        assert "Nog geen gepubliceerde praktijk is op dit spanningsveld gecodeerd." not in section
        assert texts(tree, "//p[contains(@class,'spectrum-undetermined')]") == [
            "2 praktijken: niet te bepalen. Het materiaal laat geen positie op dit spanningsveld toe; "
            "ze staan daarom niet op het spectrum: Akker, Brug."
        ]
    assert texts(
        get(client, "tension-field-detail", "integratie-transformatie"),
        "//p[contains(@class,'spectrum-none')]",
    ) == ["Bij geen enkele gepubliceerde praktijk is een positie op dit spanningsveld te bepalen."]


def test_a_spectrum_nobody_has_coded_yet_says_so(client, framework):
    make_case(title="Dijk", status=Case.Status.DRAFT)
    tree = get(client, "tension-field-detail", "integratie-transformatie")
    assert (
        "Nog geen gepubliceerde praktijk is op dit spanningsveld gecodeerd."
        in texts(tree, "//main")[0]
    )
    assert not tree.xpath("//p[contains(@class,'spectrum-undetermined')]")


def test_column_links_lead_to_lists_of_the_counted_size_with_and_without_the_restriction(
    client, framework
):
    for i in range(14):
        make_case(
            title=f"Case {i:02d}",
            positions={"afstand-nabijheid": 1},
            grounds={"afstand-nabijheid": EV if i % 2 else INT},
        )
    for params, shown in (({}, 14), (ONLY, 7)):
        tree = get(client, "tension-field-detail", "afstand-nabijheid", params=params)
        row = tree.xpath(
            "//table[contains(@class,'spectrum-table')]/tbody/tr[th='eerder nabijheid']"
        )[0]
        assert texts(row, "./td")[0].split()[0] == str(shown)
        more = row.xpath(".//a[contains(@href,'-van=')]")
        if shown > 12:
            assert result_count(client, more[0].get("href")) == shown
        else:
            assert not more


# --- the overview -------------------------------------------------------------------------------


def overview_rows(tree) -> dict[str, list[str]]:
    rows = tree.xpath("//section[@aria-labelledby='sources-title']//tbody/tr")
    return {row[0]: row[1:] for row in (texts(tr, "./*") for tr in rows)}


def histogram(tree, caption: str) -> tuple[list[list[str]], list[str]]:
    figure = tree.xpath(f"//figure[contains(@class,'histogram')][figcaption/a='{caption}']")[0]
    return [texts(tr, "./*") for tr in figure.xpath(".//tbody/tr")], texts(
        figure, ".//p[contains(@class,'histogram__undetermined')]"
    )


def test_the_overview_counts_each_strength_and_position_with_how_many_rest_on_evidence(
    client, graded
):
    tree = get(client, "overview")
    rows = overview_rows(tree)
    assert rows["Strijd"] == [
        "2 ● 1 met tekstbewijs (67%)",
        "2 ● 1 met tekstbewijs",
        "1 ● 1 met tekstbewijs",
    ]
    assert rows["Ontmoeting"] == [
        "3 ● 2 met tekstbewijs (100%)",
        "2 ● 1 met tekstbewijs",
        "1 ● 1 met tekstbewijs",
    ]
    assert rows["Gedeelde normen en waarden"] == [
        "2 ● 0 met tekstbewijs (67%)",
        "0 ● 0 met tekstbewijs",
        "0 ● 0 met tekstbewijs",
    ]
    assert texts(tree, "//p[contains(@class,'undetermined-counts')]") == [
        "Niet te bepalen (telt hierboven niet mee): Wederzijdse afhankelijkheid 0, Gedeelde normen en waarden 1, Strijd 1, Ontmoeting 0."
    ]
    steps, undetermined = histogram(tree, "Consensus – conflict")
    assert steps == [
        ["sterk consensus", "", "1 ● 1 met tekstbewijs"],
        ["eerder consensus", "", "0"],
        ["in het midden", "", "0"],
        ["eerder conflict", "", "1 ● 0 met tekstbewijs"],
        ["sterk conflict", "", "0"],
        ["houdt beide polen vast", "", "0"],
    ]
    assert undetermined == ["niet te bepalen: 1 praktijk, niet op het spectrum"]
    consensus = tree.xpath("//table[contains(@class,'heatmap')][caption/a='Consensus – conflict']")[
        0
    ]
    assert [texts(tr, "./*") for tr in consensus.xpath("./tbody/tr")][2:] == [
        ["Strijd (2)", "1", "1"],
        ["Ontmoeting (2)", "1", "1"],
    ]


def test_the_overview_with_the_restriction_counts_only_codings_on_text_evidence(client, graded):
    tree = get(client, "overview", params=ONLY)
    rows = overview_rows(tree)
    assert rows["Strijd"] == ["1 (33%)", "1", "1"]
    assert rows["Ontmoeting"] == ["2 (67%)", "1", "1"]
    assert rows["Gedeelde normen en waarden"] == ["0 (0%)", "0", "0"]
    assert rows["Wederzijdse afhankelijkheid"] == ["0 (0%)", "0", "0"]
    # Undetermined stays what it is: counted apart, whatever the restriction.
    assert texts(tree, "//p[contains(@class,'undetermined-counts')]")[0].endswith(
        "Gedeelde normen en waarden 1, Strijd 1, Ontmoeting 0."
    )
    steps, undetermined = histogram(tree, "Consensus – conflict")
    assert [step[2] for step in steps] == ["1", "0", "0", "0", "0", "0"]
    assert undetermined == ["niet te bepalen: 1 praktijk, niet op het spectrum"]
    steps, _undetermined = histogram(tree, "Afstand – nabijheid")
    assert [step[2] for step in steps] == ["0", "0", "0", "0", "0", "1"]
    consensus = tree.xpath("//table[contains(@class,'heatmap')][caption/a='Consensus – conflict']")[
        0
    ]
    assert [texts(tr, "./*") for tr in consensus.xpath("./tbody/tr")][2:] == [
        ["Strijd (1)", "1", "0"],
        ["Ontmoeting (1)", "0", "0"],
    ]


@pytest.mark.parametrize("params", [{}, ONLY], ids=["every coding", "alleen met tekstbewijs"])
def test_every_overview_count_opens_a_list_of_that_size(client, graded, params):
    tree = get(client, "overview", params=params)
    links = tree.xpath("//section[@aria-labelledby='sources-title']//td/a") + tree.xpath(
        "//table[contains(@class,'heatmap')]//td/a"
    )
    links += tree.xpath("//figure[contains(@class,'histogram')]//a[contains(@href,'-van=')]")
    # 12 source counts, 48 matrix cells, and the histogram's non-empty positions (8; with the restriction 2).
    assert len(links) == 4 * 3 + 4 * 12 + (2 if params else 8)
    for link in links:
        assert ("grond=tekstbewijs" in link.get("href")) is bool(params)
        assert result_count(client, link.get("href")) == int(link.text), link.get("href")


# --- compare ------------------------------------------------------------------------------------


def compared(client, params=None) -> tuple[dict[str, list[str]], object]:
    slugs = [Case.objects.get(title=title).slug for title in ("Akker", "Brug")]
    tree = parse(client.get(reverse("case-compare"), {"praktijk": slugs, **(params or {})}))
    rows = {
        row[0]: row[1:]
        for row in (
            texts(tr, "./*")
            for tr in tree.xpath("//table[contains(@class,'compare-table')]/tbody/tr")
        )
    }
    return rows, tree


def shared_markers(tree, name: str) -> list[tuple[str, str]]:
    item = tree.xpath(
        f"//li[contains(@class,'shared-spectrum')][p[contains(@class,'shared-spectrum__name')]='{name}']"
    )[0]
    return [
        (span.text, span.get("class")) for span in item.xpath(".//span[contains(@class,'marker')]")
    ]


def test_compare_shows_each_value_with_its_grounds(client, graded):
    rows, tree = compared(client)
    assert rows["Strijd"] == ["sterk ● tekstbewijs", "matig ○ interpretatie"]
    assert rows["Gedeelde normen en waarden"] == ["niet te bepalen", "zwak ○ interpretatie"]
    assert rows["Consensus – conflict"] == [
        "sterk consensus ● tekstbewijs",
        "eerder conflict ○ interpretatie",
    ]
    assert rows["Economisch – cultureel"] == ["niet te bepalen", "eerder economisch ● tekstbewijs"]
    assert shared_markers(tree, "Consensus – conflict") == [
        ("A", "marker marker--A marker--tekstbewijs"),
        ("B", "marker marker--B marker--interpretatie"),
    ]
    assert shared_markers(tree, "Economisch – cultureel") == [
        ("B", "marker marker--B marker--tekstbewijs")
    ]  # A: no place


def test_compare_with_the_restriction_shows_no_interpretation_as_a_value(client, graded):
    rows, tree = compared(client, ONLY)
    assert rows["Strijd"] == ["sterk ● tekstbewijs", "geen tekstbewijs"]
    assert rows["Gedeelde normen en waarden"] == ["niet te bepalen", "geen tekstbewijs"]
    assert rows["Consensus – conflict"] == ["sterk consensus ● tekstbewijs", "geen tekstbewijs"]
    assert rows["Afstand – nabijheid"] == [
        "houdt beide polen vast ● tekstbewijs",
        "geen tekstbewijs",
    ]
    assert shared_markers(tree, "Consensus – conflict") == [
        ("A", "marker marker--A marker--tekstbewijs")
    ]
    assert shared_markers(tree, "Universeel – particularistisch") == []
    phone = tree.xpath("//div[contains(@class,'compare-rows')]//dl")[
        1
    ]  # the sources, as the phone shows them
    assert texts(phone, "./dd")[:2] == ["A Akker: geen tekstbewijs", "B Brug: geen tekstbewijs"]


# --- the case list and the home page -------------------------------------------------------------


def test_source_and_range_filters_with_the_restriction_match_only_codings_on_text_evidence(
    client, graded
):
    url = reverse("case-list")
    assert card_profiles(parse(client.get(url, {"bron-strijd": 2}))).keys() == {"Akker", "Brug"}
    assert card_profiles(parse(client.get(url, {"bron-strijd": 2, **ONLY}))).keys() == {"Akker"}
    assert card_profiles(parse(client.get(url, {"consensus-conflict-van": 1}))).keys() == {"Brug"}
    assert (
        card_profiles(parse(client.get(url, {"consensus-conflict-van": 1, **ONLY}))).keys() == set()
    )
    assert card_profiles(
        parse(client.get(url, {"bron-ontmoeting": 1, "economisch-cultureel-tot": -1, **ONLY}))
    ).keys() == {"Brug"}
    # The restriction alone filters no case: it changes what their codings count for.
    assert card_profiles(parse(client.get(url, ONLY))).keys() == {"Akker", "Brug", "Cirkel"}


def test_the_options_count_only_codings_on_text_evidence_with_the_restriction(client, graded):
    def options(params, name):
        tree = parse(client.get(reverse("case-list"), params))
        return texts(tree, f"//fieldset[@id='row-{name}']//label/span[@class='visually-hidden']")

    # Every coding counts, and each option says how many of its cases have the coding on text evidence.
    assert options({}, "bron-strijd") == [
        "alle",
        "minstens zwak (2, ● 1 met tekstbewijs)",
        "minstens matig (2, ● 1 met tekstbewijs)",
        "sterk (1, ● 1 met tekstbewijs)",
    ]
    assert options({}, "bron-ontmoeting") == [
        "alle",
        "minstens zwak (3, ● 2 met tekstbewijs)",
        "minstens matig (2, ● 1 met tekstbewijs)",
        "sterk (1, ● 1 met tekstbewijs)",
    ]
    # Each step: the cases at that position.
    assert options({}, "consensus-conflict") == [
        "sterk consensus (1, ● 1 met tekstbewijs)",
        "eerder consensus (0)",
        "in het midden (0)",
        "eerder conflict (1, ● 0 met tekstbewijs)",
        "sterk conflict (0)",
    ]
    # Only codings on text evidence count: no split to show.
    assert options(ONLY, "bron-strijd") == [
        "alle",
        "minstens zwak (1)",
        "minstens matig (1)",
        "sterk (1)",
    ]
    assert options(ONLY, "consensus-conflict") == [
        "sterk consensus (1)",
        "eerder consensus (0)",
        "in het midden (0)",
        "eerder conflict (0)",
        "sterk conflict (0)",
    ]


def test_result_cards_mark_the_grounds_and_follow_the_restriction(client, graded):
    profiles = card_profiles(parse(client.get(reverse("case-list"))))
    assert profiles["Akker"] == [
        "Wederzijdse afhankelijkheid: zwak ○ interpretatie",
        "Strijd: sterk ● tekstbewijs",
        "Ontmoeting: matig ○ interpretatie",
    ]
    assert profiles["Cirkel"] == [
        "Wederzijdse afhankelijkheid: zwak ○ interpretatie",
        "Gedeelde normen en waarden: zwak ○ interpretatie",
        "Ontmoeting: zwak ● tekstbewijs",
    ]
    profiles = card_profiles(parse(client.get(reverse("case-list"), ONLY)))
    assert profiles == {
        "Akker": ["Strijd: sterk ● tekstbewijs"],
        "Brug": ["Ontmoeting: sterk ● tekstbewijs"],
        "Cirkel": ["Ontmoeting: zwak ● tekstbewijs"],
    }


def test_the_home_pages_latest_cases_mark_the_grounds_and_follow_the_restriction(client, graded):
    make_case(title="Alleen gelezen", strengths={"ontmoeting": 2})
    tree = get(client, "home")
    assert card_profiles(tree)["Brug"] == [
        "Wederzijdse afhankelijkheid: zwak ○ interpretatie",
        "Gedeelde normen en waarden: zwak ○ interpretatie",
        "Strijd: matig ○ interpretatie",
        "Ontmoeting: sterk ● tekstbewijs",
    ]
    links = tree.xpath("//div[contains(@class,'grounds-toggle')]//a/@href")
    assert links == ["/#nieuwste", "/?grond=tekstbewijs#nieuwste"]
    tree = get(client, "home", params=ONLY)
    profiles = card_profiles(tree)
    assert profiles["Brug"] == ["Ontmoeting: sterk ● tekstbewijs"]
    assert profiles["Alleen gelezen"] == ["Geen bron met tekstbewijs."]
    assert "Dijk" not in profiles


# --- never a value, never "afwezig", never unpublished -------------------------------------------------


# Where the words may stand: as the value itself, or in a note that names undetermined codings apart.
ALLOWED_HOMES = {
    "undetermined",
    "spectrum-undetermined",
    "undetermined-counts",
    "histogram__undetermined",
    "source-undetermined",
    "grounds-note",
}
# Where they may never stand: as a strength, a step, a row of counts or a block on a spectrum.
VALUE_PLACES = {
    "strength",
    "spectrum__track",
    "spectrum-chart",
    "spectrum-table",
    "histogram__table",
    "source-table",
    "heatmap",
    "mini-profile",
}


def public_urls() -> list[str]:
    slugs = [case.slug for case in Case.objects.published().order_by("title")]
    urls = [reverse("home"), reverse("case-list"), reverse("overview")]
    urls += [
        reverse("case-list") + "?" + urlencode({"bron-strijd": 1, "consensus-conflict-van": -2})
    ]
    urls += [reverse("case-compare") + "?" + urlencode({"praktijk": slugs}, doseq=True)]
    urls += [reverse("case-detail", args=[slug]) for slug in slugs]
    urls += [source.get_absolute_url() for source in Source.objects.all()]
    urls += [field.get_absolute_url() for field in TensionField.objects.all()]
    return urls + [f"{url}{'&' if '?' in url else '?'}grond=tekstbewijs" for url in urls]


def test_niet_te_bepalen_is_never_a_value_nor_afwezig_and_no_draft_shows(client, graded):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        tree = parse(response)
        body = tree.xpath("//main")[0]
        assert "afwezig" not in body.text_content(), (
            url
        )  # no coding here is absent: only undetermined ones lack a value
        assert "Dijk" not in response.content.decode(), url
        for node in body.xpath(
            ".//text()[contains(., 'niet te bepalen') or contains(., 'Niet te bepalen')]"
        ):
            element = node.getparent()
            homes = {
                c
                for e in [element, *element.iterancestors()]
                for c in (e.get("class") or "").split()
            }
            # Only where the page says a value cannot be told, or explains so; never as a position or strength.
            assert homes & ALLOWED_HOMES, (url, node)
            assert not homes & VALUE_PLACES, (url, node)
        assert not body.xpath(".//option[contains(., 'niet te bepalen')]"), url


def test_the_page_cache_keeps_the_restricted_page_apart(client, graded):
    every = client.get(reverse("overview"))
    restricted = client.get(reverse("overview"), ONLY)
    assert (every["X-Page-Cache"], restricted["X-Page-Cache"]) == ("miss", "miss")
    every, restricted = client.get(reverse("overview")), client.get(reverse("overview"), ONLY)
    assert (every["X-Page-Cache"], restricted["X-Page-Cache"]) == ("hit", "hit")
    assert overview_rows(parse(restricted))["Strijd"] == ["1 (33%)", "1", "1"]
    assert overview_rows(parse(every))["Strijd"][0] == "2 ● 1 met tekstbewijs (67%)"
