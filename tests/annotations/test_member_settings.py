"""A member's settings: how often they are mailed, and how their contributions are signed.

"Alleen met mijn organisatie" holds everywhere an author is named: margins, search, the
moderators' queue, the notification list, mails (test_digests) and the W3C JSON-LD.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Follow, MemberPreferences, Notification
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reply
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def test_the_defaults_are_a_daily_digest_and_name_with_organisation(framework, member_a):
    page = parse(logged_in(member_a).get(reverse("member-settings")))
    assert page.xpath("//input[@name='email_frequency'][@checked]/@value") == ["daily"]
    assert page.xpath("//input[@name='shown_as'][@checked]/@value") == ["name"]
    assert texts(page, "//fieldset/legend") == [
        "E-mail over uw meldingen",
        "Hoe u bij uw bijdragen getoond wordt",
    ]


def test_a_member_saves_their_choices(framework, member_a):
    client = logged_in(member_a)
    response = client.post(
        reverse("member-settings"), {"email_frequency": "weekly", "shown_as": "organisation"}
    )
    assert response.status_code == 302
    preferences = MemberPreferences.objects.get(user=member_a)
    assert (preferences.email_frequency, preferences.shown_as) == ("weekly", "organisation")


def test_bad_input_names_the_field_and_saves_nothing(framework, member_a):
    response = logged_in(member_a).post(
        reverse("member-settings"), {"email_frequency": "elk-uur", "shown_as": "organisation"}
    )
    assert response.status_code == 200
    page = parse(response)
    assert texts(page, "//*[@class='field-error']") == [
        "Selecteer een geldige keuze. elk-uur is geen beschikbare keuze."
    ]
    # What the member chose elsewhere in the form stays chosen.
    assert page.xpath("//input[@name='shown_as'][@checked]/@value") == ["organisation"]
    assert not MemberPreferences.objects.exists()


def test_the_settings_page_asks_for_a_login(framework):
    response = Client().get(reverse("member-settings"))
    assert response.status_code == 302 and "/account/aanmelden/" in response["Location"]


def test_the_settings_page_lists_what_the_member_follows_in_a_flat_number_of_queries(
    framework, member_a, organisation_a
):
    client = logged_in(member_a)
    Follow.objects.create(user=member_a, case=make_case(title="Buurtcafé"))
    Follow.objects.create(user=member_a, organisation=organisation_a)
    with CaptureQueriesContext(connection) as few:
        page = parse(client.get(reverse("member-settings")))
    assert texts(page, "//ul[@class='follow-list']/li/a") == ["Buurtcafé"]
    assert texts(page, "//ul[@class='follow-list']//button") == ["Niet meer volgen: Buurtcafé"]
    # The organisation: its own button, above the list.
    assert texts(page, "//section[@class='follows']/form//p") == [
        "U volgt de bijdragen van uw organisatie. Uw meldingen"
    ]
    for number in range(5):
        Follow.objects.create(user=member_a, case=make_case(title=f"Praktijk {number}"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("member-settings"))
    assert len(many) == len(few)


def test_a_followed_case_taken_offline_is_not_named_in_the_settings(framework, member_a):
    draft = make_case(title="CONCEPTTITEL")
    Follow.objects.create(user=member_a, case=draft)
    draft.status = "draft"
    draft.save()
    page = logged_in(member_a).get(reverse("member-settings")).content.decode()
    assert "CONCEPTTITEL" not in page
    assert Follow.objects.filter(user=member_a, case=draft).exists()


# --- organisation only, everywhere -----------------------------------------------------------


@pytest.fixture
def anonymous_author(member_a):
    MemberPreferences.objects.create(user=member_a, shown_as="organisation")
    return member_a


def test_margins_search_and_queue_show_the_organisation_alone(
    framework, anonymous_author, reviewer
):
    case = make_case(title="Buurtcafé")
    note = make_annotation(target=case, author=anonymous_author, body="Een gedeelde ervaring.")
    make_annotation(target=case, author=anonymous_author, body="Wacht nog.", status="pending")
    margin = parse(Client().get(case.get_absolute_url()))
    assert texts(margin, "//*[@class='note__byline']") == ["Samenlevingsopbouw Testwijk"]
    # Search names no author at all (only the note's own attribution).
    search = Client().get(reverse("search"), {"q": "gedeelde ervaring"}).content.decode()
    assert f"#kanttekening-{note.pk}" in search
    queue = parse(logged_in(reviewer).get(reverse("moderation-queue")))
    assert "Amal" not in queue.text_content()
    assert "Auteur" not in " ".join(texts(queue, "//main//li"))
    for page in (margin.text_content(), search):
        assert "Amal" not in page


def test_the_w3c_creator_is_the_organisation(framework, anonymous_author, member_b):
    case = make_case()
    note = make_annotation(target=case, author=anonymous_author)
    named = make_annotation(target=case, author=member_b)
    data = json.loads(Client().get(reverse("api-annotation", args=[note.pk])).content)
    assert data["creator"] == {"type": "Organization", "name": "Samenlevingsopbouw Testwijk"}
    data = json.loads(Client().get(reverse("api-annotation", args=[named.pk])).content)
    assert data["creator"] == {"type": "Person", "name": "Bert Buur"}


def test_a_reply_and_the_notification_list_show_the_organisation_alone(
    framework, anonymous_author, member_b
):
    case = make_case()
    root = make_annotation(target=case, author=member_b)
    reply = make_reply(root, author=anonymous_author, body="Mee eens.")
    assert reply.byline == "Samenlevingsopbouw Testwijk"
    Notification.objects.create(recipient=member_b, annotation=reply, kind="reply", reason="thread")
    page = parse(logged_in(member_b).get(reverse("notifications")))
    assert texts(page, "//li[contains(@class, 'notification')]//*[@class='note__byline']") == [
        "Samenlevingsopbouw Testwijk"
    ]


def test_the_choice_applies_to_earlier_contributions_and_can_be_undone(framework, member_a):
    note = make_annotation(author=member_a)
    assert note.byline == "Amal Auteur · Samenlevingsopbouw Testwijk"
    logged_in(member_a).post(
        reverse("member-settings"), {"email_frequency": "daily", "shown_as": "organisation"}
    )
    assert Annotation.objects.with_target().get(pk=note.pk).byline == (
        "Samenlevingsopbouw Testwijk"
    )
    logged_in(member_a).post(
        reverse("member-settings"), {"email_frequency": "daily", "shown_as": "name"}
    )
    assert Annotation.objects.with_target().get(pk=note.pk).byline == (
        "Amal Auteur · Samenlevingsopbouw Testwijk"
    )


def test_a_stale_decision_does_not_name_an_author_shown_by_organisation(
    framework, member_a, reviewer
):
    MemberPreferences.objects.create(user=member_a, shown_as="organisation")
    note = make_annotation(target=make_case(), author=member_a)
    seen = note.version
    services.annotation_edit(
        annotation_id=note.pk,
        author=member_a,
        expected_version=seen,
        voice="denker",
        kind="associatie",
        body="Herschreven.",
    )
    with pytest.raises(services.ModerationError) as refused:
        services.annotation_moderate(
            annotation_id=note.pk,
            action="approve",
            actor=reviewer,
            expected_version=seen,
        )
    assert "Amal" not in str(refused.value), str(refused.value)
