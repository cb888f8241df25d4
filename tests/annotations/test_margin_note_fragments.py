"""A public note in a margin is rendered once for every reader who sees it alike
(`{% shared_fragment %}`, `annotations.margin.mark_shared`), and never handed to a reader for
whom it is not the same: the author, a reader who flagged it, a reader with a reply in its
thread, a reader who may not reply. Each reader's reply form carries their own CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_member, make_reply
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(framework, member_a):
    case = make_case(title="Buurtkeuken")
    return make_annotation(target=case, author=member_a, body="Een gedeelde kanttekening.")


def case_url(note) -> str:
    return reverse("case-detail", args=[note.case.slug])


def note_actions(client, note) -> list[str]:
    page = parse(client.get(case_url(note)))
    return texts(page, f"//article[@id='kanttekening-{note.pk}']/p[@class='note__actions']/a")


def reply_forms(client, note) -> list:
    page = parse(client.get(case_url(note)))
    return page.xpath(f"//details[@id='draad-{note.pk}']//form")


# Who reads second, after another reader made the note's fragment, and what their note offers.
SECOND_READERS = [
    # (first reader, second reader, the second reader's links under the note)
    ("member_b", "member_a", ["Bewerken"]),
    ("member_a", "member_b", ["Melden deze kanttekening"]),
    ("member_a", "anonymous", ["Melden deze kanttekening"]),
]


@pytest.mark.parametrize(("first", "second", "actions"), SECOND_READERS)
def test_a_note_offers_each_reader_their_own_actions(note, request, first, second, actions):
    clients = {
        "member_a": lambda: logged_in(request.getfixturevalue("member_a")),
        "member_b": lambda: logged_in(request.getfixturevalue("member_b")),
        "anonymous": Client,
    }
    note_actions(clients[first](), note)
    assert note_actions(clients[second](), note) == actions


def test_a_reader_who_may_not_reply_gets_no_reply_form_that_a_member_made(note, member_b):
    assert len(reply_forms(logged_in(member_b), note)) == 1
    assert reply_forms(Client(), note) == []


def test_each_reader_replies_with_their_own_token_from_a_kept_note(note, member_a, member_b):
    first = logged_in(member_a)
    first.get(case_url(note))
    second = Client(enforce_csrf_checks=True)
    second.force_login(member_b)
    [form] = reply_forms(second, note)
    [token] = form.xpath(".//input[@name='csrfmiddlewaretoken']/@value")
    response = second.post(
        form.get("action"), {"csrfmiddlewaretoken": token, "voice": "doener", "body": "Mee eens."}
    )
    assert response.status_code == 302
    reply = Annotation.objects.get(parent=note)
    assert (reply.author, reply.body) == (member_b, "Mee eens.")


def test_a_reader_with_a_reply_waiting_sees_it_in_a_kept_note(note, member_b, organisation_b):
    make_reply(note, author=member_b, status="pending", body="Mijn antwoord wacht.")
    # Someone else's reply waiting changes nothing public: the note is kept for the others.
    colleague = logged_in(make_member(organisation_b, username="collega-b"))
    assert "Mijn antwoord wacht." not in colleague.get(case_url(note)).content.decode()
    page = parse(logged_in(member_b).get(case_url(note)))
    assert texts(page, f"//details[@id='draad-{note.pk}']//div[@class='note__body']/p") == [
        "Mijn antwoord wacht."
    ]


def test_a_reader_who_flagged_a_note_is_told_so_in_a_kept_note(note):
    reader = Client()
    reader.post(reverse("annotation-flag", args=[note.pk]), {"reason": "spam"})
    Client().get(case_url(note))  # another reader, who may not reply either, makes the note
    page = parse(reader.get(case_url(note)))
    assert texts(page, f"//article[@id='kanttekening-{note.pk}']/p[@role='status']") == [
        "U hebt deze kanttekening gemeld. Bedankt; een moderator bekijkt ze."
    ]


def test_a_public_reply_reaches_the_kept_note_at_once(note, member_a, member_b):
    reader = logged_in(member_b)
    reader.get(case_url(note))
    make_reply(note, author=member_a, body="Een nieuw openbaar antwoord.")
    assert "Een nieuw openbaar antwoord." in reader.get(case_url(note)).content.decode()


def test_a_readers_own_notes_are_read_for_them_with_their_threads_and_nothing_else(
    framework, member_a, member_b
):
    """The case page reads for a reader only the notes holding something of theirs (their own,
    one they answered, one they flagged), each with the thread they see; every other note
    comes from its kept part."""
    from django.contrib.auth.models import AnonymousUser

    from annotations.margin import MarginFilter, _case_notes
    from annotations.models import Flag

    case = make_case(slug="buurtkeuken", practice="Een twee drie vier vijf zes zeven acht.")
    theirs = make_annotation(target=case, passage="Een", author=member_a, status="pending")
    answered = make_annotation(target=case, passage="twee", author=member_b)
    own_reply = make_reply(answered, author=member_a)
    other_reply = make_reply(answered, author=member_b)
    flagged = make_annotation(target=case, passage="drie", author=member_b)
    Flag.objects.create(annotation=flagged, reader_key="lezer-a", reason="spam")
    make_annotation(target=case, passage="vier", author=member_b)  # nothing of theirs
    notes = _case_notes(case, member_a, MarginFilter(), "lezer-a", own=True)
    assert {note.pk: [r.pk for r in note.thread] for note in notes} == {
        theirs.pk: [],
        answered.pk: [own_reply.pk, other_reply.pk],
        flagged.pk: [],
    }
    # A reader with nothing on the page: nothing read.
    assert _case_notes(case, AnonymousUser(), MarginFilter(), None, own=True) == []
