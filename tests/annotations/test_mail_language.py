"""Mails are in the language the member chose in their settings (Dutch until they choose),
their links too, whatever the language of the page the sender acted on."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from annotations import services
from annotations.models import MemberPreferences, Notification
from annotations.notification_services import send_digests
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_member
from tests.html import parse

pytestmark = pytest.mark.django_db


def approve_on_a_page_in(language, note, reviewer, capture):
    """A reviewer approves from a page in `language` (as the request would have it active)."""
    with translation.override(language), capture(execute=True):
        services.annotation_moderate(
            annotation_id=note.pk,
            action="approve",
            actor=reviewer,
            expected_version=note.version,
        )


@pytest.mark.parametrize(
    ("chosen", "reviewers_page", "subject", "link"),
    [
        (None, "fr", "Uw kanttekening staat online", "http://testserver/praktijken/kookploeg/"),
        ("nl", "en", "Uw kanttekening staat online", "http://testserver/praktijken/kookploeg/"),
        ("fr", "nl", "Votre annotation est en ligne", "http://testserver/fr/praktijken/kookploeg/"),
        ("en", "fr", "Your margin note is online", "http://testserver/en/praktijken/kookploeg/"),
    ],
)
def test_a_decision_is_mailed_in_the_authors_language(
    framework,
    member_a,
    reviewer,
    django_capture_on_commit_callbacks,
    settings,
    chosen,
    reviewers_page,
    subject,
    link,
):
    settings.SITE_URL = "http://testserver"
    if chosen:
        MemberPreferences.objects.create(user=member_a, language=chosen)
    case = make_case(slug="kookploeg")
    note = make_annotation(target=case, author=member_a, status="pending")
    approve_on_a_page_in(reviewers_page, note, reviewer, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == subject
    assert f"{link}#kanttekening-{note.pk}" in message.body


BRUSSELS = ZoneInfo("Europe/Brussels")


def test_each_digest_is_in_its_members_language(framework, member_a):
    case = make_case(title="Kookploeg Noord", slug="kookploeg")
    readers = {}
    for language in ("nl", "fr", "en", None):
        name = f"lezer-{language or 'standaard'}"
        reader = make_member(username=name, email=f"{name}@example.org")
        preferences = {"email_frequency": "immediately"}
        if language:
            preferences["language"] = language
        MemberPreferences.objects.create(user=reader, **preferences)
        note = make_annotation(target=case, author=member_a, body="Een nieuwe kanttekening.")
        Notification.objects.create(recipient=reader, annotation=note, kind="note", reason="case")
        readers[name] = note
    made = datetime.datetime(2026, 12, 7, 10, tzinfo=BRUSSELS)
    Notification.objects.update(created_at=made)
    with translation.override("fr"):  # whatever the language the command runs in
        send_digests(now=made + datetime.timedelta(minutes=5))
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "lezer-nl@example.org": "Nieuwe kanttekening bij ‘Kookploeg Noord’",
        "lezer-standaard@example.org": "Nieuwe kanttekening bij ‘Kookploeg Noord’",
        "lezer-fr@example.org": "Nouvelle annotation sur «\xa0Kookploeg Noord\xa0»",
        "lezer-en@example.org": "New margin note on ‘Kookploeg Noord’",
    }
    french = next(m for m in mail.outbox if m.to == ["lezer-fr@example.org"])
    assert f"/fr/praktijken/kookploeg/#kanttekening-{readers['lezer-fr'].pk}" in french.body
    assert "/fr/meldingen/uitschrijven/" in french.extra_headers["List-Unsubscribe"]


def test_a_member_chooses_the_language_of_their_mails(member_a):
    client = logged_in(member_a)
    # Until they choose, the page's language is offered.
    page = parse(client.get("/fr/account/instellingen/"))
    assert page.xpath("//select[@name='language']/option[@selected]/@value") == ["fr"]
    client.post(
        "/fr/account/instellingen/",
        {"email_frequency": "weekly", "shown_as": "name", "language": "fr"},
    )
    assert MemberPreferences.objects.get(user=member_a).language == "fr"
    # A form without the field (an older page) leaves the choice as it was.
    client.post("/account/instellingen/", {"email_frequency": "daily", "shown_as": "name"})
    preferences = MemberPreferences.objects.get(user=member_a)
    assert (preferences.email_frequency, preferences.language) == ("daily", "fr")


def test_an_unknown_mail_language_is_refused_by_name(member_a):
    response = logged_in(member_a).post(
        "/account/instellingen/",
        {"email_frequency": "weekly", "shown_as": "name", "language": "de"},
    )
    assert response.status_code == 200
    assert not MemberPreferences.objects.filter(user=member_a).exists()
    errors = [
        " ".join(item.text_content().split())
        for item in parse(response).xpath("//*[@class='form-errors']//li")
    ]
    assert errors == [
        "Taal van uw e-mails: Selecteer een geldige keuze. de is geen beschikbare keuze."
    ]
