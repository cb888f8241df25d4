"""Nothing of a draft reaches anyone who may not edit cases, through annotations either.

A published case with notes on it is taken offline and reworked: a new title,
a new sentence, a changed word inside a note's passage (so that re-anchoring
makes the passage itself draft text) and a deleted paragraph (an orphan). Each
draft word is a marker; no output for the author or a reviewer may carry one.
A reviewer who may also edit cases sees them; a member sees them again once the
case is published again.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Membership, Status
from annotations.roles import REVIEWERS_GROUP
from annotations.targets import case_target
from cases import services as case_services
from cases.roles import RESEARCHERS_GROUP
from tests.conftest import logged_in
from tests.factories import KOOKPLOEG_PRACTICE as PRACTICE
from tests.factories import make_annotation, make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

DRAFT = (
    "CONCEPTZIN over de toekomst. Elke zaterdag koken buren samen in het buurthuis. Wie wil, schuift mee aan tafel.\n\n"
    "De kookploeg bestaat uit nieuwkomers en mensen die al dertig jaar in de wijk wonen. "
    "Ze leren elkaars recepteen en spreken een mengeling van talen."
)
MARKERS = ("CONCEPTTITEL", "CONCEPTZIN", "recepteen")


@pytest.fixture
def offline(framework, member_a, researcher):
    """The case, taken offline and reworked, with a pending, a flagged and an orphaned note of member A."""
    case = make_case(title="Kookploeg De Pot", slug="kookploeg", practice=PRACTICE)
    pending = services.annotation_submit(
        author=member_a,
        target=case_target(case, "practice"),
        voice="doener",
        kind="voorbeeld",
        body="Bij ons ook, EIGENTEKST.",
        passage="Ze leren elkaars recepten",
    )
    flagged = make_annotation(
        target=case, passage="koken buren samen", author=member_a, body="Goedgekeurd, EIGENTEKST."
    )
    flagged.flags.create(reader_key="r1", client_hash="h1", reason="spam")
    orphan = make_annotation(
        target=case,
        passage="Het stadsbestuur betaalt de huur",
        author=member_a,
        body="Wees, EIGENTEKST.",
    )
    case_services.case_transition(case=case, action="unpublish", actor=researcher)
    case.refresh_from_db()
    case.title, case.practice = "CONCEPTTITEL", DRAFT
    case_services.case_write(case=case, actor=None, comment="Herwerkt.")
    pending.refresh_from_db()
    orphan.refresh_from_db()
    assert (
        pending.quote_exact == "Ze leren elkaars recepteen"
    )  # the passage itself is now draft text
    assert orphan.anchor_state == "orphaned"
    return {"case": case, "pending": pending, "flagged": flagged, "orphan": orphan}


@pytest.fixture
def reviewer_and_researcher(db):
    return make_user(
        "beide", groups=(REVIEWERS_GROUP, RESEARCHERS_GROUP), is_staff=True, first_name="Bea"
    )


def assert_no_draft(body: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in body, f"{marker} reached {where}"


def test_the_author_sees_their_notes_without_title_passage_or_context(offline, member_a):
    client = logged_in(member_a)
    mine = client.get(reverse("annotations-mine"))
    assert_no_draft(mine.content.decode(), "my annotations")
    items = parse(mine).xpath("//li[contains(@class,'my-note')]")
    assert len(items) == 3
    for item in items:
        assert "EIGENTEKST" in item.text_content()  # their own words stay theirs
        assert texts(item, ".//p[contains(@class,'muted')]") == [
            "Bij een praktijk die tijdelijk offline staat. Ze wordt herwerkt; zodra ze weer gepubliceerd is, ziet u hier weer de passage."
        ]
        assert not item.xpath(".//a[contains(@href,'/praktijken/')]")
        assert not item.xpath(".//a[contains(@href,'bewerken')]")


def test_the_edit_page_is_refused_with_a_message_and_changes_nothing(offline, member_a):
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[offline["pending"].pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(reverse("annotations-mine"), 302)]
    assert_no_draft(response.content.decode(), "the edit page")
    assert texts(parse(response), "//p[contains(@class,'message')]") == [
        "De praktijk bij deze kanttekening staat tijdelijk offline. U kunt de kanttekening weer bekijken en bewerken "
        "zodra de praktijk opnieuw gepubliceerd is."
    ]
    data = {
        "voice": "denker",
        "kind": "associatie",
        "body": "Anders.",
        "attribution": "",
        "link": "",
        "version": offline["pending"].version,
    }
    assert client.post(url, data).status_code == 409
    assert Annotation.objects.get(pk=offline["pending"].pk).body == "Bij ons ook, EIGENTEKST."


# (what the member posts, where) for a submission the case went offline under.
LATE_SUBMISSIONS = [
    (
        "edit",
        {
            "voice": "denker",
            "kind": "associatie",
            "body": "Mijn zorgvuldig geschreven tekst.",
            "attribution": "Eigen ervaring",
        },
    ),
    (
        "new",
        {
            "doel": "case:kookploeg:praktijk",
            "voice": "doener",
            "kind": "voorbeeld",
            "body": "Mijn zorgvuldig geschreven tekst.",
            "attribution": "Eigen ervaring",
            "passage": "koken buren samen",
        },
    ),
]


@pytest.mark.parametrize(("where", "data"), LATE_SUBMISSIONS, ids=[w for w, _d in LATE_SUBMISSIONS])
def test_a_submission_the_case_went_offline_under_gives_back_what_was_typed(
    offline, member_a, where, data
):
    client = logged_in(member_a)
    before = Annotation.objects.count()
    if where == "edit":
        data = data | {"version": offline["pending"].version, "link": ""}
        response = client.post(reverse("annotation-edit", args=[offline["pending"].pk]), data)
    else:
        response = client.post(reverse("annotation-new"), data)
    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//textarea[@id='kept-body']") == ["Mijn zorgvuldig geschreven tekst."]
    assert page.xpath("//input[@id='kept-attribution']/@value") == ["Eigen ervaring"]
    assert_no_draft(response.content.decode(), f"the kept text ({where})")
    assert Annotation.objects.count() == before
    assert Annotation.objects.get(pk=offline["pending"].pk).body == "Bij ons ook, EIGENTEKST."


def test_withdrawing_is_possible_and_its_page_shows_no_draft(offline, member_a):
    client = logged_in(member_a)
    url = reverse("annotation-withdraw", args=[offline["pending"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert_no_draft(page.content.decode(), "the withdraw page")
    client.post(url)
    assert Annotation.objects.get(pk=offline["pending"].pk).status == Status.WITHDRAWN


def test_writing_or_flagging_on_the_draft_is_not_possible(offline, member_a):
    client = logged_in(member_a)
    assert (
        client.get(reverse("annotation-new"), {"doel": "case:kookploeg:praktijk"}).status_code
        == 404
    )
    for note in ("pending", "flagged", "orphan"):
        assert client.get(reverse("annotation-flag", args=[offline[note].pk])).status_code == 404
        assert (
            Client()
            .post(reverse("annotation-flag", args=[offline[note].pk]), {"reason": "spam"})
            .status_code
            == 404
        )


def test_the_queue_leaves_them_out_until_the_case_is_published_again(offline, reviewer, researcher):
    client = logged_in(reviewer)
    for queue in ("wachtend", "gemeld", "verweesd"):
        page = client.get(reverse("moderation-queue"), {"lijst": queue})
        assert_no_draft(page.content.decode(), f"the {queue} queue")
        assert not parse(page).xpath("//li[contains(@class,'queue-item')]")
    assert texts(
        parse(client.get(reverse("moderation-queue"))), "//nav[contains(@class,'tabs')]//a"
    ) == [
        "Wachtend (0)",
        "Gemeld (0)",
        "Verweesd (0)",
    ]
    case = offline["case"]
    case.title = "Kookploeg De Pot"
    case_services.case_write(case=case, actor=None, comment="Herwerkt.")
    case_services.case_transition(case=case, action="submit", actor=researcher)
    case_services.case_transition(case=case, action="publish", actor=researcher)
    assert texts(
        parse(client.get(reverse("moderation-queue"))), "//nav[contains(@class,'tabs')]//a"
    ) == [
        "Wachtend (1)",
        "Gemeld (1)",
        "Verweesd (1)",
    ]


def test_a_reviewer_who_may_edit_cases_sees_them(offline, reviewer_and_researcher):
    client = logged_in(reviewer_and_researcher)
    assert texts(
        parse(client.get(reverse("moderation-queue"))), "//nav[contains(@class,'tabs')]//a"
    ) == [
        "Wachtend (1)",
        "Gemeld (1)",
        "Verweesd (1)",
    ]
    page = client.get(reverse("moderation-queue")).content.decode()
    assert (
        "CONCEPTTITEL" in page and "recepteen" in page and "CONCEPTZIN" not in page
    )  # context: 160 characters


def test_a_reviewer_cannot_decide_on_them_while_offline(offline, reviewer):
    client = logged_in(reviewer)
    pending, orphan = offline["pending"], offline["orphan"]
    # A complete decision, and an incomplete one (no reason) that is not shown back at an item either.
    for action in ("approve", "reject"):
        response = client.post(
            reverse("moderation-decide", args=[pending.pk]),
            {f"a{pending.pk}-action": action, f"a{pending.pk}-version": pending.version},
            follow=True,
        )
        assert_no_draft(response.content.decode(), f"the refused decision ({action})")
        assert texts(parse(response), "//p[contains(@class,'message--error')]") == [
            "De praktijk bij deze kanttekening staat tijdelijk offline. U kunt erover beslissen zodra ze weer gepubliceerd is."
        ]
        assert Annotation.objects.get(pk=pending.pk).status == Status.PENDING
    with pytest.raises(services.TargetOffline):
        services.annotation_attach_again(
            annotation_id=orphan.pk,
            actor=reviewer,
            expected_version=orphan.version,
            passage="Wie wil",
        )
    assert pending.events.count() == 1  # the submission only


def test_the_decision_mail_names_no_draft(
    offline, member_a, reviewer_and_researcher, django_capture_on_commit_callbacks
):
    pending = offline["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=pending.pk,
            action="request_changes",
            actor=reviewer_and_researcher,
            expected_version=pending.version,
            public_reason="Voeg een voorbeeld toe.",
        )
    (message,) = mail.outbox
    assert_no_draft(message.subject + message.body, "the decision mail")
    assert (
        "Uw kanttekening bij een praktijk die tijdelijk offline staat, heeft nu de status: aanpassing gevraagd."
        in message.body
    )
    assert "Voeg een voorbeeld toe." in message.body
    assert message.body.count("http") == 1 and "/kanttekeningen/mijn/" in message.body


def test_an_approval_while_the_case_is_offline_is_not_mailed_as_online(
    offline, member_a, reviewer_and_researcher, django_capture_on_commit_callbacks
):
    pending = offline["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=pending.pk,
            action="approve",
            actor=reviewer_and_researcher,
            expected_version=pending.version,
        )
    (message,) = mail.outbox
    assert message.subject == "Uw kanttekening is goedgekeurd"


def test_search_and_the_admin_show_no_draft(offline, reviewer):
    for client in (Client(), logged_in(reviewer)):
        for word in ("recepteen", "CONCEPTZIN", "EIGENTEKST", "koken"):
            results = parse(client.get(reverse("search"), {"q": word})).xpath("//main//section")
            found = " ".join(section.text_content() for section in results)
            assert (
                "Geen praktijken gevonden." in found and "Geen kanttekeningen gevonden." in found
            ), word
    reviewer.is_staff = True
    reviewer.save()
    staff = logged_in(reviewer)
    for url in (
        reverse("admin:annotations_annotation_changelist"),
        reverse("admin:annotations_moderationevent_changelist"),
        reverse("admin:annotations_flag_changelist"),
    ):
        response = staff.get(url)
        assert response.status_code == 200
        assert_no_draft(response.content.decode(), url)
    response = staff.get(
        reverse("admin:annotations_annotation_change", args=[offline["pending"].pk]), follow=True
    )
    assert_no_draft(response.content.decode(), "the annotation's admin page")


def test_after_publication_the_author_sees_the_passage_again(offline, member_a, researcher):
    case = offline["case"]
    case_services.case_transition(case=case, action="submit", actor=researcher)
    case_services.case_transition(case=case, action="publish", actor=researcher)
    page = parse(logged_in(member_a).get(reverse("annotations-mine")))
    assert "CONCEPTTITEL · De praktijk" in texts(page, "//li[contains(@class,'my-note')]//p/a")


def test_a_researcher_who_writes_notes_sees_the_draft_with_them(
    offline, researcher, organisation_a
):

    Membership.objects.create(user=researcher, organisation=organisation_a)
    Annotation.objects.filter(pk=offline["pending"].pk).update(author=researcher)
    mine = parse(logged_in(researcher).get(reverse("annotations-mine")))
    assert texts(mine, "//li[contains(@class,'my-note')]//p/a") == ["CONCEPTTITEL · De praktijk"]
    assert (
        logged_in(researcher)
        .get(reverse("annotation-edit", args=[offline["pending"].pk]))
        .status_code
        == 200
    )
