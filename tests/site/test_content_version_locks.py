"""Writes that lock their rows in opposite orders never deadlock on the content version.

Every content write moves the content version. When it was one row, each write kept that row
locked to its commit, and two writes that also locked a case or a note, in the other order,
deadlocked: one of them was a 500, a member's note lost. Real threads, each with its own
connection, released together, with small offsets so that each order of the locks is met.
"""

import time

import pytest

from annotations import services
from annotations.reading_proposals import reading_process
from annotations.targets import case_target
from annotations.thread_replies import reply_submit
from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from cases.services import case_transition, case_write
from tests.annotations.test_limits import all_at_once
from tests.factories import make_annotation, make_case, make_member, make_reading, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 8


def failures(first, second) -> list[str]:
    """Run two jobs in two threads released together; the errors of those that failed."""
    outcomes = all_at_once(2, lambda n: (first, second)[n]())
    return [
        f"{type(error).__name__}: {str(error).splitlines()[0]}"
        for error in outcomes
        if isinstance(error, Exception)
    ]


@pytest.fixture
def researcher(db):
    return make_user("onderzoeker", groups=(RESEARCHERS_GROUP,), is_staff=True)


def test_a_note_on_a_case_while_a_reading_of_the_case_is_processed(framework, settings, researcher):
    """The note: the version, then (its foreign key, at the commit) a share lock on the case.
    The reading: the case locked, then the version."""
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 1000
    member = make_member()
    failed = []
    for round_ in range(ROUNDS):
        case = make_case()
        reading = make_reading(case, source="ontmoeting")
        target = case_target(case, "practice")

        def note(delay=(round_ % 4) * 0.002, target=target):
            time.sleep(delay)
            services.annotation_submit(
                author=member,
                target=target,
                voice="doener",
                kind="voorbeeld",
                body="Een noot.",
                passage=target.text[:20],
            )

        def process(reading=reading):
            reading_process(
                annotation_id=reading.pk,
                actor=researcher,
                grounds="interpretatie",
                rationale="De lezing overtuigt.",
            )

        failed += failures(note, process)
    assert failed == []


def test_a_moderation_while_the_text_under_the_note_is_edited(framework, reviewer, researcher):
    """The moderation: the note locked, then the version. The edit: the version, then the
    notes on the text locked to re-anchor them."""
    member = make_member()
    failed = []
    for round_ in range(ROUNDS):
        case = make_case(practice="Eerste zin van de praktijk. Tweede zin van de praktijk.")
        note = make_annotation(
            target=case, passage="Tweede zin", status="pending", author=member, version=1
        )

        def moderate(delay=(round_ % 4) * 0.002, note=note):
            time.sleep(delay)
            services.annotation_moderate(
                annotation_id=note.pk, action="approve", actor=reviewer, expected_version=1
            )

        def edit(case=case):
            fresh = Case.objects.get(pk=case.pk)
            fresh.practice = "Nieuwe eerste zin. Tweede zin van de praktijk."
            case_write(case=fresh, actor=researcher, comment="Tekst aangepast.")

        failed += failures(moderate, edit)
    assert failed == []


def test_a_case_taken_offline_while_another_publication_rebuilds_did_you_mean(
    framework, researcher
):
    """Taking offline: the case locked, the version, then the vocabulary's tables. The rebuild
    after another publication commits: the vocabulary's tables, then the version."""
    for n in range(20):  # published text, so that a rebuild takes a while
        make_case(title=f"Buurt {n}", slug=f"buurt-{n}", practice="woorden " * 200)
    failed = []
    for round_ in range(ROUNDS):
        leaving = make_case(slug=f"weg-{round_}")
        coming = make_case(slug=f"erbij-{round_}", status=Case.Status.IN_REVIEW)

        def unpublish(delay=(round_ % 4) * 0.01, leaving=leaving):
            time.sleep(delay)
            case_transition(case=leaving, action="unpublish", actor=researcher)

        def publish(coming=coming):
            case_transition(case=coming, action="publish", actor=researcher)

        failed += failures(unpublish, publish)
    assert failed == []


def test_a_reply_while_the_text_under_its_note_is_edited(framework, researcher, settings):
    """The reply: the note locked, then (its foreign key, at the commit) a share lock on the
    case. The edit: the case locked, then the notes on the text to re-anchor them."""
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 1000
    member = make_member()
    failed = []
    for round_ in range(ROUNDS):
        case = make_case(practice="Eerste zin van de praktijk. Tweede zin van de praktijk.")
        note = make_annotation(target=case, passage="Tweede zin", status="approved")

        def reply(delay=(round_ % 4) * 0.002, note=note):
            time.sleep(delay)
            reply_submit(author=member, voice="doener", body="Een antwoord.", parent_id=note.pk)

        def edit(case=case):
            fresh = Case.objects.get(pk=case.pk)
            fresh.practice = "Nieuwe eerste zin. Tweede zin van de praktijk."
            case_write(case=fresh, actor=researcher, comment="Tekst aangepast.")

        failed += failures(reply, edit)
    assert failed == []


def test_a_reading_processed_while_the_text_under_its_passage_is_edited(framework, researcher):
    """Processing: the reading locked, then the case. The edit: the case locked, then the
    readings on the text to re-anchor them. Processing now takes the case first, as every
    write of a case does."""
    failed = []
    for round_ in range(ROUNDS):
        case = make_case(
            practice="Eerste zin van de praktijk. Tweede zin van de praktijk.",
            strengths={"ontmoeting": 1},
        )
        reading = make_reading(case, source="ontmoeting", passage="Tweede zin")

        def process(delay=(round_ % 4) * 0.002, reading=reading):
            time.sleep(delay)
            reading_process(
                annotation_id=reading.pk,
                actor=researcher,
                grounds="interpretatie",
                rationale="De lezing overtuigt.",
            )

        def edit(case=case):
            fresh = Case.objects.get(pk=case.pk)
            fresh.practice = "Nieuwe eerste zin. Tweede zin van de praktijk."
            case_write(case=fresh, actor=researcher, comment="Tekst aangepast.")

        failed += failures(process, edit)
    assert failed == []
