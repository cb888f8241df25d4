"""Notes, replies and readings are one kind of row: what each may be on, and who may see it.

The database refuses a contribution that is not one of the three shapes; a reply is
public only in a public thread; margins show notes only; a text edit finds notes and
passages of readings again and leaves replies alone.
"""

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Annotation, Reading
from cases import services as case_services
from tests.conftest import logged_in
from tests.factories import KOOKPLOEG_PRACTICE as PRACTICE
from tests.factories import (
    make_annotation,
    make_case,
    make_member,
    make_reading,
    make_reply,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(framework):
    return make_case(practice=PRACTICE)


@pytest.fixture
def note(case):
    return make_annotation(target=case, passage="Ze leren elkaars recepten")


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


# --- the shapes the database keeps ------------------------------------------------------------


def test_a_reply_needs_a_thread(note):
    refused(lambda: make_reply(note, parent=None, reply_to=None))


def test_a_reply_has_no_passage_and_no_kind(note):
    refused(lambda: make_reply(note, quote_exact="Ze leren", position_end=8))
    refused(lambda: make_reply(note, kind="associatie"))


def test_a_note_needs_a_passage_and_a_kind(case):
    refused(lambda: make_annotation(target=case, quote_exact="", position_start=0, position_end=0))
    refused(lambda: make_annotation(target=case, kind=""))


def test_a_note_is_not_in_a_thread(note, case):
    refused(lambda: make_annotation(target=case, parent=note))


def test_a_reading_is_on_a_case_with_or_without_a_passage(case):
    without = make_reading(case, source="ontmoeting")
    with_passage = make_reading(case, tension_field="consensus-conflict", passage="Elke zaterdag")
    assert (without.has_passage, with_passage.has_passage) == (False, True)
    assert with_passage.case_field == "practice"


def test_a_reading_proposes_one_value_on_one_coding(case):
    refused(lambda: make_reading(case, source="ontmoeting", value={"strength": 4}))
    refused(lambda: make_reading(case, source="ontmoeting", value={"position": 1}))
    refused(
        lambda: make_reading(
            case, tension_field="consensus-conflict", value={"position": 1, "holds_both": True}
        )
    )
    refused(
        lambda: make_reading(
            case, tension_field="consensus-conflict", value={"undetermined": True, "position": 0}
        )
    )


@pytest.mark.parametrize(
    ("item", "value", "label"),
    [
        ({"source": "ontmoeting"}, {"strength": 1}, "zwak"),
        ({"source": "ontmoeting"}, {"undetermined": True}, "niet te bepalen"),
        ({"tension_field": "consensus-conflict"}, {"position": 1}, "eerder conflict"),
        ({"tension_field": "consensus-conflict"}, {"position": 0}, "in het midden"),
        ({"tension_field": "consensus-conflict"}, {"holds_both": True}, "houdt beide polen vast"),
        ({"tension_field": "consensus-conflict"}, {"undetermined": True}, "niet te bepalen"),
    ],
)
def test_a_reading_says_its_value_in_words(case, item, value, label):
    reading = make_reading(case, value=value, **item)
    assert Reading.objects.get(annotation=reading).label == label


# --- visibility -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("root_status", "reply_status", "public"),
    [
        ("approved", "approved", True),
        ("approved", "pending", False),
        ("approved", "rejected", False),
        ("pending", "approved", False),
        ("hidden", "approved", False),
        ("withdrawn", "approved", False),
    ],
)
def test_a_reply_is_public_only_in_a_public_thread(case, root_status, reply_status, public):
    root = make_annotation(target=case, status=root_status)
    reply = make_reply(root, status=reply_status)
    assert Annotation.objects.public().filter(pk=reply.pk).exists() is public
    assert Annotation.objects.get(pk=reply.pk).is_public is public


def test_a_reply_under_an_orphaned_note_is_not_public(note):
    reply = make_reply(note)
    Annotation.objects.filter(pk=note.pk).update(anchor_state="orphaned")
    assert not Annotation.objects.public().filter(pk=reply.pk).exists()


def test_a_reply_on_a_case_taken_offline_is_not_public(case, note, researcher):
    reply = make_reply(note)
    case_services.case_transition(case=case, action="unpublish", actor=researcher)
    assert not Annotation.objects.public().filter(pk=reply.pk).exists()
    assert not Annotation.objects.visible_to(make_member()).filter(pk=reply.pk).exists()


def test_margins_show_notes_only(case, note):
    make_reply(note)
    make_reading(case, source="ontmoeting", passage="Elke zaterdag")
    member = make_member()
    assert list(Annotation.objects.for_margin(member)) == [note]
    response = logged_in(member).get(case.get_absolute_url())
    assert response.status_code == 200


def test_a_text_edit_finds_passages_again_and_leaves_replies_alone(case, note):
    reply = make_reply(note)
    reading = make_reading(case, source="ontmoeting", passage="Elke zaterdag")
    case.practice = "Iets heel anders. " * 5
    case_services.case_write(case=case, actor=None, comment="Herschreven.")
    states = dict(
        Annotation.objects.filter(pk__in=[note.pk, reply.pk, reading.pk]).values_list(
            "pk", "anchor_state"
        )
    )
    assert states == {note.pk: "orphaned", reading.pk: "orphaned", reply.pk: "anchored"}
    # The reply is not public now: its note is an orphan.
    assert not Annotation.objects.public().filter(pk=reply.pk).exists()
