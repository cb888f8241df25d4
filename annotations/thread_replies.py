"""Replies: a thread under a public margin note, one level deep.

A reply is an `Annotation` with motivation `replying`: its `parent` is the
thread's root note (also when it answers another reply), `reply_to` the
contribution it answers. It goes through the same moderation as a note (the
MODERATION table in `annotations.services`, its events, e-mails, limits and
versions); this module only adds how a reply is written and how threads are read.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotations.models import Annotation, Motivation, Status, _public
from annotations.rendering import render_markdown
from annotations.services import (
    ModerationError,
    _check_submission_rate,
    _lock_member,
    may_annotate,
    record_submission,
    require_body,
    sent_before,
)
from cases.models import may_read_drafts

# What the form and the pages say when a thread cannot take a reply (any more).
NOT_OPEN = gettext_lazy(
    "Op deze kanttekening kan niet (meer) geantwoord worden: ze staat niet online."
)


class ReplyRefused(ModerationError):
    """A reply that cannot be written here; the message says why, for the user."""


def may_reply(user) -> bool:
    """Members of a stakeholder organisation, and researchers (those who may edit cases)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return may_read_drafts(user) or may_annotate(user)


def _answered(pk: int) -> Annotation:
    """The public note or reply being answered, its row locked (a withdrawal waits for the reply)."""
    answered = (
        Annotation.objects.public()
        .exclude(motivation=Motivation.ASSESSING)
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .first()
    )
    if answered is None:
        raise ReplyRefused(NOT_OPEN)
    return answered


NOT_IN_THREAD = gettext_lazy(
    "U kunt alleen antwoorden op een bijdrage in het gesprek van deze kanttekening."
)


@transaction.atomic
def reply_submit(
    *,
    author,
    voice: str,
    body: str,
    attribution: str = "",
    link: str = "",
    parent_id: int | None = None,
    reply_to_id: int | None = None,
    thread_id: int | None = None,
    language: str = settings.LANGUAGE_CODE,
) -> Annotation:
    """A member or researcher answers a public note (`parent_id`) or a public reply in its thread (`reply_to_id`).

    The reply waits for a reviewer, as a note does; it counts against the same
    hourly limit. The same reply sent again is the one sent before (`sent_before`). A reply
    to a reply joins the same thread: its parent is the root. `thread_id`, when given (the note whose page or margin the form was on), must be
    that root: a reply never lands in another note's thread.
    """
    if (parent_id is None) == (reply_to_id is None):
        raise ValueError("reply_submit: give parent_id or reply_to_id, not both")
    if not may_reply(author):
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie en onderzoekers kunnen antwoorden.")
        )
    require_body(body)
    # The same lock order as every other submission: the member, then the annotation.
    _lock_member(author)
    answered = _answered(parent_id if parent_id is not None else reply_to_id)
    if parent_id is not None and answered.motivation != Motivation.COMMENTING:
        raise ReplyRefused(NOT_OPEN)
    root = answered if answered.parent_id is None else _answered(answered.parent_id)
    if thread_id is not None and root.pk != thread_id:
        raise ReplyRefused(NOT_IN_THREAD)
    repeat = sent_before(
        author,
        motivation=Motivation.REPLYING,
        reply_to=answered,
        voice=voice,
        body=body,
        attribution=attribution,
        link=link,
        original_language=language,
    )
    if repeat:
        return repeat
    _check_submission_rate(author)
    membership = getattr(author, "membership", None)
    reply = Annotation.objects.create(
        motivation=Motivation.REPLYING,
        parent=root,
        reply_to=answered,
        section=root.section,
        case=root.case,
        case_field=root.case_field,
        quote_exact="",
        position_start=0,
        position_end=0,
        text_revision="",
        voice=voice,
        kind="",
        body=body,
        body_html=render_markdown(body),
        attribution=attribution,
        link=link,
        original_language=language,
        author=author,
        organisation=membership.organisation if membership else None,
        status=Status.PENDING,
        submitted_at=timezone.now(),
    )
    record_submission(reply, author)
    return reply


# --- reading threads ----------------------------------------------------------------------


# A thread's order: written order, which an edit (a new `submitted_at`) does not change.
THREAD_ORDER = ("created_at", "pk")


def visible_replies(user):
    """The replies this reader sees in a thread: the public ones, plus their own in progress."""
    replies = Annotation.objects.replies()
    if not user.is_authenticated or not user.is_active:
        return replies.public()
    own = Q(author=user, status__in=[Status.PENDING, Status.CHANGES_REQUESTED])
    return replies.filter(_public() | own)


def attach_threads(notes: list[Annotation], user, replies: list[Annotation] | None = None) -> None:
    """Give each note its `thread`: the replies this reader sees, in order. One query for all notes
    (`replies`: none, when the caller read them already, in `THREAD_ORDER`).

    Each reply gets `answers`: the contribution it answers when this reader sees
    it in the same thread (the root or a reply shown), else None, so that a quote
    never shows what the reader may not read.
    """
    if not notes:
        return
    if replies is None:
        replies = (
            visible_replies(user)
            .filter(parent__in=[note.pk for note in notes])
            .select_related("author__preferences", "organisation")
            .order_by(*THREAD_ORDER)
        )
    by_root: dict[int, list[Annotation]] = defaultdict(list)
    for reply in replies:
        by_root[reply.parent_id].append(reply)
    for note in notes:
        thread = by_root.get(note.pk, [])
        shown = {note.pk: note} | {reply.pk: reply for reply in thread}
        for reply in thread:
            reply.answers = shown.get(reply.reply_to_id)
            reply.answers_root = reply.reply_to_id == note.pk
        note.thread = thread
        note.public_reply_count = sum(1 for r in thread if r.status == Status.APPROVED)
        note.own_pending_count = len(thread) - note.public_reply_count
