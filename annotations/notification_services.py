"""Following, notifications and digests: the state changes (models: annotations.notifications).

- `follow` / `unfollow`: a member follows a case, a framework section, a source, a tension
  field or their own organisation.
- `notification_fan_out(annotation_id)`: after a contribution became public (the
  moderation engine calls it after commit), one notification per person who should hear
  of it (`notification_recipients`), never the author or the reviewer who approved it.
  Idempotent: a unique constraint per (recipient, annotation, kind).
- `notify_decision`: the author hears in the site of a reviewer's decision on their own
  contribution (the mail of `notify_author` stays as it was).
- `send_digests`: mails what is due per member's choice, at most once (see there).
- `set_preferences`, `unsubscribe` and the signed unsubscribe tokens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from annotations.models import Annotation, ModerationEvent, Motivation, Organisation
from annotations.notifications import (
    DEFAULT_EMAIL_FREQUENCY,
    FOLLOW_TARGETS,
    DigestMail,
    EmailFrequency,
    Follow,
    MemberPreferences,
    Notification,
    NotificationKind,
    NotificationReason,
)
from cases.models import Case
from diegem.lib.locking import one_at_a_time
from frameworks.models import Section, Source, TensionField

logger = logging.getLogger(__name__)

Reason = NotificationReason

# --- following -----------------------------------------------------------------------------------


class FollowError(Exception):
    """A follow that cannot be made; the message says why, for the member."""


def follow_target(user, kind: str, key: str):
    """What the follow form names (`kind`, `key`), as this user may see it; None when not found.

    A case only while the user may read it; an organisation only the user's own.
    """
    if kind == "praktijk":
        return Case.objects.visible_to(user).filter(slug=key).first()
    if kind == "kader":
        return Section.objects.filter(key=key).first()
    if kind == "bron":
        return Source.objects.filter(key=key).first()
    if kind == "spanningsveld":
        return TensionField.objects.filter(key=key).first()
    if kind == "organisatie":
        return Organisation.objects.of_member(user).filter(slug=key).first()
    return None


def _follow_field(target) -> str:
    for model, name in (
        (Case, "case"),
        (Section, "section"),
        (Source, "source"),
        (TensionField, "tension_field"),
        (Organisation, "organisation"),
    ):
        if isinstance(target, model):
            return name
    raise TypeError(f"Cannot follow {target!r}")


def follow_kind(target) -> str:
    """The follow form's word for this target ("praktijk", "kader", ...)."""
    name = _follow_field(target)
    return next(kind for kind, field_name in FOLLOW_TARGETS.items() if field_name == name)


def follow_key(target) -> str:
    return target.slug if isinstance(target, Case | Organisation) else target.key


def is_following(user, target) -> bool:
    return Follow.objects.filter(user=user, **{_follow_field(target): target}).exists()


@transaction.atomic
def follow(*, user, target) -> Follow:
    """A member follows something (again: nothing changes)."""
    if not Organisation.objects.of_member(user).exists():
        raise PermissionDenied(_("Alleen leden van een partnerorganisatie kunnen iets volgen."))
    if (
        isinstance(target, Organisation)
        and not Organisation.objects.of_member(user).filter(pk=target.pk).exists()
    ):
        raise PermissionDenied(_("U kunt alleen uw eigen organisatie volgen."))
    _in_turn(user, target)
    found, _created = Follow.objects.get_or_create(user=user, **{_follow_field(target): target})
    return found


@transaction.atomic
def unfollow(*, user, target) -> None:
    _in_turn(user, target)
    Follow.objects.filter(user=user, **{_follow_field(target): target}).delete()


def _in_turn(user, target) -> None:
    """One member's follow and unfollow of one target, one at a time: get_or_create beside a
    delete could fail its insert on a row made meanwhile and then not find it (an
    IntegrityError)."""
    one_at_a_time(f"follow:{user.pk}:{_follow_field(target)}:{target.pk}")


# --- preferences ---------------------------------------------------------------------------------


def preferences_of(user) -> MemberPreferences:
    """The member's choices, or the defaults (unsaved) when they never chose."""
    return MemberPreferences.objects.filter(user=user).first() or MemberPreferences(user=user)


def mail_language(user) -> str:
    """The language of the site's mails to `user`: their choice, else Dutch (no query when
    their preferences were selected with them)."""
    try:
        return user.preferences.language
    except MemberPreferences.DoesNotExist:
        return settings.LANGUAGE_CODE


@transaction.atomic
def set_preferences(
    *, user, email_frequency: str, shown_as: str, language: str | None = None
) -> MemberPreferences:
    """The member's choices; their mails' language stays as it was unless `language` is given."""
    defaults = {"email_frequency": email_frequency, "shown_as": shown_as}
    if language:
        defaults["language"] = language
    preferences, _created = MemberPreferences.objects.update_or_create(user=user, defaults=defaults)
    return preferences


UNSUBSCRIBE_SALT = "diegem.notifications.unsubscribe"


def unsubscribe_token(user) -> str:
    """A signed token for the one-click unsubscribe link: the user's id, nothing else.

    No expiry: a mail's link keeps working. Signed with SECRET_KEY and its own salt, so
    no other signed value of the site is accepted here.
    """
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=False)


def user_for_unsubscribe_token(token: str):
    """The user the token was made for, or None when it is forged, altered or the user is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return get_user_model().objects.filter(pk=data["u"]).first()


@transaction.atomic
def unsubscribe(*, user) -> None:
    """No more mail about notifications (the list in the site stays)."""
    MemberPreferences.objects.update_or_create(
        user=user, defaults={"email_frequency": EmailFrequency.NEVER}
    )


# --- the fan-out -----------------------------------------------------------------------------------

# One notification per person and contribution, for the strongest reason (the order of Reason).
REASON_ORDER = list(Reason.values)


def _kind_of(annotation: Annotation) -> str:
    return {
        Motivation.REPLYING: NotificationKind.REPLY,
        Motivation.ASSESSING: NotificationKind.READING,
    }.get(annotation.motivation, NotificationKind.NOTE)


def notification_recipients(annotation: Annotation, *, actor_id: int | None = None) -> dict:
    """Who hears that this contribution became public, and why: {user id: reason}.

    | contribution            | who                                                    | reason        |
    |-------------------------|--------------------------------------------------------|---------------|
    | a reply                 | the thread's root author and everyone who replied in it | thread        |
    | anything on a case      | the case's researchers                                  | researcher    |
    | anything on a case      | who follows the case                                    | case          |
    | anything on a section   | who follows the section                                 | section       |
    | a note on a source's    | who follows that source                                 | source        |
    |   section; a reading    |                                                         |               |
    |   of a source's coding  |                                                         |               |
    | a reading of a field's  | who follows that tension field                          | tension_field |
    |   coding                |                                                         |               |
    | anything                | members of the author's organisation who follow it      | organisation  |

    Never the author, nor who approved it. Only active members hear anything (a follow of
    someone who left their organisation is ignored), besides a case's researchers and
    researchers who answered in the thread.
    """
    candidates: dict[int, str] = {}

    def add(user_ids, reason: str) -> None:
        for user_id in user_ids:
            current = candidates.get(user_id)
            if current is None or REASON_ORDER.index(reason) < REASON_ORDER.index(current):
                candidates[user_id] = reason

    follows = Follow.objects.of_members()
    if annotation.motivation == Motivation.REPLYING:
        thread = Q(pk=annotation.parent_id) | Q(parent_id=annotation.parent_id)
        # Who wrote in it: members, and researchers (staff) who answered.
        add(
            Annotation.objects.filter(thread, author__is_active=True)
            .filter(Q(author__membership__isnull=False) | Q(author__is_staff=True))
            .values_list("author_id", flat=True),
            Reason.THREAD,
        )
    researchers: set[int] = set()
    if annotation.case_id:
        researchers = set(
            Case.researchers.through.objects.filter(
                case_id=annotation.case_id, user__is_active=True
            ).values_list("user_id", flat=True)
        )
        add(researchers, Reason.RESEARCHER)
        add(
            follows.filter(case_id=annotation.case_id).values_list("user_id", flat=True),
            Reason.CASE,
        )
    if annotation.section_id:
        add(
            follows.filter(section_id=annotation.section_id).values_list("user_id", flat=True),
            Reason.SECTION,
        )
        add(
            follows.filter(source__section_id=annotation.section_id).values_list(
                "user_id", flat=True
            ),
            Reason.SOURCE,
        )
    reading = annotation.reading if annotation.motivation == Motivation.ASSESSING else None
    if reading is not None:
        if reading.source_id:
            add(
                follows.filter(source_id=reading.source_id).values_list("user_id", flat=True),
                Reason.SOURCE,
            )
        if reading.tension_field_id:
            add(
                follows.filter(tension_field_id=reading.tension_field_id).values_list(
                    "user_id", flat=True
                ),
                Reason.TENSION_FIELD,
            )
    if annotation.organisation_id:
        add(
            follows.filter(
                organisation_id=annotation.organisation_id,
                user__membership__organisation_id=annotation.organisation_id,
            ).values_list("user_id", flat=True),
            Reason.ORGANISATION,
        )
    for user_id in (annotation.author_id, actor_id):
        candidates.pop(user_id, None)
    return candidates


def notification_fan_out(annotation_id: int, *, actor_id: int | None = None) -> int:
    """Notify everyone who should hear that this contribution is public; returns how many are new.

    Runs after the commit that approved it, and reads it again: if it is no longer
    public (withdrawn meanwhile), nobody is notified. Twice: nothing new.
    """
    annotation = Annotation.objects.public().filter(pk=annotation_id).first()
    if annotation is None:
        return 0
    kind = _kind_of(annotation)
    recipients = notification_recipients(annotation, actor_id=actor_id)
    existing = Notification.objects.filter(annotation=annotation, kind=kind)
    before = existing.count()
    # Conflicts (a second run, a re-approval) are skipped by the unique constraint.
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, annotation=annotation, kind=kind, reason=reason)
            for user_id, reason in recipients.items()
        ],
        ignore_conflicts=True,
    )
    return existing.count() - before


def notify_decision(event: ModerationEvent) -> None:
    """The author hears in the site of a decision on their own contribution (not of their own moves)."""
    author_id = event.annotation.author_id
    if author_id is None or author_id == event.actor_id:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=author_id,
                annotation_id=event.annotation_id,
                kind=NotificationKind.DECISION,
                reason=Reason.AUTHOR,
                event=event,
            )
        ],
        ignore_conflicts=True,
    )


# --- reading notifications -------------------------------------------------------------------------


def notifications_for_list(user):
    """A member's notifications for their list: only what they may still see, with what it shows."""
    return (
        Notification.objects.shown_to(user)
        .select_related(
            "annotation__case",
            "annotation__section",
            "annotation__parent__case",
            "annotation__parent__section",
            "annotation__author__preferences",
            "annotation__organisation",
            # A reading's link leads to its coding until it is public (`url_for_author`).
            "annotation__reading__source",
            "annotation__reading__tension_field",
            "event",
        )
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def mark_read(*, user, notification_ids) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


# --- digests ----------------------------------------------------------------------------------------

# How many notifications a mail lists (it counts the rest and links to the list).
DIGEST_MAX_ITEMS = 20
# Members per chunk: one transaction, a constant number of queries, bounded memory.
DIGEST_CHUNK = 200
DIGEST_LOCK = 7_310_012  # pg advisory lock: one send_digests at a time


def due_before(frequency: str, now: datetime) -> datetime:
    """Notifications made before this moment are due for a mail of this frequency.

    At once: everything until now. Daily: until today's DIGEST_HOUR (yesterday's before
    that hour), so however often the command runs, a day's mail goes out once. Weekly:
    until Monday's DIGEST_HOUR.
    """
    if frequency == EmailFrequency.IMMEDIATELY:
        return now
    local = timezone.localtime(now)
    boundary = local.replace(hour=settings.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if frequency == EmailFrequency.WEEKLY:
        boundary -= timedelta(days=local.weekday())
        step = timedelta(days=7)
    else:
        step = timedelta(days=1)
    if local < boundary:
        boundary -= step
    return boundary


@dataclass
class DigestReport:
    mails: int = 0
    notifications: int = 0
    failed: int = 0
    chunks: int = 0
    # Mails recorded by an earlier run that stopped before the mail server took them.
    unconfirmed: list[int] = field(default_factory=list)


@dataclass
class _Mail:
    digest: DigestMail
    email: str
    user: object
    language: str
    items: list = field(default_factory=list)
    more: int = 0


def send_digests(*, now: datetime | None = None, chunk_size: int = DIGEST_CHUNK) -> DigestReport:
    """Mail every member what is due for their choice; at most once, whatever happens.

    Per chunk of members, one transaction records a DigestMail per member and marks the
    notifications it carries (`Notification.digest`), then commits; only then are the
    mails sent, and each sent mail gets `sent_at`. So mark first, send after: a crash
    after the commit loses that chunk's mails (they stay in the site's list) but a
    second run never sends them again. A mail the server refuses (an exception) is
    unmarked, to be tried by the next run. Send first, mark after would send twice
    after a crash, which a member notices more than a missing digest.
    """
    now = now or timezone.now()
    report = DigestReport()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DIGEST_LOCK])
        if not cursor.fetchone()[0]:
            logger.warning("send_digests is already running; this run does nothing.")
            return report
    try:
        report.unconfirmed = list(
            DigestMail.objects.filter(sent_at__isnull=True, shown__gt=0, created_at__lt=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:100]
        )
        for frequency in (EmailFrequency.IMMEDIATELY, EmailFrequency.DAILY, EmailFrequency.WEEKLY):
            _send_frequency(frequency, now, chunk_size, report)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [DIGEST_LOCK])
    return report


# A mail carries nothing older than this: who chose "never" and mails again later gets the
# last week's news, not a year's; older notifications stay in the site's list.
DIGEST_LOOKBACK = timedelta(days=8)


def _oldest(cutoff: datetime) -> datetime:
    return cutoff - DIGEST_LOOKBACK


def _recipients_due(frequency: str, cutoff: datetime):
    """Members whose choice is `frequency` and who have something due, by id."""
    due = Notification.objects.mailable().filter(
        recipient=OuterRef("pk"), created_at__lt=cutoff, created_at__gte=_oldest(cutoff)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .annotate(
            frequency=Coalesce("preferences__email_frequency", Value(DEFAULT_EMAIL_FREQUENCY))
        )
        .filter(frequency=frequency)
        .filter(Exists(due))
        .order_by("pk")
    )


def _send_frequency(frequency: str, now: datetime, chunk_size: int, report: DigestReport) -> None:
    cutoff = due_before(frequency, now)
    last = 0
    while True:
        ids = list(
            _recipients_due(frequency, cutoff)
            .filter(pk__gt=last)
            .values_list("pk", flat=True)[:chunk_size]
        )
        if not ids:
            return
        last = ids[-1]
        report.chunks += 1
        mails = _mark_chunk(ids, frequency, cutoff, now, report)
        for mail in mails:
            _deliver(mail, report)
        DigestMail.objects.filter(
            pk__in=[mail.digest.pk for mail in mails if mail.digest.sent_at]
        ).update(sent_at=now)


@transaction.atomic
def _mark_chunk(ids, frequency, cutoff, now, report) -> list[_Mail]:
    """Record one DigestMail per member and mark what it carries; read what it shows."""
    digests = DigestMail.objects.bulk_create(
        [DigestMail(recipient_id=pk, frequency=frequency, created_at=now) for pk in ids]
    )
    by_recipient = {digest.recipient_id: digest for digest in digests}
    report.notifications += (
        Notification.objects.mailable()
        .filter(recipient_id__in=ids, created_at__lt=cutoff, created_at__gte=_oldest(cutoff))
        .update(
            digest=Subquery(
                DigestMail.objects.filter(
                    pk__in=[digest.pk for digest in digests], recipient_id=OuterRef("recipient_id")
                ).values("pk")[:1]
            )
        )
    )
    # What each mail shows: only what is public now (marked all the same: dealt with).
    public = Annotation.objects.public().filter(pk=OuterRef("annotation_id"))
    rows = (
        Notification.objects.filter(digest__in=digests)
        .filter(Exists(public))
        .select_related(
            "recipient__preferences",
            "annotation__case",
            "annotation__section",
            "annotation__author__preferences",
            "annotation__organisation",
        )
        .order_by("recipient_id", "-created_at", "-pk")
    )
    mails: dict[int, _Mail] = {}
    for notification in rows.iterator(chunk_size=1000):
        mail = mails.get(notification.recipient_id)
        if mail is None:
            recipient = notification.recipient
            mail = mails[recipient.pk] = _Mail(
                digest=by_recipient[recipient.pk],
                email=recipient.email,
                user=recipient,
                language=mail_language(recipient),
            )
        if len(mail.items) < DIGEST_MAX_ITEMS:
            with translation.override(mail.language):  # its labels and links
                mail.items.append(_item(notification))
        else:
            mail.more += 1
    for mail in mails.values():
        mail.digest.shown = len(mail.items) + mail.more
    DigestMail.objects.bulk_update([mail.digest for mail in mails.values()], ["shown"])
    return list(mails.values())


def _item(notification: Notification) -> dict:
    """What a mail says of one notification: plain strings, so a chunk holds no model graph."""
    annotation = notification.annotation
    return {
        "kind": notification.get_kind_display(),
        "reason": notification.get_reason_display(),
        "where": annotation.case.shown.title if annotation.case_id else str(annotation.section),
        "byline": annotation.byline,
        "excerpt": Truncator(" ".join(annotation.body.split())).words(40),
        "link": settings.SITE_URL + annotation.get_absolute_url(),
    }


def _digest_message(mail: _Mail) -> EmailMessage:
    unsubscribe_url = settings.SITE_URL + reverse(
        "notifications-unsubscribe", args=[unsubscribe_token(mail.user)]
    )
    context = {
        "mail": mail,
        "user": mail.user,
        "frequency": mail.digest.frequency,
        "list_url": settings.SITE_URL + reverse("notifications"),
        "settings_url": settings.SITE_URL + reverse("member-settings"),
        "unsubscribe_url": unsubscribe_url,
    }
    return EmailMessage(
        subject=render_to_string("annotations/email/digest_subject.txt", context).strip(),
        body=render_to_string("annotations/email/digest_body.txt", context),
        to=[mail.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _deliver(mail: _Mail, report: DigestReport) -> None:
    with translation.override(mail.language):  # the member's choice, links included
        message = _digest_message(mail)
    try:
        message.send()
    except Exception:
        # The server did not take it: unmark, so the next run tries again.
        logger.exception("Digest mail %s to user %s failed", mail.digest.pk, mail.user.pk)
        with transaction.atomic():
            Notification.objects.filter(digest=mail.digest).update(digest=None)
            DigestMail.objects.filter(pk=mail.digest.pk).delete()
        report.failed += 1
        return
    mail.digest.sent_at = timezone.now()
    report.mails += 1
