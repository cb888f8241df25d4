"""What the pages a signed-in reader gets need to know about them, in one query per request:
whether they are a member of an organisation (who may write, reply, follow and save), whether
they ever wrote or were notified, how many notifications wait unread for them, and whether they
follow what the page offers to follow (its follow button's target, named by the header that
asks first: `account_offers`) and, that target a case, whether anything of theirs is on it (the
case's margin then reads their notes only if so: `nothing_theirs_on_case`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from annotations.models import Annotation, Follow, Membership, Notification, user_reader_key
from annotations.notifications import FOLLOW_TARGETS
from diegem.lib.prepared import PreparedQuery
from diegem.lib.request_memo import memoized, remembered


@dataclass(frozen=True)
class ReaderFacts:
    member: bool = False
    wrote: bool = False
    notified: bool = False
    unread: int = 0
    following: tuple[str, int] | None = None  # the page's follow target asked about: (kind, id)
    follows: bool = False  # whether they follow it
    # A case as that target: whether anything of theirs is on it in any state (a note, a reply,
    # a reading, an open flag: `of_reader`); None when not asked.
    theirs_on_case: bool | None = None


NOBODY = ReaderFacts()
# The follow form's word for a case: a case as the page's target is also asked what is theirs.
CASE_KIND = next(kind for kind, field in FOLLOW_TARGETS.items() if field == "case")


def _facts(
    user_id: int,
    target_id: int | None = None,
    reader_key: str | None = None,
    *,
    kind: str | None = None,
):
    user = get_user_model()(pk=user_id)
    unread = (
        Notification.objects.shown_to(user)
        .unread()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    facts = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
            wrote=Exists(Annotation.objects.filter(author=OuterRef("pk"))),
            notified=Exists(Notification.objects.filter(recipient=OuterRef("pk"))),
            unread=Coalesce(Subquery(unread), 0),
        )
    )
    if kind is None:
        return facts.values("member", "wrote", "notified", "unread")
    target = {f"{FOLLOW_TARGETS[kind]}_id": target_id}
    facts = facts.annotate(
        follows_target=Exists(Follow.objects.filter(user=OuterRef("pk"), **target))
    )
    if kind != CASE_KIND:
        return facts.values("member", "wrote", "notified", "unread", "follows_target")
    if reader_key is None:
        raise TypeError("A case's facts need the reader key its flags are under.")
    theirs = Annotation.objects.filter(case_id=target_id).of_reader(user, reader_key)
    return facts.annotate(theirs_on_case=Exists(theirs)).values(
        "member", "wrote", "notified", "unread", "follows_target", "theirs_on_case"
    )


# Read on every page a signed-in reader gets: compiled once per process (diegem.lib.prepared);
# on a page with a follow button, with whether they follow its target (one statement per kind)
# and, a case's, whether anything of theirs is on it (`case_margin` then reads nothing more).
_FACTS = PreparedQuery(_facts)
_FACTS_FOLLOWING = {kind: PreparedQuery(partial(_facts, kind=kind)) for kind in FOLLOW_TARGETS}


def reader_facts(user, following: tuple[str, int] | None = None) -> ReaderFacts:
    """This reader's facts; `NOBODY`'s for an anonymous or inactive user (no query). With
    `following` (a follow target's kind and id), whether they follow it (and, a case, whether
    anything of theirs is on it) is read with them, if this request has not read them yet
    (`follows` reads it apart otherwise)."""
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    return memoized(_memo_key(user), lambda: _read_facts(user.pk, following))


def _memo_key(user) -> tuple:
    return ("reader_facts", user.pk)


def _read_facts(user_id: int, following: tuple[str, int] | None) -> ReaderFacts:
    if following is None:
        rows = _FACTS.rows(user_id=user_id)
    else:
        kind, target_id = following
        on_case = {"reader_key": user_reader_key(user_id)} if kind == CASE_KIND else {}
        rows = _FACTS_FOLLOWING[kind].rows(user_id=user_id, target_id=target_id, **on_case)
    if not rows:
        return NOBODY
    row = rows[0]
    followed = row.pop("follows_target", False)
    return ReaderFacts(**row, following=following, follows=followed)


def _following(kind: str) -> PreparedQuery:
    target = f"{FOLLOW_TARGETS[kind]}_id"
    return PreparedQuery(
        lambda user_id, target_id: Follow.objects.filter(
            user_id=user_id, **{target: target_id}
        ).values("pk")[:1]
    )


_FOLLOWING = {kind: _following(kind) for kind in FOLLOW_TARGETS}


def follows(user, kind: str, target_id: int) -> bool:
    """Whether a signed-in reader follows this target: known from the facts this request read
    for them if those were read with it (`account_offers`), else one small prepared query."""
    facts = remembered(_memo_key(user))
    if facts is not None and facts.following == (kind, target_id):
        return facts.follows
    return bool(_FOLLOWING[kind].rows(user_id=user.pk, target_id=target_id))


def nothing_theirs_on_case(user, case_id: int, reader_key: str | None) -> bool:
    """Whether the facts this request read for a signed-in reader, with this case as the page's
    follow target, say that nothing of theirs is on it (False when they were not read so, or
    for another reader key than the one they were read with: a signed-in reader's own)."""
    if not user.is_authenticated or reader_key != user_reader_key(user.pk):
        return False
    facts = remembered(_memo_key(user))
    return (
        facts is not None
        and facts.following == (CASE_KIND, case_id)
        and facts.theirs_on_case is False
    )
