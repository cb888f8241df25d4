"""The same form sent twice (a double click, a browser's second try, "back" and send again) is
one contribution: one note, reply, reading or edit, one version, one event for the reviewers, and
the second sending is neither refused by the hourly limit nor called a conflict."""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations import reading_proposals as proposals
from annotations import services
from annotations.models import (
    Annotation,
    AnnotationVersion,
    ModerationEvent,
    Reading,
    Status,
)
from annotations.targets import section_target
from annotations.thread_replies import reply_submit
from frameworks.models import Section, Source
from tests.annotations.test_limits import all_at_once, http_post
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_member, make_reading
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

NEW = reverse("annotation-new")


def note_form(**changes) -> dict:
    return {
        "doel": "section:ontmoeting",
        "passage": Section.objects.get(key="ontmoeting").body[:30],
        "voice": "doener",
        "kind": "voorbeeld",
        "body": "In onze buurt zie ik dit elke dag.",
        **changes,
    }


def submit(member, **changes):
    target = section_target(Section.objects.get(key="ontmoeting"))
    fields = {
        "voice": "doener",
        "kind": "voorbeeld",
        "body": "In onze buurt zie ik dit elke dag.",
        "passage": target.text[:30],
        **changes,
    }
    return services.annotation_submit(author=member, target=target, **fields)


def counts(member) -> tuple[int, int, int]:
    """The member's contributions, their versions and their events."""
    return (
        Annotation.objects.filter(author=member).count(),
        AnnotationVersion.objects.filter(author=member).count(),
        ModerationEvent.objects.filter(actor=member).count(),
    )


# --- a note ----------------------------------------------------------------------------------------


def test_a_note_sent_twice_is_one_note(framework, member_a):
    client = logged_in(member_a)
    first = client.post(NEW, note_form())
    second = client.post(NEW, note_form())
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert counts(member_a) == (1, 1, 1)


def test_sent_again_with_the_last_submission_of_the_hour_it_is_not_refused(
    framework, member_a, settings
):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 1
    client = logged_in(member_a)
    assert [client.post(NEW, note_form()).status_code for _ in range(2)] == [302, 302]
    # Something new is counted, and refused.
    assert client.post(NEW, note_form(body="Iets anders.")).status_code == 429
    assert counts(member_a) == (1, 1, 1)


@pytest.mark.parametrize(
    "change, notes",
    [
        ({}, 1),
        ({"body": "In onze buurt zie ik dit elke week."}, 2),
        ({"voice": "denker"}, 2),
        ({"kind": "associatie"}, 2),
        ({"attribution": "Buurtkrant 2024"}, 2),
        ({"link": "https://example.org/buurt"}, 2),
        ({"language": "fr"}, 2),
    ],
)
def test_only_the_same_content_is_the_same_note(framework, member_a, change, notes):
    first = submit(member_a)
    second = submit(member_a, **change)
    assert Annotation.objects.filter(author=member_a).count() == notes
    assert (second.pk == first.pk) == (notes == 1)


def test_another_passage_is_another_note(framework, member_a):
    text = Section.objects.get(key="ontmoeting").body
    submit(member_a, passage=text[:30])
    submit(member_a, passage=text[40:80])
    assert Annotation.objects.filter(author=member_a).count() == 2


def test_another_member_sending_the_same_is_their_own_note(framework, member_a, member_b):
    submit(member_a)
    submit(member_b)
    assert Annotation.objects.count() == 2


@pytest.mark.parametrize(
    "status, minutes_ago, notes",
    [
        (Status.PENDING, 9, 1),
        (Status.APPROVED, 9, 1),
        (Status.PENDING, 11, 2),
        (Status.REJECTED, 1, 2),
        (Status.WITHDRAWN, 1, 2),
        (Status.CHANGES_REQUESTED, 1, 2),
        (Status.HIDDEN, 1, 2),
    ],
)
def test_sent_again_later_or_after_a_decision_it_is_a_new_note(
    framework, member_a, status, minutes_ago, notes
):
    first = submit(member_a)
    Annotation.objects.filter(pk=first.pk).update(
        status=status, submitted_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    submit(member_a)
    assert Annotation.objects.filter(author=member_a).count() == notes


def test_sent_again_after_its_approval_it_says_so(framework, member_a, reviewer):
    client = logged_in(member_a)
    client.post(NEW, note_form())
    note = Annotation.objects.get(author=member_a)
    services.annotation_moderate(
        annotation_id=note.pk, action="approve", actor=reviewer, expected_version=note.version
    )
    client.cookies.pop("messages", None)  # the first sending's, shown on its page
    response = client.post(NEW, note_form(), follow=True)
    assert texts(parse(response), "//p[contains(@class,'message')]") == [
        "U had deze kanttekening al verstuurd; ze staat online."
    ]
    assert Annotation.objects.filter(author=member_a).count() == 1


# --- a reply and a reading -----------------------------------------------------------------------


def test_a_reply_sent_twice_is_one_reply(framework, member_a, member_b):
    note = make_annotation(target=make_case(), author=member_b, body="Een noot.")
    client = logged_in(member_a)
    url = reverse("reply-new", args=[note.pk])
    form = {"voice": "doener", "body": "Ik zie dat anders."}
    responses = [client.post(url, form) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert counts(member_a) == (1, 1, 1)
    # To another contribution in the thread, the same words are another reply.
    reply = Annotation.objects.get(author=member_a)
    Annotation.objects.filter(pk=reply.pk).update(status=Status.APPROVED)
    reply_submit(author=member_a, voice="doener", body="Ik zie dat anders.", reply_to_id=reply.pk)
    assert Annotation.objects.filter(author=member_a).count() == 2


def test_a_reading_sent_twice_is_one_reading(framework, member_a):
    case = make_case(slug="buurtkeuken", strengths={"ontmoeting": 1})
    client = logged_in(member_a)
    url = reverse("reading-new", args=[case.slug, "ontmoeting"])
    form = {"value": "3", "voice": "doener", "body": "Ik zie hier veel ontmoeting."}
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    assert counts(member_a) == (1, 1, 1)
    assert Reading.objects.count() == 1
    # Another value proposed with the same words is another reading.
    proposals.reading_submit(
        author=member_a,
        case=case,
        item=Source.objects.get(key="ontmoeting"),
        value="2",
        voice="doener",
        body="Ik zie hier veel ontmoeting.",
    )
    assert sorted(Reading.objects.values_list("strength", flat=True)) == [2, 3]


# --- an edit ---------------------------------------------------------------------------------------


def edit_form(annotation, **changes) -> dict:
    return {
        "voice": annotation.voice,
        "kind": annotation.kind,
        "body": "Herwerkt: in onze buurt zie ik dit elke dag.",
        "attribution": "",
        "link": "",
        "version": annotation.version,
        **changes,
    }


@pytest.mark.parametrize("status", [Status.PENDING, Status.APPROVED, Status.CHANGES_REQUESTED])
def test_an_edit_sent_twice_is_the_edit_made_not_a_conflict(framework, member_a, status):
    note = make_annotation(author=member_a, status=status, body="In onze buurt.")
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[note.pk])
    form = edit_form(note)
    first, second = client.post(url, form), client.post(url, form)
    assert (first.status_code, second.status_code) == (302, 302)
    stored = Annotation.objects.get(pk=note.pk)
    assert (stored.status, stored.body) == (Status.PENDING, form["body"])
    assert AnnotationVersion.objects.filter(annotation=note).count() == 1


@pytest.mark.parametrize(
    "status, said",
    [
        (Status.APPROVED, "Bewaard. De gewijzigde kanttekening gaat opnieuw naar een moderator."),
        (
            Status.CHANGES_REQUESTED,
            "Bewaard. De gewijzigde kanttekening gaat opnieuw naar een moderator.",
        ),
        (Status.PENDING, "Bewaard."),
    ],
)
def test_an_edit_sent_twice_says_what_the_first_did(framework, member_a, status, said):
    """The browser shows the second response: it says what the edit did, as the first did."""
    note = make_annotation(author=member_a, status=status, body="In onze buurt.")
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[note.pk])
    form = edit_form(note)
    client.post(url, form)
    client.cookies.pop("messages", None)  # the first response's message, which the browser dropped
    response = client.post(url, form, follow=True)
    assert texts(parse(response), "//p[contains(@class,'message')]") == [said]


def test_an_edit_repeated_long_after_one_from_approved_says_only_saved(framework, member_a):
    """Its last event is the earlier edit that took it from the margin: this one did not."""
    note = make_annotation(author=member_a, status=Status.APPROVED, body="In onze buurt.")
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[note.pk])
    client.post(url, edit_form(note, body="Eerste herwerking."))
    pending = Annotation.objects.get(pk=note.pk)
    form = edit_form(pending, body="Tweede herwerking.")
    client.post(url, form)
    client.cookies.pop("messages", None)
    response = client.post(url, form, follow=True)
    assert texts(parse(response), "//p[contains(@class,'message')]") == ["Bewaard."]


@pytest.mark.parametrize(
    "status, said",
    [
        (Status.APPROVED, "Bewaard. Uw lezing gaat opnieuw naar een moderator."),
        (Status.CHANGES_REQUESTED, "Bewaard. Uw lezing gaat opnieuw naar een moderator."),
        (Status.PENDING, "Bewaard."),
    ],
)
def test_an_edited_reading_says_whether_it_left_the_page(framework, member_a, status, said):
    case = make_case(slug="buurtkeuken", strengths={"ontmoeting": 1})
    reading = make_reading(case, source="ontmoeting", author=member_a, status=status)
    client = logged_in(member_a)
    url = reverse("reading-edit", args=[reading.pk])
    form = {"voice": "doener", "body": "Anders gelezen.", "version": reading.version}
    response = client.post(url, form, follow=True)
    assert texts(parse(response), "//p[contains(@class,'message')]") == [said]


def test_a_reading_edited_twice_is_one_edit(framework, member_a):
    case = make_case(slug="buurtkeuken", strengths={"ontmoeting": 1})
    reading = make_reading(case, source="ontmoeting", author=member_a, status=Status.PENDING)
    client = logged_in(member_a)
    url = reverse("reading-edit", args=[reading.pk])
    form = {"voice": "doener", "body": "Anders gelezen.", "version": reading.version}
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    stored = Annotation.objects.get(pk=reading.pk)
    assert (stored.body, stored.version) == ("Anders gelezen.", reading.version + 1)
    assert AnnotationVersion.objects.filter(annotation=reading).count() == 1


def test_a_different_edit_from_the_same_old_form_is_still_a_conflict(framework, member_a):
    note = make_annotation(author=member_a, status=Status.PENDING, body="In onze buurt.")
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[note.pk])
    client.post(url, edit_form(note))
    response = client.post(url, edit_form(note, body="Nog eens anders."))
    assert response.status_code == 200  # the form again, with what was typed and why
    assert "u hebt intussen al een andere wijziging bewaard" in response.content.decode()
    assert Annotation.objects.get(pk=note.pk).body == "Herwerkt: in onze buurt zie ik dit elke dag."


def test_an_edit_sent_again_after_a_reviewer_decided_is_a_conflict(framework, member_a, reviewer):
    note = make_annotation(author=member_a, status=Status.PENDING, body="In onze buurt.")
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[note.pk])
    form = edit_form(note)
    client.post(url, form)
    services.annotation_moderate(
        annotation_id=note.pk,
        action="approve",
        actor=reviewer,
        expected_version=Annotation.objects.get(pk=note.pk).version,
    )
    response = client.post(url, form)
    assert "de moderatie heeft intussen beslist" in response.content.decode()
    assert Annotation.objects.get(pk=note.pk).status == Status.APPROVED


# --- at once -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_note_sent_six_times_at_once_is_one_note(live_server, framework):
    member = make_member()
    client = Client()
    client.force_login(member)
    name = django_settings.SESSION_COOKIE_NAME
    session = {name: client.cookies[name].value}
    statuses = all_at_once(6, lambda n: http_post(live_server, NEW, note_form(), cookies=session))
    assert Counter(statuses) == {302: 6}
    assert counts(member) == (1, 1, 1)
