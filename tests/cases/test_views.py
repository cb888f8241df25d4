"""Public case pages: list and filters, a case, sources and tension fields, feed, sitemap."""

import pytest
from django.urls import reverse

from cases.models import Case
from frameworks.models import Source, TensionField
from tests.factories import make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

UNPUBLISHED = [Case.Status.DRAFT, Case.Status.IN_REVIEW]


def titles(response) -> list[str]:
    return texts(parse(response), "//*[contains(@class,'case-card')]//h3")


# --- the list -------------------------------------------------------------------


def test_list_shows_published_cases_only(client, framework):
    make_case(title="Openbaar")
    for status in UNPUBLISHED:
        make_case(title=f"Verborgen {status}", status=status)
    response = client.get(reverse("case-list"))
    assert titles(response) == ["Openbaar"]
    assert "Verborgen" not in response.content.decode()


def test_list_filters_by_domain_and_kind(client, framework):
    make_case(title="Wonen-case", domain="wonen")
    make_case(title="Leren-pilot", domain="leren", kind=Case.Kind.PILOT)
    make_case(title="Leren-case", domain="leren")
    url = reverse("case-list")
    assert titles(client.get(url, {"domein": "leren"})) == ["Leren-case", "Leren-pilot"]
    assert titles(client.get(url, {"domein": "leren", "soort": "pilot"})) == ["Leren-pilot"]
    assert titles(client.get(url, {"soort": "case_study"})) == ["Leren-case", "Wonen-case"]


def test_list_filters_by_minimum_source_strength(client, framework):
    make_case(title="Sterk", strengths={"ontmoeting": 3})
    make_case(title="Matig", strengths={"ontmoeting": 2})
    make_case(title="Afwezig", strengths={"ontmoeting": 0})
    url = reverse("case-list")
    assert titles(client.get(url, {"bron-ontmoeting": 2})) == ["Matig", "Sterk"]
    assert titles(client.get(url, {"bron-ontmoeting": 3})) == ["Sterk"]
    assert titles(client.get(url, {"bron-ontmoeting": 1})) == ["Matig", "Sterk"]


def test_list_filters_by_tension_field_range(client, framework):
    make_case(title="Consensus", positions={"consensus-conflict": -2})
    make_case(title="Midden", positions={"consensus-conflict": 0})
    make_case(title="Conflict", positions={"consensus-conflict": 2})
    make_case(title="Beide", positions={"consensus-conflict": "both"})
    url = reverse("case-list")
    assert titles(client.get(url, {"consensus-conflict-van": 1})) == ["Conflict"]
    assert titles(client.get(url, {"consensus-conflict-van": -2, "consensus-conflict-tot": 0})) == [
        "Consensus",
        "Midden",
    ]


def test_filters_combine(client, framework):
    make_case(
        title="Raak",
        domain="werken",
        strengths={"strijd": 3},
        positions={"economisch-cultureel": -2},
    )
    make_case(
        title="Verkeerd domein",
        domain="wonen",
        strengths={"strijd": 3},
        positions={"economisch-cultureel": -2},
    )
    make_case(
        title="Te zwak",
        domain="werken",
        strengths={"strijd": 1},
        positions={"economisch-cultureel": -2},
    )
    make_case(
        title="Andere pool",
        domain="werken",
        strengths={"strijd": 3},
        positions={"economisch-cultureel": 2},
    )
    response = client.get(
        reverse("case-list"),
        {"domein": "werken", "bron-strijd": 2, "economisch-cultureel-tot": -1},
    )
    assert titles(response) == ["Raak"]
    chips = texts(parse(response), "//ul[contains(@class,'chips')]/li[contains(@class,'chip')]")
    assert len(chips) == 3


@pytest.mark.parametrize(
    ("query", "chip"),
    [
        (
            {"consensus-conflict-van": 2, "consensus-conflict-tot": 2},
            "Consensus – conflict: sterk conflict",
        ),
        (
            {"consensus-conflict-van": 0, "consensus-conflict-tot": 0},
            "Consensus – conflict: in het midden",
        ),
        ({"consensus-conflict-van": 1}, "Consensus – conflict: vanaf eerder conflict"),
        ({"consensus-conflict-tot": -1}, "Consensus – conflict: tot eerder consensus"),
        (
            {"consensus-conflict-van": -1, "consensus-conflict-tot": 1},
            "Consensus – conflict: eerder consensus tot eerder conflict",
        ),
    ],
)
def test_range_chip_names_one_position_once_and_an_open_end_as_such(client, framework, query, chip):
    response = client.get(reverse("case-list"), query)
    labels = parse(response).xpath(
        "//ul[contains(@class,'chips')]/li[contains(@class,'chip')]/text()"
    )
    assert [label.strip() for label in labels] == [chip]


def test_each_active_filter_can_be_removed_alone(client, framework):
    response = client.get(reverse("case-list"), {"domein": "werken", "bron-strijd": 2})
    removers = parse(response).xpath("//a[contains(@class,'chip__remove')]/@href")
    assert sorted(removers) == ["?bron-strijd=2", "?domein=werken"]


def test_invalid_filter_values_are_named_and_ignored(client, framework):
    make_case(title="Iets")
    response = client.get(
        reverse("case-list"),
        {"domein": "ruimtevaart", "consensus-conflict-van": 2, "consensus-conflict-tot": -2},
    )
    assert response.status_code == 200
    errors = texts(parse(response), "//div[contains(@class,'form-errors')]//li")
    assert any(error.startswith("Domein") for error in errors)
    assert any(
        error.startswith("Consensus – conflict") and "einde van het bereik" in error
        for error in errors
    )
    assert titles(response) == ["Iets"]


def test_list_paginates(client, framework):
    for i in range(25):
        make_case(title=f"Case {i:02d}")
    first = client.get(reverse("case-list"))
    second = client.get(reverse("case-list"), {"pagina": 2})
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))


# --- a case -----------------------------------------------------------------------


def test_case_page_shows_text_and_profile(client, framework):
    case = make_case(
        title="De Torekes",
        context="Een buurt in Gent.",
        strengths={"ontmoeting": 3},
        positions={"integratie-transformatie": "both", "universeel-particularistisch": -1},
        keywords=("complementaire munt",),
    )
    tree = parse(client.get(case.get_absolute_url()))
    assert texts(tree, "//h1") == ["De Torekes"]
    body = " ".join(texts(tree, "//main"))
    assert "Een buurt in Gent." in body
    assert "Ontmoeting: sterk" not in body  # the label sits beside the name, not glued
    bars = texts(tree, "//ul[contains(@class,'source-bars')]/li")
    assert any(bar.startswith("Ontmoeting") and "sterk" in bar for bar in bars)
    spectra = texts(tree, "//ul[contains(@class,'spectra')]/li")
    assert any("houdt beide polen vast" in s for s in spectra)
    assert any("eerder universeel" in s for s in spectra)
    assert "complementaire munt" in body


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_unpublished_case_is_404_for_anonymous_and_for_users_who_cannot_edit(
    client, framework, status
):
    case = make_case(status=status, title="Geheim concept")
    assert client.get(case.get_absolute_url()).status_code == 404
    client.force_login(make_user())
    assert client.get(case.get_absolute_url()).status_code == 404
    client.force_login(make_user(is_staff=True))
    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_researcher_previews_an_unpublished_case_with_a_notice(
    researcher_client, framework, status
):
    case = make_case(status=status, title="Concept in wording")
    response = researcher_client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert texts(parse(response), "//p[contains(@class,'notice--draft')]")


# --- sources and tension fields ------------------------------------------------------------


def test_source_page_lists_published_cases_strongest_first(client, framework):
    make_case(title="Zwak", strengths={"strijd": 1})
    make_case(title="Sterk", strengths={"strijd": 3})
    make_case(title="Matig", strengths={"strijd": 2})
    make_case(title="Afwezig", strengths={"strijd": 0})
    make_case(title="Concept sterk", strengths={"strijd": 3}, status=Case.Status.DRAFT)
    tree = parse(client.get(reverse("source-detail", args=["strijd"])))
    listed = [t.split(" ")[0] for t in texts(tree, "//ol[contains(@class,'ranked-list')]/li/a")]
    assert listed == ["Sterk", "Matig", "Zwak"]


FOR_PRACTICE = "//section[h2[normalize-space()='Wat beleid en praktijk kunnen doen']]/p"


@pytest.mark.parametrize(
    ("page", "key", "phrase"),
    [
        (
            "source-detail",
            "strijd",
            "blijft strijd als bron van solidariteit opmerkelijk in de schaduw",
        ),
        (
            "source-detail",
            "ontmoeting",
            "buurt, school of sportclub zo gemengd mogelijk samenstellen",
        ),
        (
            "tension-field-detail",
            "universeel-particularistisch",
            "een afspiegeling te zijn van de diversiteit in de samenleving",
        ),
        (
            "tension-field-detail",
            "onderhandelbaar-niet-onderhandelbaar",
            "wie werkt met eigenaarschap, participatie en inspraak",
        ),
    ],
)
def test_source_and_tension_field_pages_say_what_policy_and_practice_can_do(
    client, framework, page, key, phrase
):
    tree = parse(client.get(reverse(page, args=[key])))
    assert any(phrase in paragraph for paragraph in texts(tree, FOR_PRACTICE))


@pytest.mark.parametrize(
    ("model", "page", "key"),
    [
        (Source, "source-detail", "strijd"),
        (TensionField, "tension-field-detail", "consensus-conflict"),
    ],
)
def test_without_advice_for_practice_the_heading_is_left_out(client, framework, model, page, key):
    model.objects.filter(key=key).update(for_practice="")
    response = client.get(reverse(page, args=[key]))
    assert "Wat beleid en praktijk kunnen doen" not in response.content.decode()


def test_tension_field_page_places_cases_on_the_spectrum(client, framework):
    make_case(title="Links", positions={"consensus-conflict": -2})
    make_case(title="Rechts", positions={"consensus-conflict": 2})
    make_case(title="Allebei", positions={"consensus-conflict": "both"})
    make_case(title="Verborgen", positions={"consensus-conflict": 2}, status=Case.Status.DRAFT)
    response = client.get(reverse("tension-field-detail", args=["consensus-conflict"]))
    tree = parse(response)
    rows = {
        row[0]: row
        for row in (
            texts(tr, "./*") for tr in tree.xpath("//table[contains(@class,'data-table')]/tbody/tr")
        )
    }
    # Each count says how many of its positions rest on text evidence; each case is marked by its grounds.
    assert rows["sterk consensus"][1:] == ["1 ● 0 met tekstbewijs", "Links ○ interpretatie"]
    assert rows["sterk conflict"][1:] == ["1 ● 0 met tekstbewijs", "Rechts ○ interpretatie"]
    assert rows["houdt beide polen vast"][1:] == [
        "1 ● 0 met tekstbewijs",
        "Allebei ○ interpretatie",
    ]
    assert rows["in het midden"][1] == "0"
    dots = tree.xpath("//a[contains(@class,'dot')]/@href")
    assert len(dots) == 3
    # The chart names its cases in visible text (a hover tooltip does not work on touch),
    # in the order of the positions from pole A to pole B, 'both poles' last.
    assert texts(
        tree, "//figure[contains(@class,'spectrum-chart')]//a[contains(@class,'dot')]"
    ) == ["Links", "Rechts", "Allebei"]
    labels = texts(
        tree,
        "//figure[contains(@class,'spectrum-chart')]//p[contains(@class,'spectrum-chart__label')]",
    )
    assert labels == [
        "sterk consensus (1)",
        "eerder consensus (0)",
        "in het midden (0)",
        "eerder conflict (0)",
        "sterk conflict (1)",
        "houdt beide polen vast (1)",
    ]
    assert "Verborgen" not in response.content.decode()


def test_tension_field_chart_caps_each_column_and_links_the_rest(client, framework):
    for i in range(15):
        make_case(title=f"Case {i:02d}", positions={"afstand-nabijheid": 0})
    tree = parse(client.get(reverse("tension-field-detail", args=["afstand-nabijheid"])))
    middle = [
        tr
        for tr in tree.xpath("//table[contains(@class,'data-table')]/tbody/tr")
        if "midden" in tr.text_content()
    ][0]
    assert "15" in texts(middle, "./td")[0]
    assert len(middle.xpath(".//a")) == 13  # twelve cases and "en 3 andere"
    assert "afstand-nabijheid-van=0" in middle.xpath(".//a")[-1].get("href")


# --- feed, sitemap, robots -----------------------------------------------------------------


def test_feed_and_sitemap_hold_published_cases_only(client, framework):
    public = make_case(title="Openbare praktijk", slug="openbare-praktijk")
    for status in UNPUBLISHED:
        make_case(title=f"Verborgen {status}", slug=f"verborgen-{status}", status=status)
    feed = client.get(reverse("case-feed")).content.decode()
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert "Openbare praktijk" in feed
    assert public.get_absolute_url() in sitemap
    for text in (feed, sitemap):
        assert "erborgen" not in text


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, framework):
    body = client.get(reverse("robots")).content.decode()
    assert "Disallow: /beheer/" in body
    assert "/sitemap.xml" in body
