"""The map of places: the list's filtered cases as grouped markers on an SVG drawn here, its text
alternative, a case's locator map, and places picked from the register of municipalities."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import case_map, case_places
from cases.models import Case
from tests.factories import good_row, make_case, run_import, wide_csv
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db


def markers(tree) -> dict[str, tuple[int, str]]:
    """Each marker's accessible name -> (count, link)."""
    return {
        a.get("aria-label"): (int(a.get("data-count")), a.get("href"))
        for a in tree.xpath("//svg[contains(@class,'place-map__svg')]//a")
    }


@pytest.fixture
def places(framework):
    make_case(title="Keuken Rabot", municipality="Gent", domain="wonen")
    make_case(title="Huis Ledeberg", municipality="Gent", domain="wonen")
    make_case(
        title="Atelier Noord",
        slug="atelier-noord",
        municipality="Antwerpen",
        latitude=Decimal("51.230000"),
        longitude=Decimal("4.420000"),
        domain="wonen",
    )
    make_case(
        title="Sportclub Brugge",
        slug="sportclub-brugge",
        municipality="Brugge",
        domain="vrije-tijd",
    )
    make_case(title="CONCEPT-LEUVEN", municipality="Leuven", status=Case.Status.DRAFT)


def test_the_map_shows_each_filtered_case_once_grouped_by_municipality(client, places):
    tree = parse(client.get(reverse("case-map"), {"domein": "wonen"}))

    assert markers(tree) == {
        "Gent: 2 praktijken": (2, "/praktijken/?domein=wonen&plaats=Gent"),
        "Atelier Noord (Antwerpen)": (1, "/praktijken/atelier-noord/"),
    }
    listed = parse(client.get(reverse("case-list"), {"domein": "wonen"}))
    assert texts(listed, "//h2[@id='results-title']") == ["3 praktijken"]
    assert texts(tree, "//h2[@id='results-title']") == ["3 praktijken op de kaart"]


def test_the_text_alternative_lists_the_cases_by_province_and_municipality(client, places):
    tree = parse(client.get(reverse("case-map")))
    section = tree.xpath("//section[@aria-labelledby='place-list-title']")[0]

    assert texts(section, ".//h4") == ["Antwerpen", "Oost-Vlaanderen", "West-Vlaanderen"]
    assert texts(section, "./ul/li") == [
        "Antwerpen (1): Atelier Noord",
        "Gent (2) Huis Ledeberg Keuken Rabot",
        "Brugge (1): Sportclub Brugge",
    ]


@pytest.mark.parametrize(
    ("language", "provinces", "brugge"),
    [
        ("", ["Antwerpen", "Oost-Vlaanderen", "West-Vlaanderen"], "West-Vlaanderen"),
        # In the order of the page's language.
        ("/fr", ["Anvers", "Flandre-Occidentale", "Flandre-Orientale"], "Flandre-Occidentale"),
        ("/en", ["Antwerp", "East Flanders", "West Flanders"], "West Flanders"),
    ],
)
def test_the_provinces_are_named_in_the_pages_language(client, places, language, provinces, brugge):
    tree = parse(client.get(f"{language}/kaart/"))
    section = tree.xpath("//section[@aria-labelledby='place-list-title']")[0]
    assert texts(section, ".//h4") == provinces
    case = parse(client.get(f"{language}/praktijken/sportclub-brugge/"))
    assert texts(case, "//figcaption[@id='locator-caption']") == [f"Brugge ({brugge})"]


def test_nothing_unpublished_and_nothing_from_elsewhere_is_on_the_map(client, places):
    response = client.get(reverse("case-map"))
    body = response.content.decode()
    tree = parse(response)
    svg = tree.xpath("//svg[contains(@class,'place-map__svg')]")[0]

    assert "CONCEPT-LEUVEN" not in body
    assert "Leuven" not in " ".join(texts(tree, "//section[@aria-labelledby='place-list-title']"))
    assert sum(count for count, _link in markers(tree).values()) == 4
    assert all(a.get("href").startswith("/") for a in svg.xpath(".//a"))
    assert not svg.xpath(".//*[@style] | .//image | .//use | .//foreignobject")
    assert "http" not in "".join(svg.xpath(".//@href | .//@src | .//@d"))


def test_the_map_draws_the_municipalities_with_cases_shaded(client, places):
    tree = parse(client.get(reverse("case-map"), {"domein": "vrije-tijd"}))
    [shaded] = tree.xpath("//path[@class='map__shaded']/@d")
    base = case_map.base_map()

    assert shaded == base.outlines["31005"]  # Brugge alone


def test_many_cases_are_counted_per_municipality_not_listed_one_by_one(client, places, monkeypatch):
    monkeypatch.setattr(case_map, "LISTED_CASES", 2)
    tree = parse(client.get(reverse("case-map")))

    assert markers(tree) == {
        "Gent: 2 praktijken": (2, "/praktijken/?plaats=Gent"),
        "Atelier Noord (Antwerpen)": (1, "/praktijken/atelier-noord/"),
        "Sportclub Brugge (Brugge)": (1, "/praktijken/sportclub-brugge/"),
    }
    section = tree.xpath("//section[@aria-labelledby='place-list-title']")[0]
    assert texts(section, "./ul/li") == [
        "Antwerpen (1): Atelier Noord",
        "Gent (2)",
        "Brugge (1): Sportclub Brugge",
    ]
    assert "Te veel praktijken" in section.text_content()


def test_a_single_case_taken_offline_while_the_map_is_made_is_left_off(client, places, monkeypatch):
    # Between the count per municipality and the reading of the single cases, Brugge's one case
    # is taken offline (the statement runs right after the count, in the same transaction).
    monkeypatch.setattr(case_map, "LISTED_CASES", 2)

    def unpublish_after_counting(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('SELECT "cases_case"."nis_code" AS "nis_code", COUNT('):
            Case.objects.filter(slug="sportclub-brugge").update(status=Case.Status.DRAFT)
        return result

    with connection.execute_wrapper(unpublish_after_counting):
        response = client.get(reverse("case-map"))

    assert response.status_code == 200
    assert markers(parse(response)) == {
        "Gent: 2 praktijken": (2, "/praktijken/?plaats=Gent"),
        "Atelier Noord (Antwerpen)": (1, "/praktijken/atelier-noord/"),
    }


def test_counted_per_municipality_the_map_takes_as_many_queries_for_many(
    client, framework, monkeypatch
):
    monkeypatch.setattr(case_map, "LISTED_CASES", 2)
    for name in ("Gent", "Gent", "Aalst"):
        make_case(municipality=name)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("case-map"), {"domein": "wonen"}).status_code == 200
        return len(queries)

    few = count()
    for name in ("Gent", "Aalst", "Hasselt", "Brussel", "Kortrijk", "Lier") * 3 + ("Mol",):
        make_case(municipality=name)
    assert count() == few


def test_the_map_takes_as_many_queries_with_many_cases_as_with_few(client, framework):
    make_case(municipality="Gent")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("case-map"), {"domein": "wonen"}).status_code == 200
        return len(queries)

    few = count()
    for name in ("Gent", "Aalst", "Hasselt", "Brussel", "Kortrijk", "Lier") * 3:
        make_case(municipality=name)
    assert count() == few


def test_a_case_page_shows_where_it_is_with_every_place_it_is_spread_over(client, framework):
    case = make_case(title="Netwerk", municipality="Gent", more_places=["24062", "11002"])
    tree = parse(client.get(case.get_absolute_url()))

    assert texts(tree, "//figure[@class='locator-map']/figcaption") == [
        "Gent (Oost-Vlaanderen); Leuven (Vlaams-Brabant); Antwerpen (Antwerpen)"
    ]
    assert len(tree.xpath("//figure[@class='locator-map']//circle")) == 3
    assert texts(tree, "//dl[@class='facts']/div[1]/dd") == ["Gent; Leuven; Antwerpen"]


RESOLVED = [
    # (nis, name, latitude, longitude) -> (municipality, filled in?)
    (("44021", "", None, None), ("Gent", True)),
    (("", "Gent", None, None), ("Gent", True)),
    (("", "bruxelles", None, None), ("Brussel", True)),
    (("", "Sint-Jans-Molenbeek", None, None), ("Sint-Jans-Molenbeek", True)),
    (("", "Gent", Decimal("51.054300"), Decimal("3.717400")), ("Gent", False)),
]


@pytest.mark.parametrize(("given", "expected"), RESOLVED)
def test_a_place_is_a_municipality_of_the_register(given, expected):
    nis, name, latitude, longitude = given
    place = case_places.resolve_place(
        nis=nis, name=name, latitude=latitude, longitude=longitude, fields=FIELDS
    )
    assert (place.municipality.name, latitude is None) == expected
    west, south, east, north = place.municipality.bounds
    assert south <= place.latitude <= north and west <= place.longitude <= east


FIELDS = {"nis": "nis", "name": "gemeente", "latitude": "breedtegraad"}
REFUSED = [
    (("99999", "", None, None), "nis", "Onbekende NIS-code ‘99999’"),
    (("", "Atlantis", None, None), "gemeente", "Onbekende gemeente ‘Atlantis’"),
    (("", "Gent", Decimal("50.850000"), Decimal("4.350000")), "breedtegraad", "niet in Gent"),
]


@pytest.mark.parametrize(("given", "field", "message"), REFUSED)
def test_an_unknown_place_is_refused_with_a_message_on_its_field(given, field, message):
    nis, name, latitude, longitude = given
    with pytest.raises(ValidationError) as refused:
        case_places.resolve_place(
            nis=nis, name=name, latitude=latitude, longitude=longitude, fields=FIELDS
        )
    assert message in refused.value.message_dict[field][0]


def test_the_import_refuses_an_unknown_municipality_and_saves_nothing(framework, researcher):
    report = run_import(wide_csv([good_row(slug="atlantis", gemeente="Atlantis")]), researcher)

    assert not Case.objects.filter(slug="atlantis").exists()
    [row] = report.rows
    assert any("Onbekende gemeente ‘Atlantis’" in message for _field, message in row.errors)


def test_the_import_takes_the_municipality_from_the_register(framework, researcher):
    run_import(wide_csv([good_row(slug="molenbeek", gemeente="molenbeek-saint-jean")]), researcher)

    case = Case.objects.get(slug="molenbeek")
    assert (case.municipality, case.nis_code) == ("Sint-Jans-Molenbeek", "21012")


def test_the_workbench_picks_the_municipality_and_stores_no_coordinates_for_it(
    framework, researcher_client
):
    case = make_case(slug="plek", municipality="Gent")
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(researcher_client.get(url), "case_form")
    data |= {"nis_code": "24062", "latitude": "", "longitude": ""}
    response = researcher_client.post(url, data)

    assert response.status_code == 302, parse(response).xpath("//ul[@class='errorlist']//text()")
    case.refresh_from_db()
    assert (case.municipality, case.nis_code) == ("Leuven", "24062")
    # As the import keeps them: none given, none stored (the map places it at Leuven's point).
    assert (case.latitude, case.longitude) == (None, None)


def test_the_workbench_refuses_coordinates_outside_the_municipality(framework, researcher_client):
    case = make_case(slug="plek", municipality="Gent")
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(researcher_client.get(url), "case_form")
    data |= {"nis_code": "44021", "latitude": "50.850000", "longitude": "4.350000"}
    response = researcher_client.post(url, data)

    assert response.status_code == 200
    assert "liggen niet in Gent" in response.content.decode()
    assert "50.850000" in response.content.decode()  # what was typed stays
    case.refresh_from_db()
    assert case.latitude is None


@pytest.mark.parametrize("listed", [300, 2])
def test_a_case_outside_the_register_is_counted_apart_in_both_ways(
    client, places, monkeypatch, listed
):
    monkeypatch.setattr(case_map, "LISTED_CASES", listed)
    make_case(title="Ergens", municipality="Atlantis", domain="wonen")  # before the register
    tree = parse(client.get(reverse("case-map"), {"domein": "wonen"}))

    assert sum(count for count, _link in markers(tree).values()) == 3
    assert texts(tree, "//section[@aria-labelledby='place-list-title']/p[1]") == [
        "1 praktijk heeft geen plaats op de kaart."
    ]
    assert texts(tree, "//h2[@id='results-title']") == ["4 praktijken op de kaart"]


def test_the_import_refuses_a_municipality_and_nis_code_that_disagree(framework, researcher):
    report = run_import(wide_csv([good_row(slug="twee", gemeente="Gent", nis="11002")]), researcher)

    assert not Case.objects.filter(slug="twee").exists()
    [row] = report.rows
    assert row.errors == [
        (
            "gemeente",
            "Kolom gemeente (‘Gent’) en kolom nis (11002, Antwerpen) spreken elkaar tegen: laat ze "
            "overeenkomen, of geef er één.",
        )
    ]


def test_restoring_a_version_brings_the_place_back(framework, researcher):
    from cases import history, services

    case = make_case(slug="verhuist", municipality="Gent")
    services.case_write(case=case, actor=researcher, comment="eerste")
    first = history.versions_of(case).last()
    case.nis_code, case.municipality, case.more_places = "24062", "Leuven", ["11002"]
    services.case_write(case=case, actor=researcher, comment="verhuisd")
    services.case_restore(case=case, version=first, actor=researcher)

    case.refresh_from_db()
    assert (case.municipality, case.nis_code, case.more_places) == ("Gent", "44021", [])


@pytest.mark.parametrize("listed", [300, 0])
def test_titles_on_the_map_are_text_never_markup(client, framework, monkeypatch, listed):
    monkeypatch.setattr(case_map, "LISTED_CASES", listed)
    make_case(title='Keuken "<b>vet</b>" & co', slug="keuken", municipality="Gent")
    make_case(title="<i>schuin</i>", municipality="Gent")
    make_case(title="Alleen <u>hier</u>", slug="alleen", municipality="Aalst")
    tree = parse(client.get(reverse("case-map")))

    assert not tree.xpath("//main//b | //main//i | //main//u")
    assert "Alleen <u>hier</u> (Aalst)" in markers(tree)
    if listed:
        assert 'Keuken "<b>vet</b>" & co' in texts(tree, "//section[@class='place-list']//li//a")
