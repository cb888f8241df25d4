"""A text made only of invisible characters (a zero-width space, a word joiner, a byte order mark:
a paste or a tampered form carries them, and `str.strip()` leaves them) is an empty text: a
note, reply, reading, reason, answer, practice name or rationale of them is refused like an
empty one, beside its field, and nothing is saved."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.forms import InviteForm, WorkshopOpenForm
from annotations.models import Annotation, Status
from annotations.reading_proposals import (
    ReadingError,
    reading_answer,
    reading_process,
)
from annotations.services import annotation_submit
from annotations.targets import section_target
from cases.evidence import rationale_refusal
from cases.models import Case, Grounds
from diegem.lib.visible_text import has_visible_text
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading
from tests.html import parse, texts

INVISIBLE = "\u200b\u2060\ufeff \u200d"


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("", False),
        ("  \n\t ", False),
        ("\u200b", False),  # zero-width space
        ("\u200b\u2060\ufeff", False),  # and a word joiner, a byte order mark
        ("\u200e\u200f\u202a\u202c", False),  # direction marks and embeddings
        ("\u00ad", False),  # a soft hyphen
        ("\u3164\u115f", False),  # Hangul fillers
        ("\u00a0\u2003\u3000", False),  # no-break, em and ideographic spaces
        ("\x01\x7f", False),  # control characters
        ("\ufe0f\ufe0e", False),  # variation selectors
        ("\U000e0100", False),  # a supplementary variation selector
        ("\u180b\u180f", False),  # Mongolian free variation selectors
        ("\u2800", False),  # the blank Braille pattern
        ("❤️", True),  # a heart with its emoji variation selector
        ("שלום", True),
        ("سلام", True),
        ("می\u200cخواهم", True),  # a zero-width non-joiner inside a Persian word
        ("a", True),
        ("\u200bja\u200b", True),
        ("·", True),
        ("🙂", True),
        ("é", True),
        ("\u0301", True),  # a combining accent is drawn
        ("\u0600", True),  # the Arabic number sign, a format character that is drawn
        ("\u06dd", True),  # the end of ayah
    ],
)
def test_what_counts_as_visible(text, visible):
    assert has_visible_text(text) is visible


def errors(response) -> list[str]:
    return texts(parse(response), "//div[contains(@class,'form-errors')]//li")


@pytest.fixture
def section(framework):
    return Section.objects.get(key="ontmoeting")


@pytest.fixture
def case(framework):
    return make_case(title="Buurtkeuken", slug="buurtkeuken", strengths={"ontmoeting": 2})


def test_a_note_of_invisible_characters_is_refused(section, member_a):
    target = section_target(section)
    data = {
        "doel": target.key,
        "passage": target.text[:30],
        "voice": "doener",
        "kind": "voorbeeld",
        "body": INVISIBLE,
    }
    response = logged_in(member_a).post(reverse("annotation-new"), data)
    assert response.status_code == 200
    assert errors(response) == ["Kanttekening: Schrijf een kanttekening."]
    assert not Annotation.objects.exists()


def test_a_note_cannot_be_edited_into_invisible_characters(section, member_a):
    note = make_annotation(target=section, author=member_a, status=Status.PENDING, body="Eerst.")
    data = {"voice": "doener", "kind": "voorbeeld", "body": INVISIBLE, "version": note.version}
    response = logged_in(member_a).post(reverse("annotation-edit", args=[note.pk]), data)
    assert response.status_code == 200
    assert errors(response) == ["Kanttekening: Schrijf een kanttekening."]
    assert Annotation.objects.get(pk=note.pk).body == "Eerst."


def test_a_reply_of_invisible_characters_is_refused(case, member_a, member_b):
    note = make_annotation(target=case, author=member_b)
    response = logged_in(member_a).post(
        reverse("reply-new", args=[note.pk]), {"voice": "doener", "body": INVISIBLE}
    )
    assert response.status_code == 200
    assert errors(response) == ["Uw antwoord: Schrijf een antwoord."]
    assert not Annotation.objects.replies().exists()


def test_a_reading_of_invisible_characters_is_refused(case, member_a):
    url = reverse("reading-new", args=["buurtkeuken", "ontmoeting"])
    response = logged_in(member_a).post(url, {"value": "3", "voice": "doener", "body": INVISIBLE})
    assert response.status_code == 200
    assert errors(response) == ["Uw argument: Schrijf uw argument."]
    assert not Annotation.objects.readings().exists()


def test_a_reviewers_reason_of_invisible_characters_is_no_reason(section, reviewer, member_a):
    note = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = logged_in(reviewer).post(
        reverse("moderation-decide", args=[note.pk]),
        {
            f"a{note.pk}-action": "reject",
            f"a{note.pk}-version": 1,
            f"a{note.pk}-public_reason": INVISIBLE,
        },
    )
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{note.pk}']")[0]
    assert texts(item, ".//p[contains(@class,'field-error')]") == [
        "Geef de auteur een reden mee bij deze beslissing."
    ]
    with pytest.raises(services.ModerationError):  # every entry point: the service refuses too
        services.annotation_moderate(
            annotation_id=note.pk,
            actor=reviewer,
            action="reject",
            expected_version=1,
            public_reason=INVISIBLE,
        )
    assert Annotation.objects.get(pk=note.pk).status == Status.PENDING


def test_a_researchers_answer_of_invisible_characters_is_refused_or_left_out(case, researcher):
    reading = make_reading(case, source="ontmoeting")  # approved: open to an answer
    with pytest.raises(ReadingError):
        reading_answer(annotation_id=reading.pk, actor=researcher, answer=INVISIBLE)
    reading_answer(annotation_id=reading.pk, actor=researcher, answer="We kijken opnieuw.")
    # Processing with an answer "left empty" keeps the answer given before.
    processed = reading_process(
        annotation_id=reading.pk,
        actor=researcher,
        grounds=Grounds.INTERPRETATION,
        rationale="De lezing overtuigt.",
        answer=INVISIBLE,
    )
    assert processed.answer == "We kijken opnieuw."


def test_a_service_called_without_a_form_refuses_an_invisible_body(section, member_a):
    with pytest.raises(ValueError, match="visible characters"):
        annotation_submit(
            author=member_a,
            target=section_target(section),
            voice="doener",
            kind="voorbeeld",
            body=INVISIBLE,
            passage=section_target(section).text[:30],
        )
    assert not Annotation.objects.exists()


def test_required_names_and_optional_texts_of_invisible_characters(framework, client):
    invite = InviteForm({"email": "a@example.org", "first_name": INVISIBLE, "last_name": "Peeters"})
    assert not invite.is_valid()
    assert invite.errors["first_name"] == ["Dit veld is verplicht."]
    workshop = WorkshopOpenForm({"title": INVISIBLE})
    assert workshop.is_valid() and workshop.cleaned_data["title"] == ""
    # The tool's own name and a note of nothing visible are no name and no note.
    page = parse(
        client.get(
            "/uw-praktijk/",
            {"bron-strijd": "1", "naam": INVISIBLE, "notitie-bron-strijd": INVISIBLE},
        )
    )
    assert texts(page, "//h2[@id='result-title']") == ["Uw praktijk op het kader"]
    assert page.xpath("//*[contains(@class,'practice-note')]") == []


def test_a_case_of_invisible_characters_is_not_ready_for_publication(case):
    case.summary = INVISIBLE
    assert "Het veld ‘samenvatting’ is leeg." in case.missing_for_publication()


def test_a_rationale_of_invisible_characters_is_missing(case):
    assert rationale_refusal(
        grounds=Grounds.INTERPRETATION, rationale=INVISIBLE, status=Case.Status.PUBLISHED
    )
    assert (
        rationale_refusal(
            grounds=Grounds.INTERPRETATION, rationale="Omdat…", status=Case.Status.PUBLISHED
        )
        is None
    )
    case.source_codings.filter(source__key="ontmoeting").update(rationale=INVISIBLE)
    assert case.rationales_missing() == [
        "De codering van de bron ‘Ontmoeting’ heeft geen onderbouwing."
    ]
