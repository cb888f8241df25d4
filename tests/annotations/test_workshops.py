"""Workshops: participants answer anonymously, the facilitator sees only the group, closing keeps
only the counts, sessions expire and are purged, and nothing reaches anyone outside the
organisation."""

import time
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from annotations import workshop_sessions as sessions
from annotations import workshop_views
from annotations.workshop_tally import median, spread
from annotations.workshops import CODE_ALPHABET, Workshop, WorkshopAnswer, new_code
from cases.models import Case
from cases.practice_profile import Placement
from tests.annotations.test_limits import all_at_once, http_get, http_post
from tests.conftest import logged_in
from tests.factories import ensure_framework, make_case, make_member
from tests.html import parse, texts

# The framework's sources and fields, which the pages show: asked for, not assumed (a
# transactional test before this one on the same worker empties the tables).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("framework")]

# Three answers whose counts the tests write out.
ANSWERS = [
    {"bron-strijd": "0", "gewenst-bron-strijd": "2", "consensus-conflict": "-2"},
    {"bron-strijd": "0", "gewenst-bron-strijd": "3", "consensus-conflict": "0"},
    {"bron-strijd": "1", "gewenst-bron-strijd": "3", "consensus-conflict": "beide"},
]


def opened(member, **fields) -> Workshop:
    workshop = sessions.open_workshop(user=member, title=fields.pop("title", ""))
    if fields:
        Workshop.objects.filter(pk=workshop.pk).update(**fields)
        workshop.refresh_from_db()
    return workshop


def answered(workshop, answers=ANSWERS) -> None:
    for values in answers:
        sessions.submit_answer(workshop=workshop, values=values)


def table(page, section: str) -> list[list[str]]:
    """A section's table as its cells, row by row."""
    return [texts(row, "./*") for row in page.xpath(f"{section}//tbody/tr")]


def join_url(workshop) -> str:
    return f"/werkvorm/{workshop.code}/"


# --- codes ---------------------------------------------------------------------------------------


def test_codes_are_six_characters_that_cannot_be_misread():
    assert CODE_ALPHABET == "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    codes = [new_code() for _ in range(2000)]
    assert {len(code) for code in codes} == {6}
    used = set("".join(codes))
    assert used <= set(CODE_ALPHABET)
    assert not used & set("0O1IL")


def test_each_session_gets_its_own_code(member_a):
    codes = {opened(member_a).code for _ in range(40)}
    assert len(codes) == 40


# --- opening -------------------------------------------------------------------------------------


def test_a_member_opens_a_session_for_their_organisation(member_a, organisation_a):
    client = logged_in(member_a)
    assert client.get("/werkvorm/nieuw/").status_code == 200
    response = client.post("/werkvorm/nieuw/", {"title": "Buurtrestaurant"})
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/werkvorm/{workshop.code}/scherm/"
    assert (workshop.organisation, workshop.opened_by, workshop.title, workshop.status) == (
        organisation_a,
        member_a,
        "Buurtrestaurant",
        "open",
    )
    assert workshop.expires_at - workshop.opened_at == timedelta(hours=12)


def test_a_too_long_name_is_named_and_opens_nothing(member_a):
    response = logged_in(member_a).post("/werkvorm/nieuw/", {"title": "x" * 121})
    assert response.status_code == 400
    assert texts(parse(response), "//div[contains(@class,'form-errors')]//li") == [
        "Naam van de praktijk (niet verplicht): hoogstens 120 tekens (nu 121)."
    ]
    assert Workshop.objects.count() == 0


def test_only_members_open_sessions(member, reviewer, client):
    assert logged_in(member).post("/werkvorm/nieuw/", {"title": "x"}).status_code == 403
    assert logged_in(reviewer).get("/werkvorm/nieuw/").status_code == 403
    response = client.get("/werkvorm/nieuw/")
    assert response.status_code == 302 and response["Location"].startswith("/account/aanmelden/")
    assert Workshop.objects.count() == 0


# --- participants ---------------------------------------------------------------------------------


def test_a_participant_answers_without_an_account_and_nothing_says_who(member_a):
    workshop = opened(member_a)
    client = Client()
    page = parse(client.get(join_url(workshop)))
    assert len(page.xpath("//fieldset[contains(@class,'practice-item')]")) == 10
    # Only values: no name, domain or notes to fill in.
    assert (
        page.xpath("//form//textarea | //form//*[@name='naam'] | //form//*[@name='domein']") == []
    )
    response = client.post(
        join_url(workshop),
        {"bron-ontmoeting": "1", "gewenst-bron-ontmoeting": "3", "afstand-nabijheid": "beide"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/werkvorm/{workshop.code}/?bewaard=1"
    answer = WorkshopAnswer.objects.get()
    assert answer.values == {
        "bron-ontmoeting": "1",
        "gewenst-bron-ontmoeting": "3",
        "afstand-nabijheid": "beide",
    }
    # The answer row holds nothing that names a person, an address or a session: the values,
    # and the random key of the form they came from (below).
    assert [f.name for f in WorkshopAnswer._meta.get_fields()] == [
        "id",
        "workshop",
        "values",
        "form_key",
    ]
    thanks = client.get(response["Location"])
    assert "Dank u, uw antwoord is bewaard." in thanks.content.decode()
    assert thanks["Cache-Control"].startswith("max-age=0") or "no-cache" in thanks["Cache-Control"]


def test_a_participant_changes_their_own_answer_and_no_one_else_can(member_a):
    workshop = opened(member_a)
    mine, other = Client(), Client()
    mine.post(join_url(workshop), {"bron-strijd": "1"})
    other.post(join_url(workshop), {"bron-strijd": "3"})
    mine.post(join_url(workshop), {"bron-strijd": "2", "gewenst-bron-strijd": "0"})
    assert sorted(WorkshopAnswer.objects.values_list("values", flat=True), key=str) == [
        {"bron-strijd": "2", "gewenst-bron-strijd": "0"},
        {"bron-strijd": "3"},
    ]
    # Their own answer comes back in the form.
    page = parse(mine.get(join_url(workshop)))
    assert page.xpath("//select[@name='bron-strijd']/option[@selected]/@value") == ["2"]
    # A forged cookie is not theirs: a new answer, not someone else's changed.
    forged = Client()
    forged.cookies[f"werkvorm-antwoord-{workshop.code}"] = str(WorkshopAnswer.objects.first().pk)
    forged.post(join_url(workshop), {"bron-strijd": "0"})
    assert WorkshopAnswer.objects.count() == 3


def form_key(page) -> str:
    (key,) = page.xpath("//form//input[@type='hidden'][@name='formulier']/@value")
    return key


def test_a_first_answer_sent_twice_from_one_form_is_one_answer(member_a):
    """A double click, or a slow network's second try, sends the first answer again before the
    participant's cookie came back: it replaces the first, as their later answers do."""
    workshop = opened(member_a)
    first, second = Client(), Client()  # no cookie between them, as in two requests in flight
    key = form_key(parse(first.get(join_url(workshop))))
    assert first.post(join_url(workshop), {"formulier": key, "bron-strijd": "1"}).status_code == 302
    response = second.post(join_url(workshop), {"formulier": key, "bron-strijd": "2"})
    assert response.status_code == 302
    answer = WorkshopAnswer.objects.get()
    assert answer.values == {"bron-strijd": "2"}
    # The second response gives the same answer to the participant's cookie.
    assert response.cookies[f"werkvorm-antwoord-{workshop.code}"].value.startswith(f"{answer.pk}:")


def test_each_drawing_of_the_form_is_another_participant(member_a):
    workshop = opened(member_a)
    keys = [form_key(parse(Client().get(join_url(workshop)))) for _ in range(3)]
    assert len(set(keys)) == 3
    assert [len(key) for key in keys] == [22, 22, 22]
    for key in keys:
        Client().post(join_url(workshop), {"formulier": key, "bron-strijd": "1"})
    assert WorkshopAnswer.objects.count() == 3
    # A form that comes back with an error keeps its key, so sending it right counts once.
    page = parse(Client().post(join_url(workshop), {"formulier": keys[0], "bron-strijd": "9"}))
    assert form_key(page) == keys[0]


@pytest.mark.parametrize("key", ["", "kort", "x" * 23, "<script>" + "a" * 14, "a b" * 7 + "c"])
def test_a_key_not_drawn_by_the_form_is_no_key(member_a, key):
    """Not an error the participant could do anything about: the answer is stored as new."""
    workshop = opened(member_a)
    for _ in range(2):
        response = Client().post(join_url(workshop), {"formulier": key, "bron-strijd": "1"})
        assert response.status_code == 302
    assert list(WorkshopAnswer.objects.values_list("form_key", flat=True)) == ["", ""]


def test_the_answer_stays_the_participants_in_every_language(member_a):
    """The cookie holds for the whole site (a browser would not send one made for
    /fr/werkvorm/CODE/ to /werkvorm/CODE/): switching language changes the same answer."""
    workshop = opened(member_a)
    client = Client()
    response = client.post("/fr" + join_url(workshop), {"bron-strijd": "1"})
    cookie = response.cookies[f"werkvorm-antwoord-{workshop.code}"]
    assert (cookie["path"], cookie["httponly"], cookie["samesite"]) == ("/", True, "Lax")
    client.post(join_url(workshop), {"bron-strijd": "2"})
    assert list(WorkshopAnswer.objects.values_list("values", flat=True)) == [{"bron-strijd": "2"}]


def test_bad_input_is_named_in_dutch_and_nothing_is_lost(member_a):
    workshop = opened(member_a)
    response = Client().post(
        join_url(workshop),
        {"bron-strijd": "9", "gewenst-bron-strijd": "2", "onbekend": "x"},
    )
    assert response.status_code == 400
    page = parse(response)
    assert texts(page, "//div[contains(@class,'form-errors')]//li") == [
        "Strijd (nu): ‘9’ is geen van de mogelijke waarden; kies er een uit de lijst."
    ]
    assert page.xpath("//select[@name='gewenst-bron-strijd']/option[@selected]/@value") == ["2"]
    empty = Client().post(join_url(workshop), {})
    assert empty.status_code == 400
    assert texts(parse(empty), "//div[contains(@class,'form-errors')]//li") == [
        "Vul minstens één bron of spanningsveld in, nu of gewenst."
    ]
    assert WorkshopAnswer.objects.count() == 0


def test_a_full_session_says_so_and_keeps_what_was_typed(member_a, settings):
    settings.WORKSHOP_MAX_PARTICIPANTS = 2
    workshop = opened(member_a)
    answered(workshop, ANSWERS[:2])
    response = Client().post(join_url(workshop), {"bron-strijd": "3"})
    assert response.status_code == 409
    page = parse(response)
    assert "Deze sessie is vol" in response.content.decode()
    assert page.xpath("//select[@name='bron-strijd']/option[@selected]/@value") == ["3"]
    assert WorkshopAnswer.objects.count() == 2


def test_closed_expired_and_unknown_sessions_say_so(member_a):
    closed = opened(member_a)
    sessions.close_workshop(workshop=closed)
    expired = opened(member_a, expires_at=timezone.now() - timedelta(minutes=1))
    for workshop in (closed, expired):
        for response in (
            Client().get(join_url(workshop)),
            Client().post(join_url(workshop), {"bron-strijd": "1"}),
        ):
            assert response.status_code == 410
            assert texts(parse(response), "//h1") == ["Deze werkvorm is gesloten"]
    assert WorkshopAnswer.objects.count() == 0


@pytest.mark.parametrize(("link", "said"), [("ABCDEF", "ABCDEF"), ("%25", "%")])
def test_a_link_with_a_code_no_session_has_asks_for_the_code_again(member_a, link, said):
    """A mistyped link, or one to a session long gone, is the page to type the code on, naming
    it, not the site's page-not-found."""
    response = Client().get(f"/werkvorm/{link}/")
    assert response.status_code == 404
    page = parse(response)
    assert texts(page, "//div[@role='alert']") == [
        f"Code: Er is geen werkvorm met de code ‘{said}’. Kijk de code op het scherm na."
    ]
    assert page.xpath("//input[@name='code']/@value") == [said]


def test_the_code_can_be_typed_loosely(member_a):
    workshop = opened(member_a)
    typed = workshop.code.lower()[:3] + " " + workshop.code.lower()[3:]
    response = Client().get("/werkvorm/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == join_url(workshop)
    wrong = Client().get("/werkvorm/", {"code": "zz"})
    assert wrong.status_code == 404
    assert texts(parse(wrong), "//div[@role='alert']") == [
        "Code: Er is geen werkvorm met de code ‘zz’. Kijk de code op het scherm na."
    ]


def other_code(workshop) -> str:
    """A code of the right form that no session has."""
    code = workshop.code
    while code == workshop.code:
        code = new_code()
    return code


def test_a_way_into_a_session_older_than_a_session_is_open_is_no_longer_one(
    member_a, settings, monkeypatch
):
    """A page or an answer's cookie kept from a session long gone (its code drawn again for
    another) does not pass the limit on wrong codes."""
    settings.WORKSHOP_WRONG_CODES_PER_HOUR = 1
    workshop = opened(member_a)
    late = time.time() - (settings.WORKSHOP_OPEN_HOURS * 3600 + 60)
    on_time = time.time() - (settings.WORKSHOP_OPEN_HOURS * 3600 - 60)
    kept = {}
    for when, moment in (("late", late), ("on time", on_time)):
        monkeypatch.setattr(signing.time, "time", lambda moment=moment: moment)
        participant = Client(REMOTE_ADDR="192.0.2.9")
        access = parse(participant.get(join_url(workshop))).xpath("//input[@name='toegang']/@value")
        answered = Client(REMOTE_ADDR="192.0.2.9")
        assert answered.post(join_url(workshop), {"bron-strijd": "1"}).status_code == 302
        kept[when] = (participant, access[0], answered)
        monkeypatch.undo()
    guesser = Client(REMOTE_ADDR="192.0.2.9")
    assert guesser.get("/werkvorm/", {"code": other_code(workshop)}).status_code == 404
    statuses = {
        when: [
            participant.post(
                join_url(workshop), {"bron-strijd": "2", "toegang": access}
            ).status_code,
            answered.get(join_url(workshop)).status_code,
        ]
        for when, (participant, access, answered) in kept.items()
    }
    assert statuses == {"late": [429, 429], "on time": [302, 200]}


def test_an_access_field_signed_before_it_carried_a_time_is_no_way_in_and_no_error(member_a):
    """A page loaded before an upgrade carries the code signed without a time: the answer is
    looked up as anyone's, not a 500."""
    workshop = opened(member_a)
    old = signing.Signer(salt=workshop_views.ACCESS_SALT).sign(workshop.code)
    response = Client().post(join_url(workshop), {"bron-strijd": "1", "toegang": old})
    assert response.status_code == 302
    assert WorkshopAnswer.objects.filter(workshop=workshop).count() == 1


def test_wrong_codes_from_one_address_are_limited_and_then_the_right_one_too(member_a, settings):
    """Guessing codes: after the hour's wrong codes from one address nothing is looked up for
    it, the right code no more than a wrong one (else the refusal would tell them apart)."""
    settings.WORKSHOP_WRONG_CODES_PER_HOUR = 3
    workshop = opened(member_a)
    # Two participants in the room, behind the guesser's address: one has answered, the other
    # has the form open.
    answered_before = Client(REMOTE_ADDR="192.0.2.7")
    assert answered_before.post(join_url(workshop), {"bron-strijd": "1"}).status_code == 302
    form_open = Client(REMOTE_ADDR="192.0.2.7")
    access = parse(form_open.get(join_url(workshop))).xpath("//input[@name='toegang']/@value")
    guesser = Client(REMOTE_ADDR="192.0.2.7")
    for _n in range(3):
        assert guesser.get("/werkvorm/", {"code": other_code(workshop)}).status_code == 404
    for refused in (
        guesser.get("/werkvorm/", {"code": workshop.code}),
        guesser.get(join_url(workshop)),
        guesser.post(join_url(workshop), {"bron-strijd": "1"}),
    ):
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        assert texts(parse(refused), "//div[@role='alert']") == [
            "Code: Vanaf dit adres werden in het afgelopen uur te veel codes getypt die niet "
            "bestaan. Probeer het over een uur opnieuw, of vraag de begeleider om de link."
        ]
    assert WorkshopAnswer.objects.count() == 1
    # Those already in the session keep answering; a forged access field is no access.
    assert answered_before.get(join_url(workshop)).status_code == 200
    assert answered_before.post(join_url(workshop), {"bron-strijd": "2"}).status_code == 302
    assert (
        form_open.post(join_url(workshop), {"bron-strijd": "3", "toegang": access}).status_code
        == 302
    )
    forged = f"{workshop.code}:{'x' * 27}"
    assert (
        guesser.post(join_url(workshop), {"bron-strijd": "1", "toegang": forged}).status_code == 429
    )
    assert WorkshopAnswer.objects.count() == 2
    # Another address (another room) gets in; right codes do not count against an address.
    # (An IPv6 client is counted by its /64: tests/site/test_client_address.py.)
    room = Client(REMOTE_ADDR="192.0.2.8")
    for _n in range(5):
        assert room.get("/werkvorm/", {"code": workshop.code}).status_code == 302
        assert room.get(join_url(workshop)).status_code == 200
    assert room.get("/werkvorm/", {"code": other_code(workshop)}).status_code == 404


# --- the group, counted ----------------------------------------------------------------------------


def test_with_fewer_than_three_answers_no_distribution_is_shown(member_a):
    workshop = opened(member_a)
    answered(workshop, ANSWERS[:2])
    page = parse(logged_in(member_a).get(f"/werkvorm/{workshop.code}/scherm/"))
    assert texts(page, "//p[@class='workshop-waiting']") == [
        "Nog 1 antwoord, vanaf 3 ziet u de verdeling."
    ]
    assert page.xpath("//*[contains(@class,'dotplot')] | //table") == []


def test_the_screen_shows_the_counts_and_the_spread_in_words(member_a):
    workshop = opened(member_a)
    answered(workshop)
    page = parse(logged_in(member_a).get(f"/werkvorm/{workshop.code}/scherm/"))
    assert texts(page, "//p[@class='workshop-count']") == ["3 antwoorden"]
    strijd = "//section[@aria-labelledby='verdeling-bron-strijd']"
    assert table(page, strijd) == [
        ["afwezig", "2", "0"],
        ["zwak", "1", "0"],
        ["matig", "0", "1"],
        ["sterk", "0", "2"],
        ["weet ik niet", "0", "0"],
    ]
    assert texts(page, f"{strijd}//p[@class='workshop-item__spread']") == [
        "Nu: verdeeld over 2 stappen. Gewenst: verdeeld over 2 stappen."
    ]
    # One dot per answer, now and desired.
    assert len(page.xpath(f"{strijd}//span[contains(@class,'answer-dot--now')]")) == 3
    assert len(page.xpath(f"{strijd}//span[contains(@class,'answer-dot--desired')]")) == 3
    field = "//section[@aria-labelledby='verdeling-consensus-conflict']"
    assert texts(page, f"{field}//p[@class='workshop-item__spread']") == [
        "Nu: verdeeld over 3 stappen, 1 houdt beide polen vast. Gewenst: niemand vulde dit in."
    ]


def test_an_item_only_one_participant_answered_is_not_called_unanimous(member_a):
    workshop = opened(member_a)
    answered(workshop, [{"bron-strijd": "0"}, {"bron-strijd": "0"}, {"bron-ontmoeting": "2"}])
    page = parse(logged_in(member_a).get(f"/werkvorm/{workshop.code}/scherm/"))
    spreads = "//section[@aria-labelledby='verdeling-{}']//p[@class='workshop-item__spread']"
    assert texts(page, spreads.format("bron-ontmoeting")) == [
        "Nu: één antwoord. Gewenst: niemand vulde dit in."
    ]
    assert texts(page, spreads.format("bron-strijd")) == [
        "Nu: eensgezind. Gewenst: niemand vulde dit in."
    ]
    assert spread({"1": 1}) == "één antwoord"


def test_the_screen_moves_on_only_after_three_different_answers_changed(member_a):
    """No single answer can be read off a change on the screen, not even one saved three times."""
    workshop = opened(member_a)
    answered(workshop)
    screen = logged_in(member_a)
    strijd = "//section[@aria-labelledby='verdeling-bron-strijd']"

    def strijd_now() -> list[str]:
        page = parse(screen.get(f"/werkvorm/{workshop.code}/scherm/verdeling/"))
        return [row[1] for row in table(page, strijd)]

    assert strijd_now() == ["2", "1", "0", "0", "0"]
    fourth = sessions.submit_answer(workshop=workshop, values={"bron-strijd": "3"})
    assert strijd_now() == ["2", "1", "0", "0", "0"]  # the fourth waits
    for values in ({"bron-strijd": "2"}, {"bron-strijd": "2"}):  # changed, then saved unchanged
        sessions.submit_answer(workshop=workshop, values=values, answer_id=fourth.pk)
    sessions.submit_answer(workshop=workshop, values={"bron-strijd": "3"})
    page = parse(screen.get(f"/werkvorm/{workshop.code}/scherm/verdeling/"))
    assert texts(page, "//p[@class='workshop-count']") == ["5 antwoorden"]
    assert [row[1] for row in table(page, strijd)] == ["2", "1", "0", "0", "0"]
    sessions.submit_answer(workshop=workshop, values={"bron-strijd": "1"})  # a third person
    assert strijd_now() == ["2", "2", "1", "1", "0"]


def test_closing_forgets_what_the_screen_last_showed(member_a):
    workshop = opened(member_a)
    answered(workshop)
    sessions.submit_answer(workshop=workshop, values={"bron-strijd": "3"})
    workshop.refresh_from_db()
    assert workshop.shown["deelnemers"] == 3 and len(workshop.unshown_answers) == 1
    closed = sessions.close_workshop(workshop=workshop)
    assert (closed.shown, closed.unshown_answers, closed.aggregate["deelnemers"]) == (None, [], 4)


def test_a_join_code_without_letters_or_digits_is_not_found(member_a):
    for code in ("---", "%20", "-"):
        response = Client().get(f"/werkvorm/{code}/")
        assert response.status_code == 404, code


def test_a_participant_arriving_after_the_end_closes_the_session(member_a):
    workshop = opened(member_a)
    answered(workshop)
    Workshop.objects.filter(pk=workshop.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = Client().get(join_url(workshop))
    assert response.status_code == 410
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED
    assert WorkshopAnswer.objects.count() == 0
    assert workshop.aggregate["deelnemers"] == 3


def test_spread_and_median_in_words():
    assert spread({"2": 3}) == "eensgezind"
    assert spread({"beide": 2}) == "eensgezind"
    assert spread({"-2": 1, "0": 2}) == "verdeeld over 3 stappen"
    assert spread({"beide": 2, "1": 1}) == "samen op één stap, 2 houden beide polen vast"
    assert spread({}) == "niemand vulde dit in"
    assert median({"0": 2, "1": 1}) == Placement(value=0)
    assert median({"-2": 1, "0": 1, "2": 2}) == Placement(value=0)
    assert median({"beide": 3, "1": 2}) == Placement(both=True)
    assert median({"beide": 1, "1": 1}) == Placement(value=1)
    assert median({}) is None


def test_the_cases_nearest_the_groups_median_are_published_ones(member_a):
    make_case(title="Dichtbij", strengths={"strijd": 0}, positions={"consensus-conflict": -1})
    make_case(title="Nog een ontwerp", status=Case.Status.DRAFT, strengths={"strijd": 0})
    workshop = opened(member_a)
    answered(workshop)
    page = parse(logged_in(member_a).get(f"/werkvorm/{workshop.code}/scherm/verdeling/"))
    titles = texts(page, "//li[@class='near-case']/p[@class='near-case__title']")
    assert "Dichtbij" in titles
    assert "Nog een ontwerp" not in page.text_content()


def test_closing_keeps_only_the_counts(member_a):
    workshop = opened(member_a)
    answered(workshop)
    response = logged_in(member_a).post(f"/werkvorm/{workshop.code}/sluiten/")
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == "gesloten" and workshop.closed_at is not None
    assert WorkshopAnswer.objects.count() == 0
    assert workshop.aggregate == {
        "deelnemers": 3,
        "items": {
            "bron-strijd": {"nu": {"0": 2, "1": 1}, "gewenst": {"2": 1, "3": 2}},
            "consensus-conflict": {"nu": {"-2": 1, "0": 1, "beide": 1}, "gewenst": {}},
        },
    }
    page = parse(logged_in(member_a).get(f"/werkvorm/{workshop.code}/scherm/"))
    strijd = "//section[@aria-labelledby='verdeling-bron-strijd']"
    assert table(page, strijd)[0] == ["afwezig", "2", "0"]
    assert page.xpath("//form[contains(@action,'sluiten')]") == []


def test_closing_two_answers_keeps_only_their_number(member_a):
    workshop = opened(member_a)
    answered(workshop, ANSWERS[:2])
    sessions.close_workshop(workshop=workshop)
    workshop.refresh_from_db()
    assert workshop.aggregate == {"deelnemers": 2, "items": {}}


def test_the_closed_sessions_counts_download_as_csv(member_a):
    workshop = opened(member_a)
    answered(workshop)
    client = logged_in(member_a)
    assert client.get(f"/werkvorm/{workshop.code}/verdeling.csv").status_code == 404  # still open
    sessions.close_workshop(workshop=workshop)
    response = client.get(f"/werkvorm/{workshop.code}/verdeling.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "item,waarde,nu,gewenst"
    assert lines[1:6] == [
        "bron-wederzijdse-afhankelijkheid,0,0,0",
        "bron-wederzijdse-afhankelijkheid,1,0,0",
        "bron-wederzijdse-afhankelijkheid,2,0,0",
        "bron-wederzijdse-afhankelijkheid,3,0,0",
        "bron-wederzijdse-afhankelijkheid,weet_ik_niet,3,3",
    ]
    assert [line for line in lines if line.startswith("bron-strijd,")] == [
        "bron-strijd,0,2,0",
        "bron-strijd,1,1,0",
        "bron-strijd,2,0,1",
        "bron-strijd,3,0,2",
        "bron-strijd,weet_ik_niet,0,0",
    ]
    assert [line for line in lines if line.startswith("consensus-conflict,")] == [
        "consensus-conflict,-2,1,0",
        "consensus-conflict,-1,0,0",
        "consensus-conflict,0,1,0",
        "consensus-conflict,1,0,0",
        "consensus-conflict,2,0,0",
        "consensus-conflict,beide,1,0",
        "consensus-conflict,weet_ik_niet,0,3",
    ]
    assert len(lines) == 1 + 4 * 5 + 6 * 7


# --- time: expiry and purge ------------------------------------------------------------------------


def test_purge_closes_expired_sessions_and_deletes_old_closed_ones(member_a):
    now = timezone.now()
    expired = opened(member_a, expires_at=now - timedelta(hours=1))
    answered_expired = ANSWERS
    for values in answered_expired:
        WorkshopAnswer.objects.create(workshop=expired, values=values)
    still_open = opened(member_a)
    old = opened(member_a, status="gesloten", closed_at=now - timedelta(days=31))
    recent = opened(member_a, status="gesloten", closed_at=now - timedelta(days=29))
    out = StringIO()
    call_command("purge_workshops", stdout=out)
    assert out.getvalue() == "1 werkvorm(en) gesloten, 1 gewist.\n"
    assert set(Workshop.objects.values_list("pk", flat=True)) == {
        expired.pk,
        still_open.pk,
        recent.pk,
    }
    assert not Workshop.objects.filter(pk=old.pk).exists()
    expired.refresh_from_db()
    assert expired.status == "gesloten"
    assert expired.closed_at == expired.expires_at  # it ended when its time was up
    assert expired.aggregate["deelnemers"] == 3
    assert WorkshopAnswer.objects.count() == 0


def test_an_expired_session_is_deleted_after_retention_counted_from_its_end(member_a):
    now = timezone.now()
    opened(member_a, expires_at=now - timedelta(days=31))
    lately = opened(member_a, expires_at=now - timedelta(days=2))
    assert sessions.purge_workshops(now=now) == (2, 1)
    assert list(Workshop.objects.values_list("pk", "status")) == [(lately.pk, "gesloten")]


def test_the_list_purges_when_a_facilitator_opens_it(member_a):
    old = opened(member_a, status="gesloten", closed_at=timezone.now() - timedelta(days=40))
    shown = opened(member_a, title="Buurtrestaurant")
    page = parse(logged_in(member_a).get("/werkvorm/sessies/"))
    assert not Workshop.objects.filter(pk=old.pk).exists()
    assert texts(page, "//table[contains(@class,'workshop-list')]/tbody/tr/th") == [shown.code]


# --- nothing leaks ----------------------------------------------------------------------------------

FACILITATOR_PAGES = ["scherm/", "scherm/verdeling/", "qr.svg", "verdeling.csv"]


def test_only_members_of_the_organisation_see_a_session(member_a, member_b, reviewer, client):
    workshop = opened(member_a, title="Geheime praktijk")
    answered(workshop)
    sessions.close_workshop(workshop=workshop)
    other_open = opened(member_a)
    for code in (workshop.code, other_open.code):
        for page in FACILITATOR_PAGES:
            url = f"/werkvorm/{code}/{page}"
            for outsider in (logged_in(member_b), logged_in(reviewer)):
                response = outsider.get(url)
                assert response.status_code == 404, url
                assert b"Geheime praktijk" not in response.content
            anonymous = client.get(url)
            assert anonymous.status_code == 302, url
            assert anonymous["Location"].startswith("/account/aanmelden/")
        for outsider in (logged_in(member_b), logged_in(reviewer), client):
            outsider.post(f"/werkvorm/{code}/sluiten/")
    other_open.refresh_from_db()
    assert other_open.status == "open"
    lists = parse(logged_in(member_b).get("/werkvorm/sessies/"))
    assert texts(lists, "//table[contains(@class,'workshop-list')]/tbody/tr") == []
    assert logged_in(reviewer).get("/werkvorm/sessies/").status_code == 403
    # The participant's page names the practice, but never the group's answers.
    join = Client().get(join_url(other_open))
    assert join.status_code == 200 and b"workshop-count" not in join.content


def test_the_members_screen_has_the_code_link_and_a_qr_code(member_a):
    workshop = opened(member_a)
    client = logged_in(member_a)
    page = parse(client.get(f"/werkvorm/{workshop.code}/scherm/"))
    assert texts(page, "//p[@class='workshop-code']") == [workshop.code]
    join = f"http://testserver/werkvorm/{workshop.code}/"
    assert page.xpath("//a[@class='workshop-join__link']/@href") == [join]
    assert page.xpath("//img[@class='workshop-qr']/@alt") == [f"QR-code met de link {join}"]
    assert page.xpath("//*[@style]") == []
    qr = client.get(f"/werkvorm/{workshop.code}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")


# --- exact under simultaneous requests ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_wrong_codes_sent_at_once_are_counted_one_by_one(live_server, settings):
    ensure_framework()
    settings.WORKSHOP_WRONG_CODES_PER_HOUR = 3
    workshop = sessions.open_workshop(user=make_member())
    wrong = other_code(workshop)
    statuses = all_at_once(
        8, lambda n: http_get(live_server, f"/werkvorm/{wrong}/", source="127.0.0.9")
    )
    assert Counter(statuses) == {404: 3, 429: 5}
    assert http_get(live_server, join_url(workshop), source="127.0.0.9") == 429
    assert http_get(live_server, join_url(workshop), source="127.0.0.10") == 200


@pytest.mark.django_db(transaction=True)
def test_twelve_simultaneous_answers_store_exactly_the_limit(live_server, settings):
    ensure_framework()
    settings.WORKSHOP_MAX_PARTICIPANTS = 5
    workshop = sessions.open_workshop(user=make_member())

    def post(n):
        return http_post(live_server, join_url(workshop), {"bron-strijd": str(n % 4)})

    statuses = all_at_once(12, post)
    assert Counter(statuses) == {302: 5, 409: 7}
    assert WorkshopAnswer.objects.filter(workshop=workshop).count() == 5


@pytest.mark.django_db(transaction=True)
def test_one_form_sent_six_times_at_once_is_one_answer(live_server):
    """Six requests in flight with the same form and no cookie yet: one answer, and every
    response is a success (the unique key per form holds it, and the session's lock orders them)."""
    ensure_framework()
    workshop = sessions.open_workshop(user=make_member())
    key = "k" * 22

    def post(n):
        return http_post(live_server, join_url(workshop), {"formulier": key, "bron-strijd": "1"})

    assert all_at_once(6, post) == [302] * 6
    assert WorkshopAnswer.objects.filter(workshop=workshop).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_opening_their_lists_at_once_purge_once(live_server):
    """Each list purges the sessions past their time (in case the cron is forgotten): two at
    once closed the same sessions, and the second found them deleted under it (a 500)."""
    ensure_framework()
    facilitators = [make_member(username="begeleider-a"), make_member(username="begeleider-b")]
    cookies = []
    for facilitator in facilitators:
        client = Client()
        client.force_login(facilitator)
        name = django_settings.SESSION_COOKIE_NAME
        cookies.append({name: client.cookies[name].value})
    for round_ in range(3):
        for days in (40, 41, 42):  # open, expired, and past the retention of closed sessions
            opened(facilitators[0], expires_at=timezone.now() - timedelta(days=days))
        statuses = all_at_once(
            2, lambda n: http_get(live_server, "/werkvorm/sessies/", cookies=cookies[n])
        )
        assert statuses == [200, 200], round_
        assert not Workshop.objects.exists()
