"""Replies: who may answer a note, the thread they join, their moderation, the note's own page."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, ModerationEvent, Status
from annotations.roles import REVIEWERS_GROUP
from annotations.thread_replies import ReplyRefused, reply_submit
from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading, make_reply, make_user
from tests.html import parse, textarea, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(framework, member_b):
    case = make_case(title="Buurtrestaurant")
    return make_annotation(target=case, author=member_b, body="Een noot over ontmoeting.")


def one(tree, xpath: str):
    (node,) = tree.xpath(xpath)
    return node


def text(node) -> str:
    return " ".join(node.text_content().split())


def submit(author, note, body="Ik zie dat anders.", **answered):
    answered = answered or {"parent_id": note.pk}
    return reply_submit(author=author, voice="doener", body=body, **answered)


# --- the service ---------------------------------------------------------------------------------


def test_a_member_replies_under_a_public_note_and_it_waits_for_a_reviewer(note, member_a):
    reply = submit(member_a, note)
    reply.refresh_from_db()
    assert (reply.motivation, reply.status, reply.parent_id, reply.reply_to_id) == (
        "replying",
        "pending",
        note.pk,
        note.pk,
    )
    assert (reply.case_id, reply.case_field, reply.quote_exact, reply.kind) == (
        note.case_id,
        "practice",
        "",
        "",
    )
    assert reply.organisation == member_a.membership.organisation
    assert [(e.action, e.old_status, e.new_status) for e in reply.events.all()] == [
        ("submit", "", "pending")
    ]
    assert reply.versions.count() == 1


def test_a_researcher_may_reply_without_an_organisation(note, researcher):
    reply = submit(researcher, note)
    assert reply.organisation is None and reply.status == Status.PENDING


def test_a_reader_without_organisation_or_role_may_not_reply(note, member):
    with pytest.raises(PermissionDenied):
        submit(member, note)
    assert Annotation.objects.replies().count() == 0


def test_a_reply_to_a_reply_joins_the_same_thread(note, member_a, researcher):
    first = make_reply(note, author=researcher, body="Eerste antwoord.")
    reply = submit(member_a, note, reply_to_id=first.pk)
    assert (reply.parent_id, reply.reply_to_id) == (note.pk, first.pk)


@pytest.mark.parametrize(
    "state",
    [
        {"status": Status.PENDING},
        {"status": Status.WITHDRAWN},
        {"status": Status.HIDDEN},
        {"status": Status.REJECTED},
        {"anchor_state": "orphaned"},
    ],
)
def test_no_reply_under_a_note_that_is_not_public(framework, member_a, member_b, state):
    note = make_annotation(target=make_case(), author=member_b, **state)
    with pytest.raises(ReplyRefused, match="staat niet online"):
        submit(member_a, note)
    assert Annotation.objects.replies().count() == 0


def test_no_reply_under_a_note_on_a_case_taken_offline(note, member_a):
    Case.objects.filter(pk=note.case_id).update(status=Case.Status.DRAFT)
    with pytest.raises(ReplyRefused):
        submit(member_a, note)


def test_no_reply_to_a_pending_reply_nor_in_a_withdrawn_thread(note, member_a, researcher):
    pending = make_reply(note, author=researcher, status=Status.PENDING)
    with pytest.raises(ReplyRefused):
        submit(member_a, note, reply_to_id=pending.pk)
    approved = make_reply(note, author=researcher)
    Annotation.objects.filter(pk=note.pk).update(status=Status.WITHDRAWN)
    with pytest.raises(ReplyRefused):
        submit(member_a, note, reply_to_id=approved.pk)


def test_a_reading_is_not_a_thread(framework, member_a):
    reading = make_reading(make_case(), source="ontmoeting")
    with pytest.raises(ReplyRefused):
        submit(member_a, None, reply_to_id=reading.pk)


def test_replies_and_notes_share_the_hourly_limit(note, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 2
    submit(member_a, note, body="een")
    submit(member_a, note, body="twee")
    with pytest.raises(services.RateLimited):
        submit(member_a, note, body="drie")
    assert Annotation.objects.replies().count() == 2


def test_reviewers_moderate_a_reply_with_one_event_and_a_mail_without_a_passage(
    note, member_a, reviewer, django_capture_on_commit_callbacks
):
    reply = submit(member_a, note)
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=reply.pk, action="approve", actor=reviewer, expected_version=1
        )
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED
    assert list(
        ModerationEvent.objects.filter(annotation=reply).values_list("action", flat=True)
    ) == ["approve", "submit"]
    (message,) = mail.outbox
    assert message.subject == "Uw antwoord staat online"
    assert "Uw antwoord in een draad bij ‘Buurtrestaurant · De praktijk’" in message.body
    assert "Passage:" not in message.body
    assert f"/kanttekeningen/{note.pk}/#antwoord-{reply.pk}" in message.body


def test_the_mail_about_a_reply_on_a_case_taken_offline_names_no_case(
    note, member_a, django_capture_on_commit_callbacks
):
    reply = submit(member_a, note)
    Case.objects.filter(pk=note.case_id).update(status=Case.Status.DRAFT)
    # A reviewer who may also read drafts decides on a case taken offline.
    reviewer = make_user("redacteur", groups=(REVIEWERS_GROUP, RESEARCHERS_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=reply.pk,
            action="reject",
            actor=reviewer,
            expected_version=1,
            public_reason="Niet ter zake.",
        )
    (message,) = mail.outbox
    assert "Buurtrestaurant" not in message.subject + message.body
    assert "Uw antwoord in een draad bij een praktijk die tijdelijk offline staat" in message.body


def test_the_author_edits_and_withdraws_a_reply(note, member_a, reviewer):
    reply = submit(member_a, note)
    services.annotation_moderate(
        annotation_id=reply.pk, action="approve", actor=reviewer, expected_version=1
    )
    edited = services.annotation_edit(
        annotation_id=reply.pk,
        author=member_a,
        expected_version=2,
        voice="denker",
        kind="",
        body="Beter verwoord.",
    )
    assert (edited.status, edited.body) == (Status.PENDING, "Beter verwoord.")
    services.annotation_withdraw(annotation_id=reply.pk, author=member_a)
    reply.refresh_from_db()
    assert reply.status == Status.WITHDRAWN


# --- a thread that closed under a waiting reply ----------------------------------------------------


def close(note, how: str, member, reviewer) -> None:
    """The note leaves the public margin: its author withdraws it, or a reviewer hides it."""
    if how == "withdrawn":
        services.annotation_withdraw(annotation_id=note.pk, author=member)
    else:
        services.annotation_moderate(
            annotation_id=note.pk,
            action="hide",
            actor=reviewer,
            expected_version=note.version,
            public_reason="Niet ter zake.",
        )


@pytest.mark.parametrize("how, state", [("withdrawn", "ingetrokken"), ("hidden", "verborgen")])
def test_a_reply_whose_note_left_cannot_be_approved_and_nobody_is_told_it_is_online(
    note, member_a, member_b, reviewer, how, state, django_capture_on_commit_callbacks
):
    reply = submit(member_a, note)
    close(note, how, member_b, reviewer)
    refusal = (
        "Dit antwoord kan niet goedgekeurd worden: de kanttekening waarop het antwoordt, staat "
        f"niet online ({state}). Laat het wachten tot ze weer online staat, of wijs het af met "
        "een reden."
    )
    client = logged_in(reviewer)
    # The queue does not offer it, and says why.
    item = parse(client.get(reverse("moderation-queue"))).xpath(f"//li[@id='item-{reply.pk}']")[0]
    assert texts(item, ".//fieldset[legend='Beslissing']//label") == [
        "Aanpassing vragen",
        "Afwijzen",
    ]
    assert texts(item, ".//p[contains(@class,'notice')]") == [refusal]
    # Sent anyway (an old page), it is refused at the item, and nothing is mailed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation-decide", args=[reply.pk]),
            {f"a{reply.pk}-action": "approve", f"a{reply.pk}-version": 1, "next": "/moderatie/"},
        )
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{reply.pk}']")[0]
    assert texts(item, ".//div[contains(@class,'form-errors')]//li") == [refusal]
    assert Annotation.objects.get(pk=reply.pk).status == Status.PENDING
    assert mail.outbox == []
    # The service refuses it for every caller; rejecting it, with a reason, is possible.
    with pytest.raises(services.ModerationError, match="kan niet goedgekeurd worden"):
        services.annotation_moderate(
            annotation_id=reply.pk, action="approve", actor=reviewer, expected_version=1
        )
    services.annotation_moderate(
        annotation_id=reply.pk,
        action="reject",
        actor=reviewer,
        expected_version=1,
        public_reason="De kanttekening staat niet meer online.",
    )
    assert Annotation.objects.get(pk=reply.pk).status == Status.REJECTED


def test_a_reply_is_approved_again_once_its_note_is_back(note, member_a, reviewer):
    reply = submit(member_a, note)
    close(note, "hidden", None, reviewer)
    services.annotation_moderate(
        annotation_id=note.pk, action="approve", actor=reviewer, expected_version=note.version + 1
    )
    services.annotation_moderate(
        annotation_id=reply.pk, action="approve", actor=reviewer, expected_version=1
    )
    assert Annotation.objects.public().filter(pk=reply.pk).exists()


def test_an_approved_reply_in_a_closed_thread_is_not_said_to_be_online(
    note, member_a, member_b, reviewer
):
    reply = make_reply(note, author=member_a, body="Mijn antwoord.")
    services.annotation_withdraw(annotation_id=note.pk, author=member_b)
    client = logged_in(member_a)
    item = parse(client.get(reverse("annotations-mine"))).xpath(f"//li[@id='mijn-{reply.pk}']")[0]
    assert texts(item, ".//p[contains(@class,'card__meta')]/span[contains(@class,'status')]") == [
        "goedgekeurd",
        "niet online, want de kanttekening waarop het antwoordt, staat niet (meer) online",
    ]
    page = parse(client.get(reverse("annotation-edit", args=[reply.pk])))
    assert texts(page, "//main//p[contains(@class,'notice')]") == [
        "Dit antwoord staat niet online zolang de kanttekening waarop het antwoordt, niet online "
        "staat."
    ]
    withdraw = parse(client.get(reverse("annotation-withdraw", args=[reply.pk])))
    assert "Het verdwijnt dan uit de draad." not in withdraw.text_content()


# --- the pages -------------------------------------------------------------------------------------


def test_the_note_page_shows_the_note_and_its_public_thread(note, member_a, researcher, client):
    first = make_reply(note, author=researcher, body="Eerste antwoord van de onderzoeker.")
    make_reply(note, reply_to=first, author=member_a, body="Een antwoord op het antwoord.")
    make_reply(note, author=member_a, body="WACHTEND antwoord", status=Status.PENDING)
    response = client.get(reverse("annotation-detail", args=[note.pk]))
    assert response.status_code == 200
    page = parse(response)
    assert "Een noot over ontmoeting." in text(one(page, "//article"))
    replies = page.xpath("//ol[@class='thread__replies']/li/@id")
    assert replies == [f"antwoord-{first.pk}", f"antwoord-{first.pk + 1}"]
    quote = text(one(page, f"//li[@id='antwoord-{first.pk + 1}']/p[@class='reply__answers']"))
    assert quote == "antwoord op Rita Onderzoek: “Eerste antwoord van de onderzoeker.”"
    assert "WACHTEND" not in response.content.decode()
    assert text(one(page, "//h2[@id='draad-titel']")) == "2 antwoorden"
    assert one(page, "//button[@data-copy-url]").get("data-copy-url") == (
        f"http://testserver/kanttekeningen/{note.pk}/"
    )
    assert (
        one(page, "//a[@class='copy-link__link']")
        .get("href")
        .endswith(f"/kanttekeningen/{note.pk}/")
    )


def test_the_note_page_is_public_only_when_the_note_is(framework, member_a, member_b, client):
    pending = make_annotation(target=make_case(), author=member_a, status=Status.PENDING)
    url = reverse("annotation-detail", args=[pending.pk])
    assert client.get(url).status_code == 404
    assert logged_in(member_b).get(url).status_code == 404
    assert logged_in(member_a).get(url).status_code == 200


def test_a_reply_id_leads_to_its_thread_at_the_reply(note, member_a, client):
    reply = make_reply(note, author=member_a)
    response = client.get(reverse("annotation-detail", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/kanttekeningen/{note.pk}/#antwoord-{reply.pk}"
    hidden = make_reply(note, author=member_a, status=Status.HIDDEN)
    assert client.get(reverse("annotation-detail", args=[hidden.pk])).status_code == 404


def test_a_member_replies_on_the_note_page_and_sees_it_pending(note, member_a):
    client = logged_in(member_a)
    response = client.post(
        reverse("reply-new", args=[note.pk]), {"voice": "planner", "body": "Mijn antwoord."}
    )
    reply = Annotation.objects.replies().get()
    assert response["Location"] == f"/kanttekeningen/{note.pk}/#antwoord-{reply.pk}"
    page = parse(client.get(reverse("annotation-detail", args=[note.pk])))
    assert "wacht op moderatie" in text(one(page, f"//li[@id='antwoord-{reply.pk}']"))
    assert text(one(page, "//h2[@id='draad-titel']")) == "0 antwoorden · 1 van u wacht op moderatie"


def test_a_refused_reply_keeps_what_was_typed_and_names_the_field(note, member_a, settings):
    client = logged_in(member_a)
    url = reverse("reply-new", args=[note.pk])
    response = client.post(url, {"voice": "", "body": "Mijn getypte tekst."})
    assert response.status_code == 200
    page = parse(response)
    assert textarea(page, "body") == "Mijn getypte tekst."
    assert text(one(page, "//*[@id='id_voice_error']")) == "Dit veld is verplicht."
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 1
    make_annotation(target=note.case, author=member_a)  # no version: does not count
    client.post(url, {"voice": "doener", "body": "een"})
    response = client.post(url, {"voice": "doener", "body": "Nog een getypte tekst."})
    assert response.status_code == 429
    page = parse(response)
    assert textarea(page, "body") == "Nog een getypte tekst."
    assert "U hebt dit uur al 1 kanttekeningen ingediend of bewerkt" in text(page)


def test_a_reply_under_a_note_gone_meanwhile_gives_back_the_text(note, member_a):
    Annotation.objects.filter(pk=note.pk).update(status=Status.HIDDEN)
    response = logged_in(member_a).post(
        reverse("reply-new", args=[note.pk]), {"voice": "doener", "body": "Mijn tekst blijft."}
    )
    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//textarea[@id='kept-body']") == ["Mijn tekst blijft."]
    assert texts(page, "//label[@for='kept-body']") == ["Uw antwoord"]


def test_the_margin_shows_thread_counts_and_the_thread_in_place(note, member_a, researcher):
    make_reply(note, author=researcher, body="Publiek antwoord.")
    make_reply(note, author=member_a, body="Mijn wachtend antwoord.", status=Status.PENDING)
    make_reply(note, author=researcher, body="ANDERMANS wachtend antwoord", status=Status.PENDING)
    case_url = note.case.get_absolute_url()
    anonymous = parse(Client().get(case_url))
    note_path = f"//article[@id='kanttekening-{note.pk}']"
    assert text(one(anonymous, f"{note_path}//details[@class='thread']/summary")) == "1 antwoord"
    assert anonymous.xpath(f"{note_path}//form") == []
    mine = parse(logged_in(member_a).get(case_url))
    thread = one(mine, f"{note_path}//details[@class='thread']")
    assert text(one(thread, "summary")) == "1 antwoord · 1 van u wacht op moderatie"
    assert "Mijn wachtend antwoord." in text(thread)
    assert "ANDERMANS" not in text(thread)
    one(thread, f".//form[@action='/kanttekeningen/{note.pk}/antwoorden/']")


def test_my_annotations_list_my_replies_with_their_status(note, member_a):
    make_reply(note, author=member_a, body="Mijn antwoord in de lijst.", status=Status.PENDING)
    page = parse(logged_in(member_a).get(reverse("annotations-mine")))
    item = one(page, "//li[contains(@class, 'my-note')]")
    assert text(one(item, "p[@class='card__meta']")).startswith(
        "wacht op moderatie · doener · antwoord"
    )
    assert "Mijn antwoord in de lijst." in text(item)
    assert item.xpath(".//a/@href")[0] == f"/kanttekeningen/{note.pk}/#antwoord-{note.pk + 1}"


def test_the_queue_shows_a_reply_with_the_note_it_answers(note, member_a, reviewer):
    submit(member_a, note, body="Antwoord voor de moderator.")
    page = parse(logged_in(reviewer).get(reverse("moderation-queue")))
    item = one(page, "//li[contains(@class, 'queue-item')]")
    assert text(one(item, "h2")) == f"Antwoord {note.pk + 1} · Buurtrestaurant · De praktijk"
    assert text(one(item, ".//figure")) == (
        f"Antwoord op {note.pk} van Bert Buur · Jeugdwerk Elders (goedgekeurd):"
        " Een noot over ontmoeting."
    )
    assert item.xpath(".//mark") == []


def test_public_replies_are_found_and_link_to_their_thread(note, member_a, client):
    reply = make_reply(note, author=member_a, body="Over solidariteitsmaaltijden gesproken.")
    make_reply(note, author=member_a, body="Solidariteitsmaaltijden wachtend", status="pending")
    page = parse(client.get(reverse("search"), {"q": "solidariteitsmaaltijden"}))
    links = page.xpath("//section[@aria-labelledby='annotation-results-title']//ol//a/@href")
    assert links == [f"/kanttekeningen/{note.pk}/#antwoord-{reply.pk}"]


def test_a_reply_posted_under_one_note_never_lands_in_another_thread(framework, member_a, member_b):
    note = make_annotation(target=make_case(title="Eerste"), author=member_b)
    elsewhere = make_annotation(target=make_case(title="Tweede"), author=member_b)
    client = logged_in(member_a)
    response = client.post(
        reverse("reply-new", args=[note.pk]),
        {"voice": "doener", "body": "Ik antwoord hier.", "op": elsewhere.pk},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "alleen antwoorden op een bijdrage in het gesprek van deze kanttekening" in page
    assert "Ik antwoord hier." in page  # the typed text comes back
    assert not Annotation.objects.replies().exists()


def test_an_edited_reply_keeps_its_place_in_the_thread(note, member_a):
    first = submit(member_a, note, body="Eerste antwoord.")
    second = submit(member_a, note, body="Tweede antwoord.")
    Annotation.objects.filter(pk__in=[first.pk, second.pk]).update(status=Status.APPROVED)
    services.annotation_edit(
        annotation_id=first.pk,
        author=member_a,
        expected_version=first.version,
        voice="doener",
        kind="",
        body="Eerste antwoord, herschreven.",
    )
    Annotation.objects.filter(pk=first.pk).update(status=Status.APPROVED)
    page = Client().get(reverse("annotation-detail", args=[note.pk])).content.decode()
    assert page.index("Eerste antwoord, herschreven.") < page.index("Tweede antwoord.")


def test_the_service_keeps_a_reply_out_of_another_notes_thread(note, member_a, member_b):
    elsewhere = make_annotation(target=make_case(title="Elders"), author=member_b)
    with pytest.raises(ReplyRefused):
        submit(member_a, note, reply_to_id=elsewhere.pk, thread_id=note.pk)
    assert not Annotation.objects.replies().exists()


def test_the_withdraw_page_and_message_speak_of_an_answer(note, member_a):
    reply = make_reply(note, author=member_a, status=Status.PENDING)
    client = logged_in(member_a)
    page = client.get(reverse("annotation-withdraw", args=[reply.pk])).content.decode()
    assert "Antwoord intrekken?" in page
    assert "Een ingetrokken antwoord kunt u niet meer bewerken" in page
    response = client.post(reverse("annotation-withdraw", args=[reply.pk]), follow=True)
    assert "Uw antwoord is ingetrokken." in response.content.decode()
