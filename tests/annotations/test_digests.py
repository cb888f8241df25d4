"""E-mail about notifications: at once, daily, weekly or never; at most once; one-click unsubscribe.

`send_digests` is run by cron every few minutes. Times below are in the site's zone
(Europe/Brussels): daily digests go from 07:00, weekly ones from Monday 07:00.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations.models import DigestMail, MemberPreferences, Membership, Notification
from annotations.notification_services import (
    send_digests,
    unsubscribe_token,
    user_for_unsubscribe_token,
)
from tests.factories import make_annotation, make_case, make_member

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in December 2026 in Brussels; 7 December 2026 is a Monday."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def case(framework):
    return make_case(title="Kookploeg Noord")


@pytest.fixture
def author(organisation_a):
    return make_member(organisation_a, username="schrijver", first_name="Sara", last_name="Schrijf")


def member_choosing(frequency: str | None, username: str):
    member = make_member(username=username, email=f"{username}@example.org", first_name=username)
    if frequency is not None:
        MemberPreferences.objects.create(user=member, email_frequency=frequency)
    return member


def notify(recipient, case, author, *, when, body="Een nieuwe kanttekening.", **fields):
    note = make_annotation(target=case, author=author, body=body, **fields)
    notification = Notification.objects.create(
        recipient=recipient, annotation=note, kind="note", reason="case"
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=when)
    return note


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_each_choice_gets_its_mail_at_its_time(case, author):
    """Made on Sunday 6 December at 10:00; runs at 10:05, Monday 06:59, 07:00 and again at 07:05."""
    people = {
        name: member_choosing(frequency, name)
        for name, frequency in (
            ("meteen", "immediately"),
            ("dagelijks", "daily"),
            ("standaard", None),
            ("wekelijks", "weekly"),
            ("nooit", "never"),
        )
    }
    for person in people.values():
        notify(person, case, author, when=at(6, 10))
    expected = {
        at(6, 10, 5): ["meteen@example.org"],
        at(7, 6, 59): [],
        at(7, 7, 0): [
            "dagelijks@example.org",
            "standaard@example.org",
            "wekelijks@example.org",
        ],
        at(7, 7, 5): [],
    }
    for moment, addresses in expected.items():
        mail.outbox.clear()
        send_digests(now=moment)
        assert sent_to() == addresses, moment


def test_a_daily_mail_waits_for_the_next_morning(case, author):
    member = member_choosing("daily", "dagelijks")
    notify(member, case, author, when=at(7, 7, 30))
    send_digests(now=at(7, 8))
    assert mail.outbox == []
    send_digests(now=at(8, 7))
    assert sent_to() == ["dagelijks@example.org"]


def test_a_weekly_mail_waits_for_monday(case, author):
    member = member_choosing("weekly", "wekelijks")
    notify(member, case, author, when=at(7, 9))
    send_digests(now=at(13, 23))  # Sunday
    assert mail.outbox == []
    send_digests(now=at(14, 7))  # Monday
    assert sent_to() == ["wekelijks@example.org"]


def test_the_mail_lists_what_happened_with_links_and_the_unsubscribe_headers(
    case, author, settings
):
    settings.SITE_URL = "https://praktijkenbank.example"
    member = member_choosing("immediately", "meteen")
    note = notify(member, case, author, when=at(6, 10), body="Zie ook het buurtfeest van juni.")
    send_digests(now=at(6, 11))
    (message,) = mail.outbox
    assert message.subject == "Nieuwe kanttekening bij ‘Kookploeg Noord’"
    assert "Sara Schrijf · Samenlevingsopbouw Testwijk: Zie ook het buurtfeest van juni." in (
        message.body
    )
    assert f"https://praktijkenbank.example/praktijken/{case.slug}/#kanttekening-{note.pk}" in (
        message.body
    )
    # The signed token carries the second it was made: read back, not made again.
    link = message.extra_headers["List-Unsubscribe"].removeprefix("<").removesuffix(">")
    prefix = "https://praktijkenbank.example/meldingen/uitschrijven/"
    assert link.startswith(prefix) and link.endswith("/")
    assert user_for_unsubscribe_token(link.removeprefix(prefix).removesuffix("/")) == member
    assert link in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_digest_lists_twenty_and_counts_the_rest(case, author):
    member = member_choosing("daily", "dagelijks")
    for number in range(23):
        notify(member, case, author, when=at(6, 10), body=f"Kanttekening nummer {number}.")
    send_digests(now=at(7, 7))
    (message,) = mail.outbox
    assert message.subject == "Praktijkenbank DieGem: 23 nieuwe meldingen"
    assert message.body.count("Kanttekening nummer") == 20
    assert "En nog 3 meldingen." in message.body


def test_a_second_run_sends_nothing_twice(case, author):
    member = member_choosing("immediately", "meteen")
    notify(member, case, author, when=at(6, 10))
    send_digests(now=at(6, 11))
    send_digests(now=at(6, 11))
    send_digests(now=at(6, 12))
    assert sent_to() == ["meteen@example.org"]
    (digest,) = DigestMail.objects.all()
    assert (digest.shown, digest.sent_at is not None) == (1, True)


def test_a_crash_between_marking_and_sending_sends_nothing_twice(case, author, monkeypatch):
    """The process dies after the commit that marks two members' mails, before the first leaves."""
    first = member_choosing("immediately", "eerste")
    second = member_choosing("immediately", "tweede")
    notify(first, case, author, when=at(6, 10))
    notify(second, case, author, when=at(6, 10))

    class Killed(BaseException):
        """Like SIGKILL for the run: not an Exception, nothing catches it."""

    def die(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", die)
        with pytest.raises(Killed):
            send_digests(now=at(6, 11))
    report = send_digests(now=at(6, 12))
    assert mail.outbox == []
    assert report.unconfirmed == list(
        DigestMail.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert Notification.objects.filter(digest__isnull=True).count() == 0


def test_after_never_a_mail_carries_only_the_last_eight_days(case, author):
    member = member_choosing("never", "weer-terug")
    notify(member, case, author, when=at(1, 10), body="Van lang geleden.")
    notify(member, case, author, when=at(6, 10), body="Van gisteren.")
    send_digests(now=at(7, 7))
    assert mail.outbox == []
    MemberPreferences.objects.filter(user=member).update(email_frequency="daily")
    send_digests(now=at(10, 7))
    (message,) = mail.outbox
    assert "Van gisteren." in message.body and "Van lang geleden." not in message.body


def test_a_mail_the_server_refuses_is_tried_again_next_run(case, author, monkeypatch):
    member = member_choosing("immediately", "meteen")
    notify(member, case, author, when=at(6, 10))

    def refuse(*args, **kwargs):
        raise OSError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        report = send_digests(now=at(6, 11))
    assert (report.mails, report.failed) == (0, 1)
    send_digests(now=at(6, 12))
    assert sent_to() == ["meteen@example.org"]


# --- nothing that is not public reaches a mail -------------------------------------------------------


def test_no_mail_shows_what_is_withdrawn_rejected_pending_or_offline_since(case, author):
    member = member_choosing("immediately", "meteen")
    offline_case = make_case(title="Later offline")
    notify(member, case, author, when=at(6, 10), body="INGETROKKENMARKER", status="withdrawn")
    notify(member, case, author, when=at(6, 10), body="AFGEWEZENMARKER", status="rejected")
    notify(member, case, author, when=at(6, 10), body="WACHTENDMARKER", status="pending")
    notify(member, offline_case, author, when=at(6, 10), body="OFFLINEMARKER")
    notify(member, case, author, when=at(6, 10), body="Openbaar en zichtbaar.")
    offline_case.status = "draft"
    offline_case.save()
    send_digests(now=at(6, 11))
    (message,) = mail.outbox
    for marker in ("INGETROKKEN", "AFGEWEZEN", "WACHTEND", "OFFLINE", "Later offline"):
        assert marker not in message.subject + message.body
    assert "Openbaar en zichtbaar." in message.body
    # All five were dealt with: none waits to be mailed later.
    assert Notification.objects.filter(digest__isnull=True).count() == 0


def test_nothing_at_all_when_nothing_is_public_any_more(case, author):
    member = member_choosing("immediately", "meteen")
    note = notify(member, case, author, when=at(6, 10))
    note.status = "withdrawn"
    note.save()
    send_digests(now=at(6, 11))
    assert mail.outbox == []


def test_a_follower_who_left_the_organisation_is_mailed_nothing(case, author):
    member = member_choosing("immediately", "vertrokken")
    notify(member, case, author, when=at(6, 10))
    Membership.objects.filter(user=member).delete()
    send_digests(now=at(6, 11))
    assert mail.outbox == []


def test_decisions_are_never_in_a_digest(case, author, reviewer):
    """The author is mailed the decision at once by notify_author; a digest does not repeat it."""
    note = make_annotation(target=case, author=author)
    event = note.events.create(action="approve", old_status="pending", new_status="approved")
    Notification.objects.create(
        recipient=author, annotation=note, kind="decision", reason="author", event=event
    )
    MemberPreferences.objects.create(user=author, email_frequency="immediately")
    send_digests(now=at(6, 11))
    assert mail.outbox == []


# --- the author's choice of how they are shown, in mails -------------------------------------------


def test_a_mail_shows_an_author_who_chose_so_by_their_organisation_alone(case, author):
    MemberPreferences.objects.create(user=author, shown_as="organisation")
    member = member_choosing("immediately", "meteen")
    notify(member, case, author, when=at(6, 10), body="Zonder naam.")
    send_digests(now=at(6, 11))
    (message,) = mail.outbox
    assert "Samenlevingsopbouw Testwijk: Zonder naam." in message.body
    assert "Sara" not in message.body and "Schrijf" not in message.body


# --- unsubscribe --------------------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_login_and_asks_first(case, author):
    member = member_choosing("daily", "dagelijks")
    url = reverse("notifications-unsubscribe", args=[unsubscribe_token(member)])
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    assert response.status_code == 200
    assert "Ja, geen e-mail meer" in response.content.decode()
    assert MemberPreferences.objects.get(user=member).email_frequency == "daily"
    response = client.post(url)
    assert response.status_code == 200
    assert "u krijgt geen e-mail meer" in response.content.decode()
    assert MemberPreferences.objects.get(user=member).email_frequency == "never"


def test_one_click_unsubscribe_from_a_mail_client(case, author):
    """RFC 8058: the client POSTs List-Unsubscribe=One-Click, without a CSRF token or cookie."""
    member = member_choosing(None, "standaard")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("notifications-unsubscribe", args=[unsubscribe_token(member)]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert MemberPreferences.objects.get(user=member).email_frequency == "never"


@pytest.mark.parametrize(
    "make_token",
    [
        lambda member: unsubscribe_token(member)[:-2] + "xx",  # the signature altered
        lambda member: re.sub(r"^[^:]+", "eyJ1IjoxfQ", unsubscribe_token(member)),  # another id
        lambda member: "niets",  # no token at all
        # Signed by the site, but for another purpose (another salt): refused.
        lambda member: signing.dumps({"u": member.pk}),
    ],
    ids=["altered", "another-user", "garbage", "other-salt"],
)
def test_a_forged_token_is_refused_with_a_clear_page(case, author, make_token):
    member = member_choosing("daily", "dagelijks")
    url = reverse("notifications-unsubscribe", args=[make_token(member)])
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 400
        assert "Deze afmeldlink klopt niet" in response.content.decode()
    assert MemberPreferences.objects.get(user=member).email_frequency == "daily"


# --- the command, in chunks -----------------------------------------------------------------------------


def queries_of_a_run(**kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        send_digests(now=at(6, 11), **kwargs)
    return len(captured)


def test_the_queries_grow_with_chunks_of_members_not_with_notifications(case, author):
    members = [member_choosing("immediately", f"lid{n}") for n in range(4)]
    for member in members:
        notify(member, case, author, when=at(6, 10))
    few = queries_of_a_run(chunk_size=2)
    assert len(mail.outbox) == 4
    mail.outbox.clear()
    for member in members:
        for _ in range(15):
            notify(member, case, author, when=at(6, 10))
    many = queries_of_a_run(chunk_size=2)
    assert len(mail.outbox) == 4
    assert many == few
    mail.outbox.clear()
    for member in members:
        notify(member, case, author, when=at(6, 10))
    # Four chunks of one member instead of two of two: two chunks' worth more queries.
    per_chunk = (queries_of_a_run(chunk_size=1) - many) // 2
    assert 0 < per_chunk <= 8


def test_the_command_runs_and_says_what_it_did(case, author, capsys):
    member = member_choosing("immediately", "meteen")
    notify(member, case, author, when=timezone.now() - datetime.timedelta(minutes=1))
    call_command("send_digests")
    out = capsys.readouterr().out
    assert out.strip() == (
        "1 e-mail(s) verstuurd, 1 melding(en) verwerkt; 0 mislukt (volgende run opnieuw)."
    )
    call_command("send_digests")
    assert capsys.readouterr().out.strip().startswith("0 e-mail(s) verstuurd, 0 melding(en)")
    assert len(mail.outbox) == 1


def test_a_member_who_was_mailed_a_digest_can_be_deleted(framework, member_a, member_b):
    note = make_annotation(target=make_case(), author=member_a)
    digest = DigestMail.objects.create(
        recipient=member_b, frequency="daily", created_at=timezone.now()
    )
    Notification.objects.create(
        recipient=member_b, annotation=note, kind="note", reason="case", digest=digest
    )
    member_b.delete()
    assert not get_user_model().objects.filter(username="lid-b").exists()
