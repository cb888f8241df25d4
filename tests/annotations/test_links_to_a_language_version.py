"""A link to a note goes to the page whose margin holds it: the page in the language of the
link's page or mail when that page shows the text version the note is on, else the page in the
note's own text language. Titles around it are shown in the reader's language."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from annotations.models import MemberPreferences, Notification
from annotations.notification_services import send_digests
from annotations.targets import case_target, section_target
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_member
from tests.html import parse

pytestmark = pytest.mark.django_db

DUTCH = "Buren koken samen op vrijdag.\n\nDaarna eten ze aan lange tafels."
FRENCH = "Des voisins cuisinent le vendredi.\n\nEnsuite ils mangent à de longues tables."


@pytest.fixture
def case(framework):
    return make_case(
        slug="buurtkeuken",
        title="Buurtkeuken",
        title_fr="Cuisine de quartier",
        practice=DUTCH,
        practice_fr=FRENCH,
        context="Een wijk in Gent.",  # no French translation: the French page shows it
    )


def in_language(language, function):
    with translation.override(language):
        return function()


def french_note(case, **fields):
    target = in_language("fr", lambda: case_target(case, "practice"))
    return make_annotation(target=target, passage="de longues tables", **fields)


@pytest.mark.parametrize(
    ("note_on", "page", "expected"),
    [
        # A note on the French text: on the French page whatever page links to it.
        ("fr", "nl", "/fr/praktijken/buurtkeuken/#kanttekening-{pk}"),
        ("fr", "fr", "/fr/praktijken/buurtkeuken/#kanttekening-{pk}"),
        ("fr", "en", "/fr/praktijken/buurtkeuken/#kanttekening-{pk}"),
        # A note on the Dutch original: the English page shows the original (no English
        # translation), the French page does not.
        ("nl", "nl", "/praktijken/buurtkeuken/#kanttekening-{pk}"),
        ("nl", "fr", "/praktijken/buurtkeuken/#kanttekening-{pk}"),
        ("nl", "en", "/en/praktijken/buurtkeuken/#kanttekening-{pk}"),
    ],
)
def test_a_link_to_a_note_goes_to_the_page_whose_margin_holds_it(case, note_on, page, expected):
    if note_on == "fr":
        note = french_note(case)
    else:
        note = make_annotation(target=case, passage="lange tafels")
    assert in_language(page, note.get_absolute_url) == expected.format(pk=note.pk)


def test_a_note_on_an_untranslated_text_stays_in_the_readers_language(case):
    note = make_annotation(target=case_target(case, "context"), passage="wijk in Gent")
    assert in_language("fr", note.get_absolute_url) == (
        f"/fr/praktijken/buurtkeuken/#kanttekening-{note.pk}"
    )


def test_the_passage_of_a_hidden_note_is_looked_for_on_its_own_language_page(case):
    note = french_note(case, status="pending")
    assert in_language("nl", lambda: note.passage_url) == (
        "/fr/praktijken/buurtkeuken/#praktijk:~:text=de%20longues%20tables"
    )


def test_a_note_on_the_french_text_of_a_section_links_to_the_french_section(framework):
    from frameworks.models import Section

    section = Section.objects.exclude(body_fr="").first()
    target = in_language("fr", lambda: section_target(section))
    passage = target.text.split()[0]
    note = make_annotation(target=target, passage=passage)
    url = in_language("nl", note.get_absolute_url)
    assert url == f"/fr{section.get_absolute_url()}#kanttekening-{note.pk}"


def test_the_members_notes_link_to_the_french_page_and_name_the_case_in_french(case, member_a):
    note = french_note(case, author=member_a)
    page = parse(logged_in(member_a).get("/fr/kanttekeningen/mijn/"))
    (link,) = page.xpath(f"//a[contains(@href, '#kanttekening-{note.pk}')]")
    assert link.get("href") == f"/fr/praktijken/buurtkeuken/#kanttekening-{note.pk}"
    assert " ".join(link.text_content().split()) == "Cuisine de quartier · La pratique"
    dutch = parse(logged_in(member_a).get("/kanttekeningen/mijn/"))
    (link,) = dutch.xpath(f"//a[contains(@href, '#kanttekening-{note.pk}')]")
    assert link.get("href") == f"/fr/praktijken/buurtkeuken/#kanttekening-{note.pk}"


def test_a_notification_names_the_case_in_the_pages_language_and_marks_a_fallback(
    framework, member_a
):
    translated = make_case(slug="vertaald", title="Kookploeg", title_fr="Équipe de cuisine")
    untranslated = make_case(slug="onvertaald", title="Fietsatelier")
    for case in (translated, untranslated):
        note = make_annotation(target=case)
        Notification.objects.create(recipient=member_a, annotation=note, kind="note", reason="case")
    page = parse(logged_in(member_a).get("/fr/meldingen/"))
    titles = page.xpath("//*[contains(@class,'notification__title')]//a")
    shown = sorted(
        (" ".join(a.text_content().split()), a.xpath("string(.//span/@lang)")) for a in titles
    )
    assert shown == [("Fietsatelier", "nl"), ("Équipe de cuisine", "")]


def test_a_digest_names_the_case_in_the_mails_language_and_links_to_the_notes_page(
    case, member_a, settings
):
    settings.SITE_URL = "http://testserver"
    reader = make_member(username="lecteur", email="lecteur@example.org")
    MemberPreferences.objects.create(user=reader, email_frequency="immediately", language="nl")
    note = french_note(case, author=member_a, body="Chez nous aussi.")
    Notification.objects.create(recipient=reader, annotation=note, kind="note", reason="case")
    made = datetime.datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("Europe/Brussels"))
    Notification.objects.update(created_at=made)
    send_digests(now=made + datetime.timedelta(minutes=5))
    (message,) = mail.outbox
    assert f"http://testserver/fr/praktijken/buurtkeuken/#kanttekening-{note.pk}" in message.body
    french = MemberPreferences.objects.filter(user=reader)
    french.update(language="fr")
    Notification.objects.update(digest=None)
    mail.outbox.clear()
    note2 = french_note(case, author=member_a, body="Encore.")
    Notification.objects.create(recipient=reader, annotation=note2, kind="note", reason="case")
    Notification.objects.filter(annotation=note2).update(
        created_at=made + datetime.timedelta(hours=1)
    )
    send_digests(now=made + datetime.timedelta(hours=1, minutes=5))
    (message,) = mail.outbox
    assert "Cuisine de quartier" in message.subject + message.body
    assert "Buurtkeuken" not in message.body


def test_a_reply_links_to_its_notes_text_in_its_notes_language(case):
    from tests.factories import make_reply

    reply = make_reply(french_note(case))
    assert in_language("nl", lambda: reply.target_url) == "/fr/praktijken/buurtkeuken/#praktijk"
    assert in_language("fr", lambda: reply.target_url) == "/fr/praktijken/buurtkeuken/#praktijk"


def test_a_reading_stands_beside_its_coding_in_every_language_its_passage_in_its_own(case):
    from tests.factories import make_reading

    with translation.override("fr"):
        reading = make_reading(case, source="ontmoeting", passage="de longues tables")
    assert in_language("nl", reading.get_absolute_url) == (
        f"/praktijken/buurtkeuken/#lezing-{reading.pk}"
    )
    assert in_language("en", reading.get_absolute_url) == (
        f"/en/praktijken/buurtkeuken/#lezing-{reading.pk}"
    )
    assert in_language("nl", lambda: reading.passage_url) == (
        "/fr/praktijken/buurtkeuken/#praktijk:~:text=de%20longues%20tables"
    )


@pytest.mark.parametrize(
    ("page", "told", "hreflang"),
    [
        # The French page does not show the Dutch original: its links go to the Dutch page.
        ("fr", "Voir l’annotation dans la marge, sur le texte néerlandais", ["nl", "nl"]),
        # The English page shows the original where there is no translation: no other page.
        ("en", "View the margin note in the margin", []),
    ],
)
def test_a_notes_page_says_when_its_links_lead_to_a_page_in_another_language(
    case, client, page, told, hreflang
):
    note = make_annotation(target=case_target(case, "practice"), passage="lange tafels")
    tree = parse(client.get(f"/{page}/kanttekeningen/{note.pk}/"))
    links = [tree.xpath("//h1/a")[0], tree.xpath("//a[contains(@href,'#kanttekening-')]")[0]]
    assert links[1].text_content() == told
    assert [link.get("hreflang") for link in links if link.get("hreflang")] == hreflang
    # The passage quoted is Dutch, within a page in another language.
    assert tree.xpath("//blockquote[@class='passage-context']/@lang") == ["nl"]


def test_a_dutch_passage_quoted_on_a_french_page_says_it_is_dutch(case, member_a, reviewer):
    note = make_annotation(
        target=case_target(case, "practice"),
        passage="lange tafels",
        author=member_a,
        status="pending",
    )
    pages = {
        "/fr/moderatie/": "//blockquote[@class='passage-context']/@lang",
        "/fr/kanttekeningen/mijn/": "//main//p/span[@lang]/@lang",
        f"/fr/kanttekeningen/{note.pk}/bewerken/": "//blockquote/@lang",
        f"/fr/kanttekeningen/{note.pk}/intrekken/": "//blockquote/@lang",
    }
    for path, languages in pages.items():
        user = reviewer if "moderatie" in path else member_a
        response = logged_in(user).get(path)
        assert response.status_code == 200, path
        assert parse(response).xpath(languages) == ["nl"], path
