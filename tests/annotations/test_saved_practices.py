"""Members keep a practice for their organisation, place it again later and see its trajectory;
nobody else sees or deletes it."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Membership
from annotations.practices import (
    PracticeError,
    PracticePlacement,
    SavedPractice,
    practice_placement_save,
)
from tests.conftest import logged_in
from tests.factories import make_member, make_user
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db

TOOL = "/uw-praktijk/"
SAVE = "/uw-praktijk/bewaren/"
LIST = "/uw-praktijk/bewaard/"

RESULT = (
    "naam=Buurtkeuken&domein=wonen&bron-ontmoeting=1&gewenst-bron-ontmoeting=3"
    "&notitie-bron-ontmoeting=Elke+dinsdag&consensus-conflict=-2"
    "&gewenst-consensus-conflict=beide&utm_source=nieuwsbrief"
)
# What a placement of RESULT keeps: the tool's parameters as they were, the name left to the
# practice, the unknown parameter left out.
RESULT_VALUES = {
    "domein": "wonen",
    "bron-ontmoeting": "1",
    "gewenst-bron-ontmoeting": "3",
    "notitie-bron-ontmoeting": "Elke dinsdag",
    "consensus-conflict": "-2",
    "gewenst-consensus-conflict": "beide",
}


def save_form(client, query=RESULT) -> dict:
    response = client.get(f"{TOOL}?{query}")
    assert response.status_code == 200
    return form_values(response, "practice-save-form")


def errors(response) -> list[str]:
    return texts(parse(response), "//div[contains(@class,'form-errors')]//li")


def keep(organisation, member, on: str, name="Buurtkeuken", **values) -> PracticePlacement:
    """A placement kept through the service, as the save page does."""
    practice = SavedPractice.objects.filter(organisation=organisation, name=name).first()
    return practice_placement_save(
        organisation=organisation,
        query=values or {"bron-ontmoeting": "1"},
        placed_on=datetime.date.fromisoformat(on),
        created_by=member,
        practice=practice,
        name=name,
    )


# --- saving ---------------------------------------------------------------------------------------


def test_a_member_saves_the_result_for_the_organisation_with_its_literal_parameters(
    framework, member_a, organisation_a
):
    client = logged_in(member_a)
    data = save_form(client)
    assert data["bewaren-bij"] == ""
    assert data["nieuwe-naam"] == "Buurtkeuken"
    data["datum"] = "2025-03-10"
    response = client.post(SAVE, data)
    practice = SavedPractice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/uw-praktijk/bewaard/{practice.pk}/"
    assert (practice.organisation, practice.name, practice.created_by) == (
        organisation_a,
        "Buurtkeuken",
        member_a,
    )
    placement = practice.placements.get()
    assert placement.placed_on == datetime.date(2025, 3, 10)
    assert placement.values == RESULT_VALUES
    assert placement.created_by == member_a
    page = client.get(response["Location"])
    assert texts(parse(page), "//p[contains(@class,'message')]") == [
        "Bewaard bij Buurtkeuken, met als datum 10 maart 2025."
    ]


def test_the_result_page_offers_saving_only_to_a_member(
    framework, member_a, member, reviewer, client
):
    tree = parse(logged_in(member_a).get(f"{TOOL}?{RESULT}"))
    assert texts(tree, "//section[contains(@class,'practice-save')]/h2") == [
        "Bewaar voor Samenlevingsopbouw Testwijk"
    ]
    form = tree.xpath("//form[@id='practice-save-form']")[0]
    assert form.get("method") == "post" and form.get("action") == SAVE
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert texts(form, ".//label") == [
        "Bewaren bij",
        "Naam van de nieuwe praktijk",
        "Datum van deze plaatsing",
    ]
    assert form.xpath(".//input[@name='datum']/@min") == ["2000-01-01"]
    for outsider in (logged_in(member), logged_in(reviewer)):
        assert not parse(outsider.get(f"{TOOL}?{RESULT}")).xpath("//form[@id='practice-save-form']")
    anonymous = client.get(f"{TOOL}?{RESULT}")
    assert not parse(anonymous).xpath("//form[@id='practice-save-form']")
    assert not anonymous.cookies  # no CSRF token for a visitor: the page stays cacheable


def test_placed_again_it_is_kept_with_the_same_practice(framework, member_a, organisation_a):
    first = keep(organisation_a, member_a, "2025-01-15", **RESULT_VALUES)
    client = logged_in(member_a)
    # "Plaats opnieuw" opens the tool with the practice's name: the practice is preselected.
    data = save_form(client, first.tool_query() + "&bron-ontmoeting=2")
    assert data["bewaren-bij"] == str(first.practice.pk)
    assert data["nieuwe-naam"] == ""
    assert data["datum"] == timezone.localdate().isoformat()
    response = client.post(SAVE, data)
    assert response.status_code == 302
    assert SavedPractice.objects.count() == 1
    assert [p.values["bron-ontmoeting"] for p in first.practice.placements.in_order()] == [
        "1",
        "2",
    ]


BAD = [
    (
        {"datum": "2999-01-01"},
        "Datum van deze plaatsing: Een datum in de toekomst kan niet.",
    ),
    (
        {"datum": "0001-01-01"},
        "Datum van deze plaatsing: Een datum vóór 1 januari 2000 kan niet.",
    ),
    (
        {"datum": "1999-12-31"},
        "Datum van deze plaatsing: Een datum vóór 1 januari 2000 kan niet.",
    ),
    ({"datum": "31-02-2025"}, "Datum van deze plaatsing: Geef een datum als dd-mm-jjjj."),
    ({"datum": ""}, "Datum van deze plaatsing: Geef een datum."),
    ({"nieuwe-naam": "  "}, "Naam van de nieuwe praktijk: Geef de nieuwe praktijk een naam."),
    (
        {"nieuwe-naam": "\u200b\u2060"},  # invisible characters only
        "Naam van de nieuwe praktijk: Geef de nieuwe praktijk een naam.",
    ),
    (
        {"nieuwe-naam": "n" * 121},
        "Naam van de nieuwe praktijk: hoogstens 120 tekens (nu 121).",
    ),
    (
        {"nieuwe-naam": "BUURTKEUKEN"},
        "Naam van de nieuwe praktijk: Uw organisatie bewaarde al een praktijk met deze naam; "
        "kies ze bij ‘Bewaren bij’ of geef een andere naam.",
    ),
    ({"bewaren-bij": "999999"}, "Bewaren bij: Kies een praktijk uit de lijst."),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_is_named_in_dutch_and_saves_nothing_and_keeps_what_was_typed(
    framework, member_a, organisation_a, change, message
):
    keep(organisation_a, member_a, "2025-01-15")  # "Buurtkeuken" exists
    client = logged_in(member_a)
    data = {**save_form(client, RESULT.replace("naam=Buurtkeuken", "naam=Tuin")), **change}
    response = client.post(SAVE, data)
    assert response.status_code == 200
    assert errors(response) == [message]
    assert PracticePlacement.objects.count() == 1
    assert SavedPractice.objects.count() == 1
    after = form_values(response, "practice-save-form")
    for name in ("nieuwe-naam", "datum"):
        assert after[name] == data[name], name
    # The placement itself is still there to save, and shown in words.
    assert {k: v for k, v in after.items() if k in RESULT_VALUES} == RESULT_VALUES
    rows = parse(response).xpath("//table[@class='practice-table']//tr[th[@scope='row']]")
    assert [texts(row, "./*") for row in rows] == [
        ["Ontmoeting", "zwak", "sterk"],
        ["Consensus – conflict", "sterk consensus", "houdt beide polen vast"],
    ]


def test_another_organisations_practice_cannot_be_chosen(
    framework, member_a, member_b, organisation_b
):
    theirs = keep(organisation_b, member_b, "2025-01-15", name="Van B")
    client = logged_in(member_a)
    data = {**save_form(client), "bewaren-bij": str(theirs.practice.pk)}
    assert str(theirs.practice.pk) not in parse(client.get(f"{TOOL}?{RESULT}")).xpath(
        "//select[@name='bewaren-bij']/option/@value"
    )
    response = client.post(SAVE, data)
    assert errors(response) == ["Bewaren bij: Kies een praktijk uit de lijst."]
    assert theirs.practice.placements.count() == 1


def test_an_altered_placement_is_refused_whole(framework, member_a):
    client = logged_in(member_a)
    data = {**save_form(client), "bron-ontmoeting": "9"}
    response = client.post(SAVE, data)
    assert response.status_code == 400
    assert (
        "Deze pagina is verouderd of onvolledig doorgestuurd"
        in texts(parse(response), "//div[@class='form-errors']")[0]
    )
    assert not SavedPractice.objects.exists()


def test_a_refused_placement_promises_nothing_and_loses_nothing_typed(
    framework, member_a, organisation_a
):
    keep(organisation_a, member_a, "2025-01-15", name="Taalcafé")
    client = logged_in(member_a)
    data = {**save_form(client), "bron-ontmoeting": "9", "datum": "2025-03-10"}
    data["nieuwe-naam"] = "Buurtkeuken <b>dinsdag</b>"
    page = parse(client.post(SAVE, data))
    message = texts(page, "//div[@class='form-errors']")[0]
    assert "niets is bewaard" in message
    assert "hieronder nog" not in message  # no form stands below to find it in
    # What the member typed is on the page, escaped.
    typed = "//section[@class='practice-save-typed']//"
    assert texts(page, typed + "dt") == ["Naam van de nieuwe praktijk", "Datum van deze plaatsing"]
    assert texts(page, typed + "dd") == ["Buurtkeuken <b>dinsdag</b>", "2025-03-10"]
    assert not page.xpath("//main//b")
    # Back to the result with every value that is still sound, not to an empty tool.
    links = page.xpath("//main//a[.='Terug naar de uitkomst']/@href")
    assert links == [
        "/uw-praktijk/?naam=Buurtkeuken&domein=wonen&gewenst-bron-ontmoeting=3"
        "&notitie-bron-ontmoeting=Elke+dinsdag&consensus-conflict=-2"
        "&gewenst-consensus-conflict=beide"
    ]
    # An existing practice chosen is named too.
    chosen = {**data, "bewaren-bij": str(SavedPractice.objects.get().pk), "nieuwe-naam": ""}
    page = parse(client.post(SAVE, chosen))
    assert texts(page, typed + "dd") == ["Taalcafé", "2025-03-10"]
    assert PracticePlacement.objects.count() == 1


def test_a_refused_placement_with_nothing_to_go_back_to_promises_no_result(framework, member_a):
    client = logged_in(member_a)
    sent = {
        name: value
        for name, value in save_form(client).items()
        if name in ("csrfmiddlewaretoken", "datum", "nieuwe-naam")
    }
    for extra, back in (
        ({}, "/uw-praktijk/"),
        # A name (or a note) alone is no result: the tool would ask for an item.
        ({"naam": "Buurtkeuken"}, "/uw-praktijk/?naam=Buurtkeuken"),
    ):
        page = parse(client.post(SAVE, {**sent, "nieuwe-naam": "Buurtkeuken", **extra}))
        assert texts(page, "//div[@class='form-errors']") == [
            "Deze pagina is verouderd of onvolledig doorgestuurd; niets is bewaard. Vul het "
            "hulpmiddel opnieuw in en bewaar de uitkomst nog eens."
        ], extra
        assert page.xpath("//main//a[.='Terug naar Waar staat uw praktijk?']/@href") == [back]
    assert not PracticePlacement.objects.exists()


def test_only_members_may_save_and_only_by_post(framework, member, member_a, client):
    data = save_form(logged_in(member_a))
    assert logged_in(member).post(SAVE, data).status_code == 403
    anonymous = client.post(SAVE, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/aanmelden/")
    assert logged_in(member_a).get(SAVE).status_code == 405
    assert not SavedPractice.objects.exists()


def test_the_service_refuses_a_date_out_of_range_and_another_organisations_practice(
    framework, member_a, organisation_a, organisation_b, member_b
):
    theirs = keep(organisation_b, member_b, "2025-01-15", name="Van B")
    with pytest.raises(PracticeError, match="Deze praktijk hoort niet bij uw organisatie."):
        practice_placement_save(
            organisation=organisation_a,
            query={"bron-ontmoeting": "1"},
            placed_on=datetime.date(2025, 2, 1),
            created_by=member_a,
            practice=theirs.practice,
        )
    with pytest.raises(PracticeError, match="Een datum in de toekomst kan niet."):
        keep(organisation_a, member_a, "2999-01-01")
    with pytest.raises(PracticeError, match="Een datum vóór 1 januari 2000 kan niet."):
        keep(organisation_a, member_a, "0001-01-01")
    keep(organisation_a, member_a, "2000-01-01")  # the first day that is allowed
    assert PracticePlacement.objects.count() == 2


# --- who sees it ----------------------------------------------------------------------------------


@pytest.fixture
def kept(framework, organisation_a, member_a) -> PracticePlacement:
    return keep(organisation_a, member_a, "2025-01-15", **RESULT_VALUES)


def test_every_member_of_the_organisation_sees_it(kept, organisation_a):
    colleague = make_member(organisation_a, username="collega")
    client = logged_in(colleague)
    assert texts(parse(client.get(LIST)), "//h2[@class='saved-practice__name']") == ["Buurtkeuken"]
    assert client.get(kept.practice.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["member_b", "member", "reviewer", "staff_without_role"])
def test_outsiders_neither_see_nor_delete_it(kept, who, request):
    client = logged_in(request.getfixturevalue(who))
    practice = kept.practice
    assert "Buurtkeuken" not in client.get(LIST).content.decode()
    # The practice's page is only read: a POST is refused before anything is looked up.
    for url, posted in (
        (practice.get_absolute_url(), 405),
        (f"/uw-praktijk/bewaard/{practice.pk}/verwijderen/", 404),
        (f"/uw-praktijk/bewaard/plaatsing/{kept.pk}/verwijderen/", 404),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == posted, url
    assert PracticePlacement.objects.filter(pk=kept.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(kept, client):
    practice = kept.practice
    for url in (
        LIST,
        practice.get_absolute_url(),
        f"/uw-praktijk/bewaard/{practice.pk}/verwijderen/",
        f"/uw-praktijk/bewaard/plaatsing/{kept.pk}/verwijderen/",
    ):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/account/aanmelden/?next="), url
    assert PracticePlacement.objects.filter(pk=kept.pk).exists()


def test_a_former_member_or_inactive_account_loses_sight_of_it(kept, member_a):
    client = logged_in(member_a)
    member_a.is_active = False
    member_a.save()
    assert SavedPractice.objects.visible_to(member_a).count() == 0
    member_a.is_active = True
    member_a.save()
    Membership.objects.filter(user=member_a).delete()
    assert client.get(kept.practice.get_absolute_url()).status_code == 404


def test_the_account_menu_links_members_to_their_saved_practices(framework, member_a, reviewer):
    menu = "//ul[@class='account__menu']//a"
    assert "Bewaarde praktijken" in texts(parse(logged_in(member_a).get("/")), menu)
    assert LIST in parse(logged_in(member_a).get("/")).xpath(menu + "/@href")
    assert "Bewaarde praktijken" not in texts(parse(logged_in(reviewer).get("/")), menu)


# --- the trajectory -------------------------------------------------------------------------------


def test_the_trajectory_runs_from_first_to_latest_by_date(framework, organisation_a, member_a):
    # Kept out of order: the trajectory follows the dates the member gave.
    keep(organisation_a, member_a, "2025-06-01", **{"bron-ontmoeting": "3", "gewenst-bron-ontmoeting": "3", "consensus-conflict": "beide"})  # fmt: skip
    keep(organisation_a, member_a, "2025-01-15", **{"bron-ontmoeting": "1", "gewenst-bron-ontmoeting": "3", "consensus-conflict": "-2", "gewenst-consensus-conflict": "1"})  # fmt: skip
    keep(organisation_a, member_a, "2025-03-10", **{"bron-ontmoeting": "2"})
    practice = SavedPractice.objects.get()
    tree = parse(logged_in(member_a).get(practice.get_absolute_url()))
    assert texts(tree, "//h1") == ["Buurtkeuken"]
    assert texts(tree, "//p[contains(@class,'trajectory-summary')]") == [
        "3 plaatsingen: de eerste op 15 januari 2025, de laatste op 1 juni 2025."
    ]
    meeting = "//div[@id='traject-bron-ontmoeting']"
    assert texts(tree, meeting + "//p[@class='trajectory__when']") == [
        "eerste plaatsing, 15 januari 2025",
        "tussentijdse plaatsing, 10 maart 2025",
        "laatste plaatsing, 1 juni 2025",
    ]
    assert texts(tree, meeting + "//p[@class='trajectory__words']") == [
        "nu: zwak; gewenst: sterk",
        "nu: matig; gewenst: weet ik niet",
        "nu: sterk; gewenst: sterk",
    ]
    # A source is drawn on its four strengths, a field on its five steps.
    steps = tree.xpath(meeting + "//li[@class='trajectory__step'][1]//li")
    assert [s.get("class").split()[1:] for s in steps] == [[], ["is-now"], ["is-between"], ["is-desired"]]  # fmt: skip
    field = "//div[@id='traject-consensus-conflict']"
    assert texts(tree, field + "//p[@class='trajectory__words']") == [
        "nu: sterk consensus; gewenst: eerder conflict",
        "nu: weet ik niet; gewenst: weet ik niet",
        "nu: houdt beide polen vast; gewenst: weet ik niet",
    ]
    assert tree.xpath(field + "//li[@class='trajectory__step'][3]//div[contains(@class,'practice-spectrum--both-now')]")  # fmt: skip
    # The drawings are for the eye; the words beside them say the same.
    assert all(d.get("aria-hidden") == "true" for d in tree.xpath("//div[contains(@class,'trajectory__spectrum')]"))  # fmt: skip
    # Only the items some placement answered are drawn; the others are named once.
    assert texts(tree, "//div[@class='trajectory-item']/h3") == [
        "Ontmoeting",
        "Consensus – conflict",
    ]
    assert texts(tree, "//p[contains(@class,'trajectory-unanswered')]") == [
        "Bij geen enkele plaatsing ingevuld: Wederzijdse afhankelijkheid, Gedeelde normen en "
        "waarden, Strijd, Universeel – particularistisch, Economisch – cultureel, Integratie – "
        "transformatie, Afstand – nabijheid, Onderhandelbaar – niet onderhandelbaar."
    ]


def test_the_trajectory_shows_each_placements_notes_escaped(framework, organisation_a, member_a):
    keep(organisation_a, member_a, "2025-01-15", **{"bron-ontmoeting": "1", "notitie-bron-ontmoeting": "Elke <b>dinsdag</b> koken"})  # fmt: skip
    keep(organisation_a, member_a, "2025-03-10", **{"bron-ontmoeting": "2"})
    # A note on an item without a value is read too.
    keep(organisation_a, member_a, "2025-06-01", **{"bron-ontmoeting": "2", "notitie-bron-strijd": "Nog te bespreken"})  # fmt: skip
    practice = SavedPractice.objects.get()
    tree = parse(logged_in(member_a).get(practice.get_absolute_url()))
    meeting = "//div[@id='traject-bron-ontmoeting']//li[@class='trajectory__step']"
    assert [texts(step, ".//p[@class='trajectory__note']") for step in tree.xpath(meeting)] == [
        ["notitie: Elke <b>dinsdag</b> koken"],
        [],
        [],
    ]
    assert not tree.xpath("//main//b")
    struggle = "//div[@id='traject-bron-strijd']//li[@class='trajectory__step']"
    assert [texts(step, ".//p[@class='trajectory__note']") for step in tree.xpath(struggle)] == [
        [],
        [],
        ["notitie: Nog te bespreken"],
    ]


def test_each_placement_opens_in_the_tool_and_placing_again_starts_from_the_latest(
    framework, organisation_a, member_a
):
    keep(organisation_a, member_a, "2025-01-15", **{"bron-ontmoeting": "1"})
    keep(organisation_a, member_a, "2025-03-10", **{"bron-ontmoeting": "2", "notitie-bron-ontmoeting": "Nu & straks"})  # fmt: skip
    practice = SavedPractice.objects.get()
    tree = parse(logged_in(member_a).get(practice.get_absolute_url()))
    assert tree.xpath("//a[.='Plaats opnieuw']/@href") == [
        "/uw-praktijk/?naam=Buurtkeuken&bron-ontmoeting=2&notitie-bron-ontmoeting=Nu+%26+straks#form-title"
    ]
    assert tree.xpath("//ol[@class='placement-list']//a[starts-with(.,'Openen')]/@href") == [
        "/uw-praktijk/?naam=Buurtkeuken&bron-ontmoeting=1",
        "/uw-praktijk/?naam=Buurtkeuken&bron-ontmoeting=2&notitie-bron-ontmoeting=Nu+%26+straks",
    ]
    assert texts(tree, "//p[@class='placement-list__when']") == [
        "15 januari 2025 · geplaatst door Amal Auteur",
        "10 maart 2025 · geplaatst door Amal Auteur",
    ]


def test_the_list_shows_each_practice_with_its_dates(framework, organisation_a, member_a):
    keep(organisation_a, member_a, "2025-01-15")
    keep(organisation_a, member_a, "2025-06-01")
    keep(organisation_a, member_a, "2024-11-02", name="Taalcafé")
    tree = parse(logged_in(member_a).get(LIST))
    assert texts(tree, "//li[contains(@class,'saved-practice')]") == [
        "Buurtkeuken 2 plaatsingen, van 15 januari 2025 tot 1 juni 2025",
        "Taalcafé één plaatsing, op 2 november 2024",
    ]


# --- deleting -------------------------------------------------------------------------------------


def test_deleting_a_placement_asks_first_then_keeps_the_others(framework, organisation_a, member_a):
    first = keep(organisation_a, member_a, "2025-01-15")
    keep(organisation_a, member_a, "2025-03-10")
    client = logged_in(member_a)
    url = f"/uw-praktijk/bewaard/plaatsing/{first.pk}/verwijderen/"
    confirm = parse(client.get(url))
    assert texts(confirm, "//h1") == ["Plaatsing verwijderen?"]
    assert confirm.xpath("//main//form[@method='post']//input[@name='csrfmiddlewaretoken']")
    assert PracticePlacement.objects.count() == 2
    response = client.post(url)
    assert response["Location"] == first.practice.get_absolute_url()
    assert list(PracticePlacement.objects.values_list("placed_on", flat=True)) == [
        datetime.date(2025, 3, 10)
    ]
    # Again: it is gone.
    assert client.post(url).status_code == 404


def test_deleting_the_last_placement_deletes_the_practice(framework, organisation_a, member_a):
    only = keep(organisation_a, member_a, "2025-01-15")
    client = logged_in(member_a)
    url = f"/uw-praktijk/bewaard/plaatsing/{only.pk}/verwijderen/"
    assert texts(parse(client.get(url)), "//main//p")[0] == (
        "De plaatsing van Buurtkeuken op 15 januari 2025 verdwijnt voor alle leden van uw "
        "organisatie. Het is de enige plaatsing: de praktijk verdwijnt mee."
    )
    response = client.post(url)
    assert response["Location"] == LIST
    assert not SavedPractice.objects.exists()


def test_deleting_a_practice_deletes_its_placements(framework, organisation_a, member_a):
    keep(organisation_a, member_a, "2025-01-15")
    keep(organisation_a, member_a, "2025-03-10")
    keep(organisation_a, member_a, "2025-03-10", name="Taalcafé")
    practice = SavedPractice.objects.get(name="Buurtkeuken")
    client = logged_in(member_a)
    url = f"/uw-praktijk/bewaard/{practice.pk}/verwijderen/"
    assert texts(parse(client.get(url)), "//h1") == ["Praktijk verwijderen?"]
    assert client.post(url)["Location"] == LIST
    assert list(SavedPractice.objects.values_list("name", flat=True)) == ["Taalcafé"]
    assert PracticePlacement.objects.count() == 1


# --- query counts ---------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    cache.clear()  # made afresh each time: kept results would hide what the rows cost
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_stay_flat_for_1_and_20_placements(framework, organisation_a, member_a):
    client = logged_in(member_a)
    keep(organisation_a, member_a, "2024-01-01", **RESULT_VALUES)
    practice = SavedPractice.objects.get()
    urls = {"trajectory": practice.get_absolute_url(), "list": LIST, "tool": f"{TOOL}?{RESULT}"}
    few = {name: count_queries(client, url) for name, url in urls.items()}
    start = datetime.date(2024, 1, 2)
    for day in range(19):
        keep(organisation_a, member_a, str(start + datetime.timedelta(days=day)), **RESULT_VALUES)
        keep(organisation_a, member_a, "2024-01-01", name=f"Praktijk {day}")
    assert practice.placements.count() == 20
    many = {name: count_queries(client, url) for name, url in urls.items()}
    assert many == few
    assert all(n <= 15 for n in many.values()), many


def test_a_non_member_sees_an_empty_list_that_says_why(framework):
    tree = parse(logged_in(make_user("los")).get(LIST))
    assert texts(tree, "//p[@class='notice']") == [
        "Uw account hoort niet bij een partnerorganisatie; u kunt geen praktijken bewaren."
    ]
