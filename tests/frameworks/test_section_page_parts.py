"""A framework section's text with its margin, and the pilots' notes and the contents beside it,
are kept by the content version for every reader who may do the same things; a reader's own
notes, and what they flagged, are never kept for others and never missing for them."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reply
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(framework):
    return Section.objects.get(key="ontmoeting")


def page_of(client, section):
    response = client.get(reverse("section-detail", args=[section.key]))
    assert response.status_code == 200
    return parse(response)


def margin_bodies(page) -> list[str]:
    return texts(page, "//section[@id='tekst']//div[@class='note__body']/p")


def echo_actions(page, note) -> list[str]:
    return texts(page, f"//article[@id='kanttekening-{note.pk}']/p[@class='note__actions']/a")


def test_a_kept_section_reads_only_what_is_the_readers_own(section, member_a, member_b):
    make_annotation(target=section, author=member_a, body="Een openbare kanttekening.")
    page_of(logged_in(member_b), section)
    reader = logged_in(member_b)
    with CaptureQueriesContext(connection) as queries:
        kept = page_of(reader, section)
    assert margin_bodies(kept) == ["Een openbare kanttekening."]
    # The content version, the session, the user with their permissions, the section, what the
    # page knows of them (member? their links; whether they follow it: read once for all who
    # ask), what of theirs is in its margin and among the pilots' notes.
    assert len(queries) == 7


def test_a_note_waiting_is_shown_to_its_author_and_to_no_one_else(section, member_a, member_b):
    make_annotation(target=section, author=member_b, body="Een openbare kanttekening.")
    make_annotation(target=section, author=member_a, status="pending", body="Mijn notitie wacht.")
    for order in ((member_a, member_b), (member_b, member_a)):
        bodies = {reader: margin_bodies(page_of(logged_in(reader), section)) for reader in order}
        assert bodies[member_a] == ["Een openbare kanttekening.", "Mijn notitie wacht."]
        assert bodies[member_b] == ["Een openbare kanttekening."]
        assert margin_bodies(page_of(Client(), section)) == ["Een openbare kanttekening."]
        section.save()  # a new content version: nothing kept


def test_a_pilot_note_offers_its_author_their_own_actions(section, member_a, member_b):
    pilot = make_case(title="Pilootcase", kind="pilot")
    echo = make_annotation(target=pilot, author=member_a, echo_section=section)
    page_of(logged_in(member_b), section)
    assert echo_actions(page_of(logged_in(member_a), section), echo) == ["Bewerken"]
    assert echo_actions(page_of(Client(), section), echo) == ["Melden deze kanttekening"]


def test_a_reader_who_flagged_a_pilot_note_is_told_so(section, member_b):
    pilot = make_case(title="Pilootcase", kind="pilot")
    echo = make_annotation(target=pilot, author=member_b, echo_section=section)
    page_of(Client(), section)
    reader = Client()
    reader.post(reverse("annotation-flag", args=[echo.pk]), {"reason": "spam"})
    status = f"//article[@id='kanttekening-{echo.pk}']/p[@role='status']"
    assert texts(page_of(reader, section), status) == [
        "U hebt deze kanttekening gemeld. Bedankt; een moderator bekijkt ze."
    ]
    assert page_of(Client(), section).xpath(status) == []


def reply_forms(page, note) -> list:
    return page.xpath(f"//article[@id='kanttekening-{note.pk}']//form")


def test_a_pilot_note_offers_a_reply_form_to_whoever_may_reply(section, member_a, member_b):
    pilot = make_case(title="Pilootcase", kind="pilot")
    echo = make_annotation(target=pilot, author=member_b, echo_section=section)
    for order in (("member", "anonymous"), ("anonymous", "member")):
        readers = {"member": logged_in(member_a), "anonymous": Client()}
        pages = {who: page_of(readers[who], section) for who in order}
        assert len(reply_forms(pages["member"], echo)) == 1
        assert reply_forms(pages["anonymous"], echo) == []
        section.save()  # a new content version: nothing kept


def test_a_reply_to_a_pilot_note_offers_its_author_their_own_actions(section, member_a, member_b):
    pilot = make_case(title="Pilootcase", kind="pilot")
    echo = make_annotation(target=pilot, author=member_b, echo_section=section)
    reply = make_reply(echo, author=member_a, body="Mijn antwoord.")
    page_of(logged_in(member_b), section)
    page = page_of(logged_in(member_a), section)
    assert texts(page, f"//li[@id='antwoord-{reply.pk}']/p[@class='note__actions']/a") == [
        "Bewerken dit antwoord"
    ]
