"""The public methods page /methode/: how coding is done and the reliability table, in flat queries."""

import pytest
from django.urls import reverse

from cases.models import Case
from tests.cases.double_coding import code_and_submit, make_colleague, open_round, publish
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def double_code(count, researcher, colleague):
    for n in range(count):
        case = make_case(status=Case.Status.DRAFT, title=f"Geheim concept {n}")
        _round, first, second = open_round(case, researcher, colleague)
        code_and_submit(first, researcher, strijd=n % 4)
        code_and_submit(second, colleague, strijd=(n + 1) % 4)
        publish(case)


def test_explains_coding_and_treatment(framework, anonymous_client):
    page = anonymous_client.get(reverse("methods"))
    assert page.status_code == 200
    text = page.content.decode()
    for phrase in (
        "sterkte 0 tot 3",
        "positie −2 tot +2",
        "Houdt beide polen vast",
        "Dubbel coderen en consensus",
        "Voor alfa tellen ze als ontbrekend",
        "Voor de procentuele overeenstemming tellen ze als eigen antwoord",
    ):
        assert phrase in text
    assert "Tot nu toe zijn 0 gepubliceerde praktijken dubbel gecodeerd" in text
    assert text.count("nog niet te berekenen") == 12


def test_the_table_and_no_unpublished_case_named(framework, researcher, anonymous_client):
    double_code(4, researcher, make_colleague())
    tree = parse(anonymous_client.get(reverse("methods")))
    rows = texts(tree, "//table[contains(@class,'reliability-table')]/tbody/tr")
    assert len(rows) == 12
    strijd = next(row for row in rows if row.startswith("Strijd"))
    assert strijd.split()[1] == "4"
    html = anonymous_client.get(reverse("methods")).content.decode()
    assert "Geheim concept" not in html
    assert "Tot nu toe zijn 4 gepubliceerde praktijken dubbel gecodeerd" in html


def test_linked_from_the_footer_open_data_and_framework(framework, anonymous_client):
    for name in ("open-data", "framework", "home"):
        assert reverse("methods") in anonymous_client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("rounds", [1, 12])
def test_query_count_flat(framework, researcher, client, django_assert_max_num_queries, rounds):
    double_code(rounds, researcher, make_colleague())
    with django_assert_max_num_queries(8):
        assert client.get(reverse("methods")).status_code == 200


@pytest.mark.parametrize(
    ("prefix", "sources", "fields"),
    [
        ("/fr", ["Interdépendance", "Lutte"], ["universel – particulariste"]),
        ("/en", ["Interdependence", "Struggle"], ["universal – particularistic"]),
    ],
)
def test_the_table_names_the_dimensions_in_the_pages_language(
    framework, anonymous_client, prefix, sources, fields
):
    from frameworks.models import Source

    # A source without a translation keeps its Dutch name, marked as Dutch.
    Source.objects.filter(key="ontmoeting").update(name_fr="", name_en="")
    tree = parse(anonymous_client.get(prefix + reverse("methods")))
    heads = tree.xpath("//table[contains(@class,'reliability-table')]/tbody/tr/th")
    named = {head.text_content().strip(): head.get("lang") for head in heads}
    for name in sources + fields:
        assert named[name] is None, name
    assert named["Ontmoeting"] == "nl"
    assert "Strijd" not in named and "Wederzijdse afhankelijkheid" not in named
    # The data stay Dutch whatever the page's language.
    csv = anonymous_client.get(reverse("export-reliability-csv")).content.decode()
    assert "Wederzijdse afhankelijkheid" in csv and "Interdépendance" not in csv
