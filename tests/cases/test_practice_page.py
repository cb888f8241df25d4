""" "Waar staat uw praktijk?": the page, its result in words, bad input, the data, and no leaks."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, SourceCoding
from frameworks.models import Source, TensionField
from tests.factories import make_case, make_many_cases
from tests.html import links, parse, texts

pytestmark = pytest.mark.django_db

URL = "/uw-praktijk/"

MOVING = (
    "bron-ontmoeting=1&gewenst-bron-ontmoeting=3"
    "&bron-strijd=2&gewenst-bron-strijd=0"
    "&bron-normen-en-waarden=2&gewenst-bron-normen-en-waarden=2"
    "&consensus-conflict=-2&gewenst-consensus-conflict=1"
    "&economisch-cultureel=beide&gewenst-economisch-cultureel=-1"
    "&afstand-nabijheid=0&gewenst-afstand-nabijheid=beide"
    "&integratie-transformatie=1"
)


def errors(response) -> list[str]:
    return texts(parse(response), "//div[contains(@class,'form-errors')]//li")


def test_the_page_has_its_address_and_starts_empty(client, framework):
    assert reverse("practice") == URL
    response = client.get(URL)
    tree = parse(response)
    assert response.status_code == 200
    assert texts(tree, "//h1") == ["Waar staat uw praktijk?"]
    assert errors(response) == []
    assert tree.xpath("//*[@id='resultaat']/*") == []
    # Ten items, each with now, desired and a note, and the framework's words beside it.
    assert len(tree.xpath("//fieldset[contains(@class,'practice-item')]")) == 10
    assert texts(tree, "//fieldset[@id='item-bron-strijd']/legend") == ["Strijd"]
    assert tree.xpath("//select[@name='bron-strijd']") and tree.xpath(
        "//select[@name='gewenst-bron-strijd']"
    )
    assert texts(tree, "//select[@name='consensus-conflict']/option") == [
        "weet ik niet",
        "sterk consensus",
        "eerder consensus",
        "in het midden",
        "eerder conflict",
        "sterk conflict",
        "houdt beide polen vast",
    ]


def test_reached_from_the_navigation_the_home_page_and_every_source_and_field(client, framework):
    assert URL in links(parse(client.get(reverse("case-list"))))
    assert URL in links(parse(client.get(reverse("home"))))
    for source in Source.objects.all():
        page = parse(client.get(source.get_absolute_url()))
        assert f"{URL}#item-bron-{source.key}" in links(page), source.key
    for field in TensionField.objects.all():
        page = parse(client.get(field.get_absolute_url()))
        assert f"{URL}#item-{field.key}" in links(page), field.key


def test_the_gap_in_plain_words_in_the_order_of_the_text(client, framework):
    tree = parse(client.get(f"{URL}?{MOVING}"))
    assert texts(tree, "//li[contains(@class,'practice-move')]/p[1]") == [
        "U wilt minder putten uit strijd (nu matig, gewenst afwezig).",
        "U wilt meer putten uit ontmoeting (nu zwak, gewenst sterk).",
        "U wilt van consensus naar conflict (nu sterk consensus, gewenst eerder conflict).",
        "U wilt niet langer beide polen vasthouden (gewenst eerder economisch).",
        "U wilt beide polen vasthouden, afstand én nabijheid (nu in het midden).",
    ]


@pytest.mark.parametrize(
    ("language", "moves"),
    [
        (
            "fr",
            [
                "Vous voulez puiser moins dans la source « lutte » "
                "(actuellement modérée, souhaitée absente).",
                "Vous voulez puiser davantage dans la source « rencontre » "
                "(actuellement faible, souhaitée forte).",
                "Vous voulez passer de consensus à conflit "
                "(actuellement nettement consensus, souhaité plutôt conflit).",
                "Vous ne voulez plus tenir les deux pôles (souhaité : plutôt économique).",
                "Vous voulez tenir les deux pôles, distance et proximité (actuellement au milieu).",
            ],
        ),
        (
            "en",
            [
                "You want to draw less on struggle (now moderate, desired absent).",
                "You want to draw more on encounter (now weak, desired strong).",
                "You want to move from consensus to conflict "
                "(now strongly towards consensus, desired leaning towards conflict).",
                "You no longer want to hold both poles (desired: leaning towards economic).",
                "You want to hold both poles, distance and proximity (now in the middle).",
            ],
        ),
    ],
)
def test_the_gap_reads_as_a_sentence_in_every_language(client, framework, language, moves):
    tree = parse(client.get(f"/{language}{URL}?{MOVING}"))
    assert texts(tree, "//li[contains(@class,'practice-move')]/p[1]") == moves


@pytest.mark.parametrize(
    ("query", "moves", "said"),
    [
        (
            "gewenst-consensus-conflict=2&gewenst-bron-ontmoeting=3",
            [],
            "Bij ontmoeting en consensus – conflict gaf u alleen aan waar u naartoe wilt. Vul "
            "ook in waar uw praktijk nu staat: dan zegt het resultaat wat er moet veranderen.",
        ),
        (
            "bron-strijd=2&gewenst-bron-strijd=0&gewenst-afstand-nabijheid=beide",
            ["U wilt minder putten uit strijd (nu matig, gewenst afwezig)."],
            "Bij afstand – nabijheid gaf u alleen aan waar u naartoe wilt. Vul "
            "ook in waar uw praktijk nu staat: dan zegt het resultaat wat er moet veranderen.",
        ),
        (
            "bron-strijd=2&gewenst-bron-strijd=2",
            [],
            "U gaf nergens een gewenste waarde die verschilt van waar uw praktijk nu staat.",
        ),
    ],
)
def test_a_desired_value_without_a_current_one_is_named_not_denied(
    client, framework, query, moves, said
):
    tree = parse(client.get(f"{URL}?{query}"))
    assert texts(tree, "//li[contains(@class,'practice-move')]/p[1]") == moves
    section = tree.xpath("//section[@class='practice-moves']")[0]
    assert texts(section, "./p") == [said]


def test_the_items_without_a_current_value_are_named_in_the_pages_language(client, framework):
    tree = parse(
        client.get(
            "/en/uw-praktijk/",
            {
                "gewenst-bron-strijd": "1",
                "gewenst-bron-ontmoeting": "3",
                "gewenst-afstand-nabijheid": "2",
            },
        )
    )
    assert texts(tree, "//section[@class='practice-moves']/p") == [
        "For struggle, encounter and distance – proximity you only said where you want to go. "
        "Say where your practice stands now as well: the result will then say what has to "
        "change."
    ]


def test_the_profile_is_drawn_now_and_desired_with_words_beside_it(client, framework):
    tree = parse(client.get(f"{URL}?{MOVING}"))
    field = tree.xpath("//li[contains(@class,'practice-field')][1]")[0]
    assert texts(tree, "//li[contains(@class,'practice-field')]//p[@class='spectrum__label']") == [
        "nu: weet ik niet; gewenst: weet ik niet",
        "nu: sterk consensus; gewenst: eerder conflict",
        "nu: houdt beide polen vast; gewenst: eerder economisch",
        "nu: eerder transformatie; gewenst: weet ik niet",
        "nu: in het midden; gewenst: houdt beide polen vast",
        "nu: weet ik niet; gewenst: weet ik niet",
    ]
    assert field is not None
    consensus = tree.xpath("//li[contains(@class,'practice-field')][2]//li")
    assert [step.get("class").split()[1:] for step in consensus] == [
        ["is-now"],
        ["is-between"],
        ["is-between"],
        ["is-desired"],
        [],
    ]


def test_a_bare_submission_asks_for_one_item_and_keeps_what_was_typed(client, framework):
    response = client.get(f"{URL}?naam=Buurtwerk+De+Linde&bron-strijd=&notitie-bron-strijd=Later")
    assert response.status_code == 200
    assert errors(response) == ["Vul minstens één bron of spanningsveld in, nu of gewenst."]
    tree = parse(response)
    assert tree.xpath("//input[@name='naam']/@value") == ["Buurtwerk De Linde"]
    assert texts(tree, "//textarea[@name='notitie-bron-strijd']") == ["Later"]


def test_no_note_box_cuts_a_pasted_text_short(client, framework):
    """A browser cuts text pasted past a textarea's maxlength without a word, and sends the cut
    text: the notes' boxes have none, on the empty tool, its result and a refused form; a note
    too long is named and kept whole."""
    long_note = "x" * 501
    for query in ("", "?bron-strijd=3", f"?bron-strijd=3&notitie-bron-strijd={long_note}"):
        tree = parse(client.get(URL + query))
        areas = tree.xpath("//form//textarea")
        assert len(areas) == 10, query
        assert [area.get("name") for area in areas if area.get("maxlength")] == [], query
    assert texts(tree, "//textarea[@name='notitie-bron-strijd']") == [long_note]


BAD = [
    (
        "bron-ontmoeting=7",
        "Ontmoeting (nu): ‘7’ is geen van de mogelijke waarden; kies er een uit de lijst.",
    ),
    (
        "gewenst-consensus-conflict=links",
        "Consensus – conflict (gewenst): ‘links’ is geen van de mogelijke waarden; kies er een uit de lijst.",
    ),
    ("domein=zee", "Domein: ‘zee’ is geen van de mogelijke waarden; kies er een uit de lijst."),
    ("notitie-bron-strijd=" + "x" * 501, "Notitie bij Strijd: hoogstens 500 tekens (nu 501)."),
    ("naam=" + "n" * 121, "Naam van uw praktijk (niet verplicht): hoogstens 120 tekens (nu 121)."),
]


@pytest.mark.parametrize(("query", "message"), BAD)
def test_bad_values_are_named_in_dutch_and_nothing_typed_is_lost(client, framework, query, message):
    response = client.get(f"{URL}?{query}&gewenst-bron-strijd=3&notitie-bron-ontmoeting=Onze+buurt")
    assert response.status_code == 200
    assert errors(response) == [message]
    tree = parse(response)
    assert tree.xpath("//select[@name='gewenst-bron-strijd']/option[@selected]/@value") == ["3"]
    assert texts(tree, "//textarea[@name='notitie-bron-ontmoeting']") == ["Onze buurt"]
    assert tree.xpath("//*[@id='resultaat']/*") == []


def test_unknown_parameters_are_ignored(client, framework):
    response = client.get(f"{URL}?bron-ontmoeting=2&utm_source=nieuwsbrief&bron-zee=3&pagina=2")
    assert errors(response) == []
    assert texts(parse(response), "//*[@id='result-title']") == ["Uw praktijk op het kader"]


def test_what_visitors_type_is_escaped(client, framework):
    response = client.get(
        URL + "?bron-ontmoeting=2&naam=%3Cscript%3Ealert(1)%3C/script%3E"
        "&notitie-bron-ontmoeting=%3Cimg+src=x+onerror=alert(2)%3E"
    )
    body = response.content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body


def test_nothing_is_stored_for_an_anonymous_visitor(client, framework):
    response = client.get(f"{URL}?{MOVING}&naam=Geheim")
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF token: the state is the address
    assert Session.objects.count() == 0


def test_the_result_names_cases_to_learn_from_with_why_and_never_a_draft(client, framework):
    make_case(
        title="Sterke ontmoeting",
        strengths={"ontmoeting": 3},
        grounds={"ontmoeting": "tekstbewijs"},
    )
    make_case(title="Verborgen evenbeeld", strengths={"ontmoeting": 3}, status=Case.Status.DRAFT)
    make_case(title="Zwakke ontmoeting", strengths={"ontmoeting": 0})
    response = client.get(f"{URL}?bron-ontmoeting=0&gewenst-bron-ontmoeting=3")
    tree = parse(response)
    assert "Verborgen evenbeeld" not in response.content.decode()
    desired = tree.xpath("//h3[.='Het dichtst bij wat u wilt']/following-sibling::ol[1]/li")
    assert texts(desired[0], ".//p[1]") == ["Sterke ontmoeting"]
    assert texts(desired[0], ".//p[contains(@class,'near-case__distance')]") == [
        "verschil 0% · vergeleken op 1 van 1 items"
    ]
    assert texts(desired[0], ".//p[contains(@class,'near-case__why')]") == [
        "Dichtbij: Ontmoeting: sterk ● tekstbewijs"
    ]
    # Its evidence: the marker leads to the passages on the case page.
    assert desired[0].xpath(".//a[contains(@href,'#bewijs-ontmoeting')]")
    now = tree.xpath("//h3[.='Het dichtst bij waar u nu staat']/following-sibling::ol[1]/li")
    assert texts(now[0], ".//p[1]") == ["Zwakke ontmoeting"]


def test_a_case_card_says_how_each_coding_is_known_and_shows_its_text_as_text(client, framework):
    orphaned = make_case(
        title="Buurt <b>vet</b> & co",
        neighbourhood="Rabot",
        strengths={"ontmoeting": 3},
        grounds={"ontmoeting": "interpretatie"},
    )
    SourceCoding.objects.filter(case=orphaned, source__key="ontmoeting").update(
        evidence_orphaned=True
    )
    make_case(title="Onbekend", grounds={"ontmoeting": "niet_te_bepalen"})
    make_case(title="Zwak", strengths={"ontmoeting": 0})
    tree = parse(client.get(f"{URL}?gewenst-bron-ontmoeting=3"))
    cards = tree.xpath("//h3[.='Het dichtst bij wat u wilt']/following-sibling::ol[1]/li")
    assert [texts(card, "./p") for card in cards] == [
        [
            "Buurt <b>vet</b> & co",
            "Wonen · Rabot, Gent",
            "verschil 0% · vergeleken op 1 van 1 items",
            "Dichtbij: Ontmoeting: sterk ○ interpretatie (het tekstbewijs wordt nagekeken)",
        ],
        [
            "Onbekend",
            "Wonen · Gent",
            "verschil 50% · vergeleken op 0 van 1 items",
            "Niet te vergelijken: Ontmoeting",
        ],
        [
            "Zwak",
            "Wonen · Gent",
            "verschil 100% · vergeleken op 1 van 1 items",
            "Verschilt: Ontmoeting: afwezig (u: sterk) ○ interpretatie",
        ],
    ]
    assert not cards[0].xpath(".//b")
    # Where a case differs, the grounds' word is for screen readers only; the marker shows.
    assert texts(cards[2], ".//span[contains(@class,'grounds__word')][@class]") == ["interpretatie"]
    assert cards[2].xpath(".//span[@class='grounds__word visually-hidden']")
    assert cards[0].xpath(".//span[@class='grounds__word']")


def test_the_result_as_data(client, framework):
    make_case(title="Sterke ontmoeting", slug="sterke-ontmoeting", strengths={"ontmoeting": 3})
    make_case(
        title="Concept", slug="concept", strengths={"ontmoeting": 3}, status=Case.Status.DRAFT
    )
    response = client.get(
        f"{URL}?bron-ontmoeting=1&gewenst-bron-ontmoeting=3&consensus-conflict=beide&formaat=json"
    )
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["verschuivingen"] == [
        {
            "parameter": "bron-ontmoeting",
            "zin": "U wilt meer putten uit ontmoeting (nu zwak, gewenst sterk).",
        }
    ]
    assert data["alleen_gewenst"] == []
    items = {item["parameter"]: item for item in data["profiel"]["items"]}
    assert items["bron-ontmoeting"] == {
        "parameter": "bron-ontmoeting",
        "naam": "Ontmoeting",
        "nu": "1",
        "gewenst": "3",
        "notitie": "",
    }
    assert items["consensus-conflict"]["nu"] == "beide"
    assert items["bron-strijd"]["nu"] is None
    assert data["praktijken"]["dichtst_bij_gewenst"] == [
        {
            "slug": "sterke-ontmoeting",
            "titel": "Sterke ontmoeting",
            "url": "http://testserver/praktijken/sterke-ontmoeting/",
            "afstand": 0.0,
            "vergeleken": 1,
            "gevraagd": 1,
            "dichtbij": ["bron-ontmoeting"],
            "verschilt": [],
            "onbekend": [],
        }
    ]
    assert "concept" not in response.content.decode()


def test_the_data_names_the_items_given_only_a_desired_value(client, framework):
    response = client.get(
        f"{URL}?gewenst-consensus-conflict=1&bron-ontmoeting=1&gewenst-bron-strijd=2"
        "&gewenst-bron-ontmoeting=1&formaat=json"
    )
    data = json.loads(response.content)
    assert data["alleen_gewenst"] == ["bron-strijd", "consensus-conflict"]
    assert data["verschuivingen"] == []


def test_bad_input_as_data_is_a_400_naming_the_field(client, framework):
    response = client.get(f"{URL}?bron-ontmoeting=9&formaat=json")
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "fouten": {
            "bron-ontmoeting": [
                "Ontmoeting (nu): ‘9’ is geen van de mogelijke waarden; kies er een uit de lijst."
            ]
        }
    }
    empty = client.get(f"{URL}?formaat=json")
    assert empty.status_code == 400
    assert json.loads(empty.content) == {
        "fouten": {"__all__": ["Vul minstens één bron of spanningsveld in, nu of gewenst."]}
    }


def test_the_data_page_documents_the_result_as_data(client, framework):
    tree = parse(client.get(reverse("open-data")))
    section = "//section[@aria-labelledby='practice-title']"
    assert texts(tree, f"{section}/h2") == ["Waar staat uw praktijk? als data"]
    codes = texts(tree, f"{section}//code")
    for name in (
        "formaat=json",
        "gewenst-",
        "profiel",
        "verschuivingen",
        "alleen_gewenst",
        "afstand",
        "verschilt",
    ):
        assert name in codes, name
    assert URL in links(tree)


def test_the_result_takes_the_same_queries_for_4_and_10000_cases(client, framework, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = f"{URL}?{MOVING}&gewenst-bron-wederzijdse-afhankelijkheid=3"
    make_many_cases(4)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_many_cases(9996)
    assert Case.objects.published().count() == 10000
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    # The framework (3), the ranking, the shown cases with their codings (3).
    assert len(few) == len(many) == 7
    assert len(parse(response).xpath("//li[contains(@class,'near-case')]")) == 8
