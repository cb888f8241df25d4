"""Two fan-outs or two digest runs at the same moment: every notification and every mail once.

Real threads, each with its own database connection (transactional tests).
"""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from annotations.models import Follow, MemberPreferences, Notification
from annotations.notification_services import (
    follow,
    notification_fan_out,
    send_digests,
    unfollow,
)
from tests.concurrency import at_once
from tests.factories import make_annotation, make_case, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_fan_outs_at_once_notify_each_follower_once():
    case = make_case()
    followers = [make_member(username=f"volger{n}") for n in range(5)]
    for follower in followers:
        Follow.objects.create(user=follower, case=case)
    note = make_annotation(target=case, author=make_member())
    assert at_once(lambda: notification_fan_out(note.pk), times=3) == []
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "volger0",
        "volger1",
        "volger2",
        "volger3",
        "volger4",
    ]


def test_two_digest_runs_at_once_send_each_mail_once():
    case = make_case()
    author = make_member()
    members = []
    for n in range(6):
        member = make_member(username=f"lid{n}", email=f"lid{n}@example.org")
        MemberPreferences.objects.create(user=member, email_frequency="immediately")
        note = make_annotation(target=case, author=author)
        Notification.objects.create(recipient=member, annotation=note, kind="note", reason="case")
        members.append(member)
    moment = datetime.datetime.now(ZoneInfo("Europe/Brussels")) + datetime.timedelta(minutes=1)
    assert at_once(lambda: send_digests(now=moment, chunk_size=2)) == []
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "lid0@example.org",
        "lid1@example.org",
        "lid2@example.org",
        "lid3@example.org",
        "lid4@example.org",
        "lid5@example.org",
    ]


def test_following_and_unfollowing_at_once_is_never_an_error():
    """get_or_create found no row, failed to insert one another request had just made, and
    read again after a third had removed it: an IntegrityError, a 500 on the follow button.
    One member's follow and unfollow of one target now take turns."""
    case = make_case()
    member = make_member()
    turns = itertools.count()

    def follow_or_unfollow():
        if next(turns) % 2:
            unfollow(user=member, target=case)
        else:
            follow(user=member, target=case)

    errors = []
    for _round in range(25):
        errors += at_once(follow_or_unfollow, times=6)
    assert errors == []
    assert Follow.objects.filter(user=member, case=case).count() <= 1
