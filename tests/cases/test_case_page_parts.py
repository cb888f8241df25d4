"""A case page's parts that are the same for every reader (head, profile, each text with its
margin, keywords, related cases and citation) are kept by the content version and made once
for all readers who may do the same things (`cases.case_page`, `{% shared_fragment %}`). A
reader's own things (a note waiting, a flag) are never kept for others, and never missing
for them; a kept part reads nothing."""

import lxml.html
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Flag
from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_member, make_reading, make_reply
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

PRACTICE = "Wat er gebeurt"


@pytest.fixture
def case(framework):
    case = make_case(title="Buurtkeuken", keywords=("voedsel",))
    make_case(title="Bijna hetzelfde")
    return case


def page_of(client, case):
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return parse(response)


def queries(client, case) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(captured)


def main_text(page) -> str:
    return " ".join(page.xpath("string(//main)").split())


def margin_bodies(page) -> list[str]:
    return texts(page, "//section[contains(@class,'annotated')]//div[@class='note__body']/p")


def test_a_kept_page_reads_only_what_is_the_readers_own(case, member_a, member_b):
    make_annotation(target=case, author=member_a, body="Een openbare kanttekening.")
    elsewhere = Case.objects.get(title="Bijna hetzelfde")
    make_annotation(target=elsewhere, author=member_b, status="pending", body="Elders, wacht.")
    first, second = logged_in(member_b), logged_in(member_b)
    made = queries(first, case)
    kept = queries(second, case)
    assert main_text(page_of(second, case)) == main_text(page_of(first, case))
    # Left to read once the parts are kept: the content version, the session, the user with
    # their permissions, the case row, and what the page knows of them (member? their links and
    # unread count: once for the header, the margin, the readings and the follow button; and
    # whether they follow the case, and whether anything of theirs is on it: nothing, so
    # nothing more is read).
    assert kept == 5
    assert made > kept


def test_a_members_own_notes_are_read_with_their_threads_in_that_query(case, member_a, member_b):
    public = make_annotation(target=case, author=member_a, body="Een openbare kanttekening.")
    for body in ("Mijn eerste wacht.", "Mijn tweede wacht."):
        make_annotation(target=case, author=member_b, status="pending", body=body)
    make_reply(public, author=member_b, status="pending", body="Mijn antwoord wacht.")
    first, second = logged_in(member_b), logged_in(member_b)
    queries(first, case)
    assert queries(second, case) == 6  # and their notes, with their threads, in one more
    assert margin_bodies(page_of(second, case)) == [
        "Een openbare kanttekening.",
        "Mijn antwoord wacht.",  # in its thread
        "Mijn eerste wacht.",
        "Mijn tweede wacht.",
    ]


def test_a_reply_of_theirs_alone_is_read_for_them(case, member_a, member_b):
    public = make_annotation(target=case, author=member_a, body="Een openbare kanttekening.")
    make_reply(public, author=member_b, status="pending", body="Mijn antwoord wacht.")
    first, second = logged_in(member_b), logged_in(member_b)
    queries(first, case)
    assert queries(second, case) == 6  # their facts say something of theirs is here
    assert margin_bodies(page_of(second, case)) == [
        "Een openbare kanttekening.",
        "Mijn antwoord wacht.",
    ]
    assert margin_bodies(page_of(logged_in(member_a), case)) == ["Een openbare kanttekening."]


def test_a_flag_already_dealt_with_is_no_longer_theirs(case, member_a, member_b):
    note = make_annotation(target=case, author=member_a, body="Een openbare kanttekening.")
    Flag.objects.create(
        annotation=note, reader_key=f"user:{member_b.pk}", reason="spam", resolved_at=timezone.now()
    )
    reader = logged_in(member_b)
    queries(reader, case)
    assert queries(reader, case) == 5
    status = f"//article[@id='kanttekening-{note.pk}']/p[@role='status']"
    assert page_of(reader, case).xpath(status) == []


def test_a_note_waiting_is_shown_to_its_author_and_to_no_one_else(case, member_a, member_b):
    make_annotation(target=case, author=member_b, body="Een openbare kanttekening.")
    make_annotation(target=case, author=member_a, status="pending", body="Mijn kanttekening wacht.")
    # Whoever reads first, the author sees their note waiting and the others never do.
    for order in ((member_a, member_b), (member_b, member_a)):
        bodies = {reader: margin_bodies(page_of(logged_in(reader), case)) for reader in order}
        assert bodies[member_a] == ["Een openbare kanttekening.", "Mijn kanttekening wacht."]
        assert bodies[member_b] == ["Een openbare kanttekening."]
        assert margin_bodies(page_of(Client(), case)) == ["Een openbare kanttekening."]
        case.save()  # a new content version: nothing kept


def test_the_highlight_of_a_note_waiting_is_its_authors_alone(case, member_a, member_b):
    make_annotation(target=case, author=member_a, status="pending", passage=PRACTICE)
    pending = "//mark[contains(@class,'hl--pending')]"
    assert page_of(logged_in(member_a), case).xpath(pending)
    assert not page_of(logged_in(member_b), case).xpath(pending)
    assert not page_of(Client(), case).xpath(pending)


def test_a_reader_who_flagged_a_note_is_told_so_after_others_kept_the_text(case, member_b):
    note = make_annotation(target=case, author=member_b, body="Een openbare kanttekening.")
    page_of(Client(), case)
    reader = Client()
    reader.post(f"/kanttekeningen/{note.pk}/melden/", {"reason": "spam"})
    status = f"//article[@id='kanttekening-{note.pk}']/p[@role='status']"
    assert texts(page_of(reader, case), status) == [
        "U hebt deze kanttekening gemeld. Bedankt; een moderator bekijkt ze."
    ]
    assert page_of(Client(), case).xpath(status) == []


# Who reads first, then who reads second, and what the second sees beside a reading.
READING_LINKS = [
    ("researcher", "member_a", ["Andere lezing voorstellen"]),
    ("member_a", "researcher", ["Beantwoorden"]),
    ("member_a", "anonymous", []),
    ("anonymous", "member_a", ["Andere lezing voorstellen"]),
]


@pytest.mark.parametrize(("first", "second", "links"), READING_LINKS)
def test_each_reader_gets_the_profile_for_what_they_may_do(case, request, first, second, links):
    make_reading(case, source="ontmoeting", author=make_member(username="lezer"))
    readers = {
        "researcher": lambda: logged_in(request.getfixturevalue("researcher")),
        "member_a": lambda: logged_in(request.getfixturevalue("member_a")),
        "anonymous": Client,
    }
    page_of(readers[first](), case)
    found = texts(page_of(readers[second](), case), "//li[@id='codering-ontmoeting']//a")
    offered = [link.split(" voor ")[0] for link in found]
    assert [
        link for link in offered if link in ("Andere lezing voorstellen", "Beantwoorden")
    ] == links


def test_a_margin_filter_is_kept_apart_from_the_whole_margin(case, member_b):
    make_annotation(target=case, author=member_b, voice="denker", body="Van een denker.")
    make_annotation(target=case, author=member_b, voice="doener", body="Van een doener.")
    reader = logged_in(member_b)
    assert margin_bodies(page_of(Client(), case)) == ["Van een denker.", "Van een doener."]
    filtered = parse(Client().get(case.get_absolute_url() + "?stem=denker"))
    assert margin_bodies(filtered) == ["Van een denker."]
    assert len(margin_bodies(page_of(reader, case))) == 2


# A write that bypasses the content version (a queryset update) shows what is kept.
KEPT_OR_NOT = [
    # (the case's status, does the head show the title as it was?)
    ("published", True),
    ("draft", False),
]


@pytest.mark.parametrize(("status", "kept"), KEPT_OR_NOT)
def test_a_draft_shown_to_a_researcher_is_never_kept(framework, researcher, status, kept):
    shown = make_case(title="Zoals het was", status=status)
    page_of(logged_in(researcher), shown)
    Case.objects.filter(pk=shown.pk).update(title="Zoals het nu is", practice="Nu anders.")
    page = page_of(logged_in(researcher), shown)
    assert texts(page, "//h1") == ["Zoals het was" if kept else "Zoals het nu is"]
    paragraphs = texts(page, "//section[@id='praktijk']//p[@class='annotated__text']")
    assert (paragraphs[0] == "Nu anders.") is not kept


def test_a_paragraph_without_the_readers_things_is_kept_inside_their_text(
    case, member_a, member_b, organisation_b
):
    make_annotation(target=case, author=member_b, passage="Een tweede alinea.")
    make_annotation(target=case, author=member_a, status="pending", passage=PRACTICE)
    colleague = make_member(organisation_b, username="collega-b")
    page_of(logged_in(colleague), case)  # keeps both paragraphs as a member sees them
    first, _second = case.practice.split("\n\n")
    Case.objects.filter(pk=case.pk).update(practice=f"{first}\n\nEen andere alinea.")
    # Member A's text is theirs (a note waiting) and made for them; its second paragraph
    # holds nothing of theirs and is the one kept.
    paragraphs = texts(
        page_of(logged_in(member_a), case), "//section[@id='praktijk']//p[@class='annotated__text']"
    )
    assert paragraphs == [first, "Een tweede alinea."]


def test_a_flag_made_while_the_text_is_made_is_never_kept_for_others(
    case, member_b, organisation_b, monkeypatch
):
    """The reader flags a note just after the page learnt what of theirs is on the case (two
    requests at once): the note is then shown as any reader sees it, and nothing of the flag
    is kept for others; their next page shows it. (What is theirs is known once, first: a part
    made later reads nothing of theirs.)"""
    from annotations import margin

    note = make_annotation(target=case, author=member_b, body="Een openbare kanttekening.")
    flagger = make_member(organisation_b, username="melder")
    colleague = make_member(organisation_b, username="collega-b")
    asked = margin.nothing_theirs_on_case

    def flagged_in_between(user, case_id, reader_key):
        nothing = asked(user, case_id, reader_key)
        if user == flagger and not Flag.objects.exists():
            Flag.objects.create(annotation=note, reader_key=f"user:{flagger.pk}", reason="spam")
        return nothing

    monkeypatch.setattr(margin, "nothing_theirs_on_case", flagged_in_between)
    status = f"//article[@id='kanttekening-{note.pk}']/p[@role='status']"
    page_of(logged_in(flagger), case)
    assert page_of(logged_in(colleague), case).xpath(status) == []
    assert len(page_of(logged_in(flagger), case).xpath(status)) == 1


def test_a_note_hidden_after_its_place_was_kept_is_left_out_not_a_failure(case, member_b):
    """A request reads the content version, a moderator hides a note and commits a new one, and
    the request, still under the old version, finds the note's place kept but not its part: the
    note is left out of the margin (it is no longer public), and the page still answers."""
    from annotations import margin

    hidden = make_annotation(target=case, author=member_b, body="Straks verborgen.")
    kept = make_annotation(target=case, author=member_b, body="Blijft staan.")
    version = 4242  # as this request read it, before the moderator's change
    texts_ = margin.case_margin(case, AnonymousUser(), margin.MarginFilter(), None, version)
    [practice] = [text for text in texts_ if text.target.case_field == hidden.case_field]
    assert sorted(note.pk for note in practice.notes) == [hidden.pk, kept.pk]  # places kept
    type(hidden).objects.filter(pk=hidden.pk).update(status="hidden")
    texts_ = margin.case_margin(case, AnonymousUser(), margin.MarginFilter(), None, version)
    [practice] = [text for text in texts_ if text.target.case_field == hidden.case_field]
    gone = {note.pk: note.gone for note in practice.notes}
    assert gone == {hidden.pk: True, kept.pk: False}
    # The text made from those places: the hidden note is not in its margin, the other one is.
    request = RequestFactory().get(case.get_absolute_url())
    request.user = AnonymousUser()
    html = render_to_string(
        "annotations/includes/annotated_text.html", {"item": practice, "anchor_id": "t"}, request
    )
    assert margin_bodies(lxml.html.fromstring(html)) == ["Blijft staan."]
    assert f'id="kanttekening-{hidden.pk}"' not in html
