"""What the pages a signed-in reader gets need to know about them, in one query per request:
whether they are a member of an organisation (who may write, reply, follow and save), whether
they ever wrote or were notified, and how many notifications wait unread for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from annotations.models import Annotation, Follow, Membership, Notification
from annotations.notifications import FOLLOW_TARGETS
from diegem.lib.prepared import PreparedQuery
from diegem.lib.request_memo import memoized


@dataclass(frozen=True)
class ReaderFacts:
    member: bool = False
    wrote: bool = False
    notified: bool = False
    unread: int = 0


NOBODY = ReaderFacts()


def _facts(user_id: int):
    user = get_user_model()(pk=user_id)
    unread = (
        Notification.objects.shown_to(user)
        .unread()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
            wrote=Exists(Annotation.objects.filter(author=OuterRef("pk"))),
            notified=Exists(Notification.objects.filter(recipient=OuterRef("pk"))),
            unread=Coalesce(Subquery(unread), 0),
        )
        .values("member", "wrote", "notified", "unread")
    )


# Read on every page a signed-in reader gets: compiled once per process (diegem.lib.prepared).
_FACTS = PreparedQuery(_facts)


def reader_facts(user) -> ReaderFacts:
    """This reader's facts; `NOBODY`'s for an anonymous or inactive user (no query)."""
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    return memoized(("reader_facts", user.pk), lambda: _read_facts(user.pk))


def _read_facts(user_id: int) -> ReaderFacts:
    rows = _FACTS.rows(user_id=user_id)
    return ReaderFacts(**rows[0]) if rows else NOBODY


def _following(kind: str) -> PreparedQuery:
    target = f"{FOLLOW_TARGETS[kind]}_id"
    return PreparedQuery(
        lambda user_id, target_id: Follow.objects.filter(
            user_id=user_id, **{target: target_id}
        ).values("pk")[:1]
    )


_FOLLOWING = {kind: _following(kind) for kind in FOLLOW_TARGETS}


def follows(user, kind: str, target_id: int) -> bool:
    """Whether a signed-in reader follows this target (one prepared query)."""
    return bool(_FOLLOWING[kind].rows(user_id=user.pk, target_id=target_id))
