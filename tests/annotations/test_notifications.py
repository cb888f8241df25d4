"""Following and notifications: who hears of a contribution when it becomes public, and the list.

A notification is made only when a reviewer approves (after the commit), once per person,
never for who acted, and shows only what its reader may still see.
"""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import notification_services as notifications
from annotations import services
from annotations.models import Follow, Membership, ModerationEvent, Notification
from cases.roles import RESEARCHERS_GROUP
from frameworks.models import Source, TensionField
from tests.conftest import logged_in
from tests.factories import (
    make_annotation,
    make_case,
    make_member,
    make_reading,
    make_reply,
    make_user,
)
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def approve(annotation, reviewer, capture):
    with capture(execute=True):
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action="approve",
            actor=reviewer,
            expected_version=annotation.version,
        )
    annotation.refresh_from_db()


def received(annotation) -> dict[str, tuple[str, str]]:
    return {
        n.recipient.username: (n.kind, n.reason)
        for n in Notification.objects.filter(annotation=annotation).select_related("recipient")
    }


@pytest.fixture
def scene(framework, organisation_a, organisation_b, member_a, member_b, reviewer):
    """A published case with a researcher; members following different things."""
    researcher = make_user("onderzoeker-zaak", groups=(RESEARCHERS_GROUP,), is_staff=True)
    case = make_case(title="Kookploeg Noord")
    case.researchers.add(researcher)
    people = {
        "volgt-zaak": make_member(organisation_b, username="volgt-zaak"),
        "volgt-org-a": make_member(organisation_a, username="volgt-org-a"),
        "volgt-org-a-maar-in-b": make_member(organisation_b, username="volgt-org-a-maar-in-b"),
        "volgt-andere-zaak": make_member(organisation_b, username="volgt-andere-zaak"),
        "volgt-bron": make_member(organisation_b, username="volgt-bron"),
        "volgt-kader": make_member(organisation_b, username="volgt-kader"),
        "vertrokken": make_member(organisation_b, username="vertrokken"),
    }
    Follow.objects.create(user=people["volgt-zaak"], case=case)
    Follow.objects.create(user=people["volgt-org-a"], organisation=organisation_a)
    Follow.objects.create(user=people["volgt-org-a-maar-in-b"], organisation=organisation_a)
    Follow.objects.create(user=people["volgt-andere-zaak"], case=make_case())
    ontmoeting = Source.objects.get(key="ontmoeting")
    Follow.objects.create(user=people["volgt-bron"], source=ontmoeting)
    Follow.objects.create(user=people["volgt-kader"], section=ontmoeting.section)
    Follow.objects.create(user=people["vertrokken"], case=case)
    Membership.objects.filter(user=people["vertrokken"]).delete()
    # The reviewer follows the case too: they approve, and hear nothing of their own act.
    Membership.objects.create(user=reviewer, organisation=organisation_b)
    Follow.objects.create(user=reviewer, case=case)
    # The author follows the case: nothing about their own note.
    Follow.objects.create(user=member_a, case=case)
    return {"case": case, "researcher": researcher, "source": ontmoeting, **people}


def test_a_note_on_a_case_reaches_its_followers_researchers_and_organisation_followers(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    note = make_annotation(target=scene["case"], author=member_a, status="pending")
    assert received(note) == {}
    approve(note, reviewer, django_capture_on_commit_callbacks)
    assert received(note) == {
        "volgt-zaak": ("note", "case"),
        "onderzoeker-zaak": ("note", "researcher"),
        "volgt-org-a": ("note", "organisation"),
        "lid-a": ("decision", "author"),
    }


def test_a_note_on_a_sources_section_reaches_who_follows_the_section_and_the_source(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    note = make_annotation(target=scene["source"].section, author=member_a, status="pending")
    approve(note, reviewer, django_capture_on_commit_callbacks)
    assert received(note) == {
        "volgt-kader": ("note", "section"),
        "volgt-bron": ("note", "source"),
        "volgt-org-a": ("note", "organisation"),
        "lid-a": ("decision", "author"),
    }


def test_a_reply_reaches_the_thread_the_case_followers_and_researchers(
    scene, member_a, member_b, reviewer, django_capture_on_commit_callbacks
):
    root = make_annotation(target=scene["case"], author=member_b)
    make_reply(root, author=scene["volgt-andere-zaak"], status="pending")
    reply = make_reply(root, author=member_a, status="pending")
    approve(reply, reviewer, django_capture_on_commit_callbacks)
    assert received(reply) == {
        "lid-b": ("reply", "thread"),
        "volgt-andere-zaak": ("reply", "thread"),
        "onderzoeker-zaak": ("reply", "researcher"),
        "volgt-zaak": ("reply", "case"),
        "volgt-org-a": ("reply", "organisation"),
        "lid-a": ("decision", "author"),
    }


def test_a_researcher_who_answered_in_a_thread_hears_of_the_next_reply(
    scene, member_a, member_b, reviewer, django_capture_on_commit_callbacks
):
    root = make_annotation(target=scene["source"].section, author=member_b)
    make_reply(root, author=scene["researcher"])
    reply = make_reply(root, author=member_a, status="pending")
    approve(reply, reviewer, django_capture_on_commit_callbacks)
    assert received(reply) == {
        "lid-b": ("reply", "thread"),
        "onderzoeker-zaak": ("reply", "thread"),
        "volgt-kader": ("reply", "section"),
        "volgt-bron": ("reply", "source"),
        "volgt-org-a": ("reply", "organisation"),
        "lid-a": ("decision", "author"),
    }


def test_a_reading_reaches_the_researchers_and_who_follows_the_case_or_its_source(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    reading = make_reading(
        scene["case"],
        source="ontmoeting",
        author=member_a,
        organisation=member_a.membership.organisation,
        status="pending",
    )
    approve(reading, reviewer, django_capture_on_commit_callbacks)
    assert received(reading) == {
        "onderzoeker-zaak": ("reading", "researcher"),
        "volgt-zaak": ("reading", "case"),
        "volgt-bron": ("reading", "source"),
        "volgt-org-a": ("reading", "organisation"),
        "lid-a": ("decision", "author"),
    }


def test_a_reading_of_a_tension_field_reaches_who_follows_that_field(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    field_follower = make_member(username="volgt-veld")
    Follow.objects.create(
        user=field_follower, tension_field=TensionField.objects.get(key="consensus-conflict")
    )
    reading = make_reading(
        scene["case"], tension_field="consensus-conflict", author=member_a, status="pending"
    )
    approve(reading, reviewer, django_capture_on_commit_callbacks)
    assert received(reading)["volgt-veld"] == ("reading", "tension_field")


def test_a_reply_whose_note_is_hidden_is_not_approved_and_reaches_nobody(
    scene, member_a, member_b, reviewer, django_capture_on_commit_callbacks
):
    root = make_annotation(target=scene["case"], author=member_b, status="hidden")
    reply = make_reply(root, author=member_a, status="pending")
    # Approved, it would be public for nobody: refused (`services.approval_refusal`).
    with pytest.raises(services.ModerationError):
        approve(reply, reviewer, django_capture_on_commit_callbacks)
    assert received(reply) == {}
    assert mail.outbox == []


def test_the_author_hears_of_the_decision_in_the_site_and_by_mail(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    note = make_annotation(target=scene["case"], author=member_a, status="pending")
    approve(note, reviewer, django_capture_on_commit_callbacks)
    (decision,) = Notification.objects.filter(recipient=member_a)
    assert (decision.kind, decision.reason, decision.event.action) == (
        "decision",
        "author",
        "approve",
    )
    assert [m.to for m in mail.outbox] == [[member_a.email]]


def test_a_reviewer_approving_their_own_note_hears_nothing_of_it(
    scene, reviewer, django_capture_on_commit_callbacks
):
    note = make_annotation(target=scene["case"], author=reviewer, status="pending")
    approve(note, reviewer, django_capture_on_commit_callbacks)
    assert received(note) == {
        "volgt-zaak": ("note", "case"),
        "onderzoeker-zaak": ("note", "researcher"),
        "lid-a": ("note", "case"),
    }


def test_the_fan_out_is_idempotent(scene, member_a, reviewer, django_capture_on_commit_callbacks):
    note = make_annotation(target=scene["case"], author=member_a, status="pending")
    approve(note, reviewer, django_capture_on_commit_callbacks)
    before = Notification.objects.count()
    assert notifications.notification_fan_out(note.pk, actor_id=reviewer.pk) == 0
    # Hidden, then approved again: nobody hears of it twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=note.pk,
            action="hide",
            actor=reviewer,
            expected_version=note.version,
            public_reason="Even weg.",
        )
    note.refresh_from_db()
    approve(note, reviewer, django_capture_on_commit_callbacks)
    # Two more decisions for the author (hidden, approved again); nothing for followers.
    assert Notification.objects.count() == before + 2
    assert Notification.objects.filter(recipient=member_a, kind="decision").count() == 3


def test_nothing_before_approval_nor_after_a_rejection(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    note = make_annotation(target=scene["case"], author=member_a, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=note.pk,
            action="reject",
            actor=reviewer,
            expected_version=note.version,
            public_reason="Past niet.",
        )
    assert received(note) == {"lid-a": ("decision", "author")}


def test_a_note_withdrawn_before_the_fan_out_runs_reaches_nobody(scene, member_a):
    note = make_annotation(target=scene["case"], author=member_a, status="withdrawn")
    assert notifications.notification_fan_out(note.pk) == 0
    assert received(note) == {}


def test_a_note_on_a_case_taken_offline_reaches_nobody(scene, member_a):
    note = make_annotation(target=scene["case"], author=member_a)
    scene["case"].status = "draft"
    scene["case"].save()
    assert notifications.notification_fan_out(note.pk) == 0


# --- following -----------------------------------------------------------------------------------


def test_a_member_follows_and_unfollows_a_case_without_javascript(framework, member_a):
    case = make_case(title="Buurtcafé")
    client = logged_in(member_a)
    page = parse(client.get(case.get_absolute_url()))
    assert texts(page, "//form[@class='follow-form']//button") == ["Volg deze praktijk"]
    response = client.post(
        reverse("follow"),
        {
            "soort": "praktijk",
            "sleutel": case.slug,
            "actie": "volgen",
            "volgende": case.get_absolute_url() + "?grond=tekstbewijs",
            "anker": "volgen-bericht",
        },
    )
    # Back at the form, at its message (which takes the focus: tests/browser/test_following_journey).
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url() + "?grond=tekstbewijs#volgen-bericht"
    assert list(Follow.objects.filter(user=member_a).values_list("case__slug", flat=True)) == [
        case.slug
    ]
    page = parse(client.get(case.get_absolute_url()))
    assert texts(page, "//form[@class='follow-form']//button") == ["Niet meer volgen"]
    # What changed is said beside the button, not again at the top of the page.
    assert texts(page, "//form[@class='follow-form']//p[@id='volgen-bericht']") == [
        "U volgt nu ‘Buurtcafé’. Nieuwe bijdragen ziet u bij uw meldingen."
    ]
    assert page.xpath("//*[@id='berichten']") == []
    # Without the form's anchor (a list of follows, or anything else sent): at the messages.
    response = client.post(
        reverse("follow"),
        {"soort": "praktijk", "sleutel": case.slug, "actie": "ontvolgen", "anker": "elders"},
    )
    assert response["Location"] == case.get_absolute_url() + "#berichten"
    assert not Follow.objects.filter(user=member_a).exists()
    page = parse(client.get(case.get_absolute_url()))
    assert texts(page, "//*[@id='berichten']/p") == ["U volgt ‘Buurtcafé’ niet meer."]
    assert page.xpath("//*[@id='volgen-bericht']") == []
    # Sent back to a page without the case's follow form: said at that page's messages, not
    # kept for a form it has not (and lost).
    response = client.post(
        reverse("follow"),
        {
            "soort": "praktijk",
            "sleutel": case.slug,
            "actie": "volgen",
            "volgende": "/praktijken/",
            "anker": "volgen-bericht",
        },
    )
    assert response["Location"] == "/praktijken/#berichten"
    page = parse(client.get("/praktijken/"))
    assert texts(page, "//*[@id='berichten']/p") == [
        "U volgt nu ‘Buurtcafé’. Nieuwe bijdragen ziet u bij uw meldingen."
    ]


def test_follow_buttons_on_section_source_and_tension_field_pages(framework, member_a):
    client = logged_in(member_a)
    for url, label in (
        (reverse("section-detail", args=["ontmoeting"]), "Volg dit deel van het kader"),
        (reverse("source-detail", args=["ontmoeting"]), "Volg deze bron"),
        (reverse("tension-field-detail", args=["consensus-conflict"]), "Volg dit spanningsveld"),
        (reverse("member-settings"), "Volg de bijdragen van uw organisatie"),
    ):
        assert texts(parse(client.get(url)), "//form[@class='follow-form']//button") == [label]


def test_no_follow_button_for_anonymous_readers_or_non_members(framework, member):
    case = make_case()
    for client in (Client(), logged_in(member)):
        page = parse(client.get(case.get_absolute_url()))
        assert page.xpath("//form[@class='follow-form']") == []


def test_only_members_follow_and_only_their_own_organisation(
    framework, member, member_a, organisation_b
):
    case = make_case()
    response = logged_in(member).post(
        reverse("follow"), {"soort": "praktijk", "sleutel": case.slug}
    )
    assert response.status_code == 403
    response = logged_in(member_a).post(
        reverse("follow"), {"soort": "organisatie", "sleutel": organisation_b.slug}
    )
    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_a_draft_cannot_be_followed(framework, member_a):
    draft = make_case(status="draft")
    response = logged_in(member_a).post(
        reverse("follow"), {"soort": "praktijk", "sleutel": draft.slug}
    )
    assert response.status_code == 404


def test_following_asks_for_a_post_with_csrf(framework, member_a):
    case = make_case()
    assert logged_in(member_a).get(reverse("follow")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member_a)
    response = strict.post(reverse("follow"), {"soort": "praktijk", "sleutel": case.slug})
    assert response.status_code == 403
    assert not Follow.objects.exists()


# --- the list and the header -------------------------------------------------------------------


def header_count(client) -> list[str]:
    page = parse(client.get(reverse("home")))
    return texts(page, "//summary//*[@class='unread-count']")


def test_the_list_shows_notifications_marks_them_read_and_the_header_counts(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    note = make_annotation(
        target=scene["case"], author=member_a, status="pending", body="Zie ook het buurtfeest."
    )
    approve(note, reviewer, django_capture_on_commit_callbacks)
    client = logged_in(scene["volgt-zaak"])
    assert header_count(client) == ["1 ongelezen melding"]
    page = parse(client.get(reverse("notifications")))
    assert texts(page, "//li[contains(@class, 'notification')]//h2") == [
        "Nieuwe kanttekening bij Kookploeg Noord"
    ]
    assert texts(page, "//li[contains(@class, 'notification')]//*[@class='note__body']") == [
        "Zie ook het buurtfeest."
    ]
    assert texts(page, "//li[contains(@class, 'notification--unread')]//strong") == ["nieuw"]
    assert header_count(client) == []
    page = parse(client.get(reverse("notifications")))
    assert page.xpath("//li[contains(@class, 'notification--unread')]") == []


def test_the_header_counts_in_the_same_query_for_1_and_30_notifications(scene, member_a):
    follower = scene["volgt-zaak"]
    client = logged_in(follower)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("home"))
        return len(captured)

    note = make_annotation(target=scene["case"], author=member_a)
    Notification.objects.create(recipient=follower, annotation=note, kind="note", reason="case")
    one = queries()
    for _ in range(29):
        other = make_annotation(target=scene["case"], author=member_a)
        Notification.objects.create(
            recipient=follower, annotation=other, kind="note", reason="case"
        )
    assert queries() == one
    assert header_count(client) == ["30 ongelezen meldingen"]


def test_a_researcher_without_membership_is_offered_notifications_once_they_have_some(
    scene, member_a, reviewer, django_capture_on_commit_callbacks
):
    client = logged_in(scene["researcher"])
    page = parse(client.get(reverse("home")))
    assert "Meldingen" not in " ".join(texts(page, "//ul[@class='account__menu']/li"))
    note = make_annotation(target=scene["case"], author=member_a, status="pending")
    approve(note, reviewer, django_capture_on_commit_callbacks)
    page = parse(client.get(reverse("home")))
    assert texts(page, "//ul[@class='account__menu']/li")[0] == "Meldingen 1 ongelezen"


# --- nothing that is not public shows, whatever became of it since -----------------------------


@pytest.mark.parametrize(
    "change",
    [
        "withdrawn",
        "hidden",
        "rejected",
        "pending",
        "changes_requested",
        "orphaned",
        "case offline",
        "pending reply",
        "reply under hidden note",
    ],
)
def test_a_notification_whose_subject_is_no_longer_public_shows_nothing(
    scene, member_a, member_b, change
):
    follower = scene["volgt-zaak"]
    note = make_annotation(target=scene["case"], author=member_a, body="GEHEIMMARKER")
    subject = note
    if change in ("withdrawn", "hidden", "rejected", "pending", "changes_requested"):
        note.status = change
        note.save()
    elif change == "orphaned":
        note.anchor_state = "orphaned"
        note.save()
    elif change == "case offline":
        scene["case"].status = "draft"
        scene["case"].save()
    elif change == "pending reply":
        subject = make_reply(note, author=member_b, status="pending", body="GEHEIMMARKER")
    else:
        subject = make_reply(note, author=member_b, body="GEHEIMMARKER")
        note.status = "hidden"
        note.save()
    kind = "note" if subject is note else "reply"
    Notification.objects.create(recipient=follower, annotation=subject, kind=kind, reason="case")
    client = logged_in(follower)
    assert header_count(client) == []
    response = client.get(reverse("notifications"))
    assert "GEHEIMMARKER" not in response.content.decode()
    assert parse(response).xpath("//li[contains(@class, 'notification')]") == []


def test_the_list_makes_the_same_queries_for_1_and_25_notifications(scene, member_a):
    follower = scene["volgt-zaak"]
    client = logged_in(follower)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("notifications"))
        assert response.status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            note = make_annotation(target=scene["case"], author=member_a)
            Notification.objects.create(
                recipient=follower, annotation=note, kind="note", reason="case"
            )

    add(1)
    one = queries()
    Notification.objects.update(read_at=None)
    add(24)
    assert queries() == one


def test_the_list_asks_for_a_login(framework):
    response = Client().get(reverse("notifications"))
    assert response.status_code == 302 and "/account/aanmelden/" in response["Location"]


def test_nobody_sees_anothers_notifications(scene, member_a):
    note = make_annotation(target=scene["case"], author=member_a, body="Voor iemand anders.")
    Notification.objects.create(
        recipient=scene["volgt-zaak"], annotation=note, kind="note", reason="case"
    )
    page = logged_in(scene["volgt-bron"]).get(reverse("notifications")).content.decode()
    assert "Voor iemand anders." not in page


@pytest.mark.parametrize("kind", ["praktijk", "kader", "bron", "spanningsveld", "organisatie"])
def test_a_nul_byte_in_the_follow_key_is_not_a_500(framework, member_a, kind):
    client = logged_in(member_a)
    client.raise_request_exception = False
    response = client.post(reverse("follow"), {"soort": kind, "sleutel": "a\x00b"})
    assert response.status_code != 500


def test_the_list_costs_the_same_for_1_and_10_decisions_on_replies(framework, member_a, reviewer):
    case = make_case(title="Kookploeg")
    client = logged_in(member_a)

    def add(n):
        for _ in range(n):
            root = make_annotation(target=case, author=reviewer)
            reply = make_reply(root, author=member_a)
            event = ModerationEvent.objects.create(
                annotation=reply,
                actor=reviewer,
                action="approve",
                old_status="pending",
                new_status="approved",
            )
            Notification.objects.create(
                recipient=member_a, annotation=reply, kind="decision", reason="author", event=event
            )

    def queries():
        Notification.objects.update(read_at=None)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications")).status_code == 200
        return len(captured)

    add(1)
    one = queries()
    add(9)
    assert queries() == one
