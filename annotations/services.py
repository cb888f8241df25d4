"""State changes of annotations. Views, forms, admin and commands call these.

Every status change goes through `annotation_transition`, driven by the one
`MODERATION` table; it runs inside the caller's transaction on a locked row,
writes one ModerationEvent and mails the author after commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annotations.models import (
    Annotation,
    AnnotationVersion,
    Flag,
    ModerationEvent,
    Motivation,
    Status,
    user_reader_key,
)
from annotations.models import ModerationAction as Action
from annotations.notification_services import mail_language, notification_fan_out, notify_decision
from annotations.reader_facts import reader_facts
from annotations.rendering import render_markdown
from annotations.targets import Target
from cases.models import Case
from diegem.lib.anchoring import (
    PassageNotFound,
    locate_passage,
    make_anchor,
    reanchor,
    reanchor_passages,
    same_passage,
)
from diegem.lib.annotatable import text_revision
from diegem.lib.client_address import client_network
from diegem.lib.languages import version_text
from diegem.lib.locking import one_at_a_time
from diegem.lib.people import shown_name
from diegem.lib.visible_text import has_visible_text
from diegem.lib.workflow import IllegalTransition, Workflow
from frameworks.models import Section

# --- the rules -------------------------------------------------------------------------

# One table for every status change: (action, current status) -> new status. The actions
# and their Dutch labels: ModerationAction (annotations.models), the choices of ModerationEvent.action.
MODERATION = Workflow(
    {
        # A reviewer accepts a new or edited annotation: it goes public.
        (Action.APPROVE, Status.PENDING): Status.APPROVED,
        # A reviewer finds the flags unfounded and puts a hidden annotation back.
        (Action.APPROVE, Status.HIDDEN): Status.APPROVED,
        # A reviewer asks the author to rework it, with a message.
        (Action.REQUEST_CHANGES, Status.PENDING): Status.CHANGES_REQUESTED,
        # A reviewer turns it down, with a reason.
        (Action.REJECT, Status.PENDING): Status.REJECTED,
        # A reviewer agrees with the flags on a hidden annotation.
        (Action.REJECT, Status.HIDDEN): Status.REJECTED,
        # A reviewer takes a public annotation out of view, with a reason.
        (Action.HIDE, Status.APPROVED): Status.HIDDEN,
        # A reviewer finds the flags on a public annotation unfounded: it stays, flags settled.
        (Action.KEEP, Status.APPROVED): Status.APPROVED,
        # A reviewer agrees with the flags on a public annotation: it goes, with a reason.
        (Action.REJECT, Status.APPROVED): Status.REJECTED,
        # Enough readers flagged a public annotation: out of view until a reviewer decides.
        (Action.HIDE_BY_FLAGS, Status.APPROVED): Status.HIDDEN,
        # The author edits a public annotation: it goes back to review.
        (Action.EDIT, Status.APPROVED): Status.PENDING,
        # The author reworks it after a request for changes: back to review.
        (Action.EDIT, Status.CHANGES_REQUESTED): Status.PENDING,
        # The author withdraws it, from any state that is not final.
        (Action.WITHDRAW, Status.PENDING): Status.WITHDRAWN,
        (Action.WITHDRAW, Status.APPROVED): Status.WITHDRAWN,
        (Action.WITHDRAW, Status.CHANGES_REQUESTED): Status.WITHDRAWN,
        (Action.WITHDRAW, Status.HIDDEN): Status.WITHDRAWN,
    }
)
REVIEWER_ACTIONS = (Action.APPROVE, Action.KEEP, Action.REQUEST_CHANGES, Action.REJECT, Action.HIDE)
REASON_REQUIRED = {Action.REQUEST_CHANGES, Action.REJECT, Action.HIDE}
# Decisions the author hears about by mail ("keep" changes nothing for them).
NOTIFIED_ACTIONS = {
    Action.APPROVE,
    Action.REQUEST_CHANGES,
    Action.REJECT,
    Action.HIDE,
    Action.HIDE_BY_FLAGS,
}
# The author may edit the content in these statuses (a pending one stays pending: no move of the table).
EDITABLE = {Status.PENDING, Status.APPROVED, Status.CHANGES_REQUESTED}
WITHDRAWABLE = {status for status in Status if MODERATION.next_status(Action.WITHDRAW, status)}


def reviewer_actions_for(status: str) -> list[str]:
    """The reviewer's actions the table allows from this status, in the order of REVIEWER_ACTIONS."""
    allowed = MODERATION.actions_from(status)
    return [action for action in REVIEWER_ACTIONS if action in allowed]


def approval_refusal(annotation: Annotation) -> str:
    """Why a reviewer may not approve this annotation now, beside the table ("" when they may):
    a reply whose note is not public would be approved for nobody to see, and its author told
    it is online. It waits until the note is back, or the reviewer rejects it."""
    if annotation.thread_open:
        return ""
    note = annotation.parent
    if note.status == Status.APPROVED:  # approved, but its passage was lost in an edit of the text
        state = _("passage niet meer gevonden")
    else:
        state = note.get_status_display()
    return _(
        "Dit antwoord kan niet goedgekeurd worden: de kanttekening waarop het antwoordt, staat "
        "niet online (%(state)s). Laat het wachten tot ze weer online staat, of wijs het af met "
        "een reden."
    ) % {"state": state}


def reviewer_actions_on(annotation: Annotation) -> list[str]:
    """The decisions a reviewer is offered on this annotation: the table's for its status,
    without approving what `approval_refusal` refuses."""
    actions = reviewer_actions_for(annotation.status)
    if Action.APPROVE in actions and approval_refusal(annotation):
        actions.remove(Action.APPROVE)
    return actions


class ModerationError(Exception):
    """A state change that cannot be made; the message says why, for the user."""


class StaleAnnotation(ModerationError):
    """Someone else changed the annotation since the user loaded it."""


class AnchorError(ModerationError):
    """The passage could not be found in the text."""


class TargetOffline(ModerationError):
    """The annotated case is not published: its text is a draft this user may not read."""


def minutes_from_now(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext("over %(count)d minuut", "over %(count)d minuten", minutes) % {"count": minutes}


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = ""):
        self.retry_after = retry_after
        super().__init__(
            message
            or _("Te veel in korte tijd; probeer het %(when)s opnieuw.")
            % {"when": minutes_from_now(retry_after)}
        )


class AlreadyFlagged(ModerationError):
    pass


class NotFlaggable(PermissionDenied):
    """Only public annotations can be flagged (this one is not, or no longer)."""


def may_annotate(user) -> bool:
    """Members of a stakeholder organisation may annotate (read once per reading request)."""
    return reader_facts(user).member


def is_reviewer(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm("annotations.moderate_annotation")
    )


# --- writing annotations -------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    """How many submissions (new or edited annotations) a member has left this hour."""

    limit: int
    left: int
    resets_at: datetime | None  # when the next one becomes possible, if none is left

    # Below this many, the forms say how many are left.
    SHOWN_BELOW = 4

    @property
    def worth_saying(self) -> bool:
        return self.left < self.SHOWN_BELOW

    @property
    def retry_after(self) -> int:
        if self.resets_at is None:
            return 0
        return max(1, int((self.resets_at - timezone.now()).total_seconds()) + 1)


def submission_allowance(user) -> Allowance:
    """The member's submissions in the last hour against the hourly limit."""
    limit = settings.ANNOTATION_SUBMISSIONS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    times = list(
        AnnotationVersion.objects.filter(author=user, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    left = max(0, limit - len(times))
    # None left: one comes free when the submission that puts the count at the limit leaves the hour.
    resets_at = times[len(times) - limit] + timedelta(hours=1) if not left and times else None
    return Allowance(limit=limit, left=left, resets_at=resets_at)


def require_body(body: str) -> None:
    """A contribution's text holds something a reader can see: every form says so beside its
    field first; an entry point without a form (a script, the shell) is refused here."""
    if not has_visible_text(body):
        raise ValueError("a note, reply or reading needs a text with visible characters")


def _lock_member(user) -> None:
    """Lock the member's row: their submissions count and insert one at a time, so the limit is exact."""
    get_user_model().objects.select_for_update(no_key=True).only("pk").get(pk=user.pk)


def _check_submission_rate(user) -> None:
    """Refuse a submission over the hourly limit. Call with the member's row locked."""
    allowance = submission_allowance(user)
    if not allowance.left:
        raise RateLimited(allowance.retry_after, _submission_limit_message(allowance))


# A contribution sent again within this time with the same content is the same one sent twice.
REPEAT_WINDOW = timedelta(minutes=10)


def sent_before(author, *conditions, **content) -> Annotation | None:
    """The contribution `author` already sent with exactly this content (a double click, a
    browser's second try, the form sent again after "back"): returned by the submitting
    services instead of a second one, before the hourly limit counts it. Call with the
    member's row locked (`_lock_member`), so that two at once find each other."""
    since = timezone.now() - REPEAT_WINDOW
    return Annotation.objects.sent_again(author, since, *conditions, **content).first()


def _submission_limit_message(allowance: Allowance) -> str:
    return _(
        "U hebt dit uur al %(limit)d kanttekeningen ingediend of bewerkt, het maximum. "
        "U kunt weer indienen %(when)s; wat u schreef, blijft hieronder staan."
    ) % {"limit": allowance.limit, "when": minutes_from_now(allowance.retry_after)}


def _record_version(annotation: Annotation, author) -> None:
    AnnotationVersion.objects.create(
        annotation=annotation,
        number=annotation.version,
        author=author,
        voice=annotation.voice,
        kind=annotation.kind,
        body=annotation.body,
        attribution=annotation.attribution,
        link=annotation.link,
        original_language=annotation.original_language,
    )


def _anchor_for_submission(target: Target, *, start, end, exact, revision, passage) -> tuple:
    """Selectors for a new annotation, from a browser selection or a pasted passage."""
    text = target.text
    if exact:
        in_range = start is not None and end is not None and 0 <= start < end <= len(text)
        if revision == target.revision and in_range and same_passage(text[start:end], exact):
            return make_anchor(text, start, end)
        found = reanchor(text, exact=exact, prefix="", suffix="", old_start=start or 0)
        if found is None:
            raise AnchorError(
                _(
                    "De gekozen passage staat niet (meer) in deze tekst. Laad de pagina opnieuw en selecteer ze nog eens."
                )
            )
        return found.anchor
    try:
        return locate_passage(text, passage or "")
    except PassageNotFound as error:
        raise AnchorError(
            error.message(_("de tekst van ‘%(title)s’") % {"title": target.title})
        ) from None


@transaction.atomic
def annotation_submit(
    *,
    author,
    target: Target,
    voice: str,
    kind: str,
    body: str,
    attribution: str = "",
    link: str = "",
    start: int | None = None,
    end: int | None = None,
    exact: str = "",
    revision: str = "",
    passage: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> Annotation:
    """A member annotates a passage, in `language`: the annotation waits for a reviewer. The
    same note sent again is the one sent before (`sent_before`)."""
    if not may_annotate(author):
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie kunnen kanttekeningen schrijven.")
        )
    require_body(body)
    _lock_member(author)
    anchor = _anchor_for_submission(
        target, start=start, end=end, exact=exact, revision=revision, passage=passage
    )
    content = {
        **target.annotation_fields(),
        **Annotation.anchor_fields(anchor, target.text),
        "voice": voice,
        "kind": kind,
        "body": body,
        "attribution": attribution,
        "link": link,
        "original_language": language,
    }
    if repeat := sent_before(author, motivation=Motivation.COMMENTING, **content):
        return repeat
    _check_submission_rate(author)
    now = timezone.now()
    annotation = Annotation.objects.create(
        **content,
        body_html=render_markdown(body),
        author=author,
        organisation=author.membership.organisation,
        status=Status.PENDING,
        submitted_at=now,
    )
    record_submission(annotation, author)
    return annotation


def record_submission(annotation: Annotation, author) -> None:
    """A new contribution's first version and its event: from nothing to pending."""
    _record_version(annotation, author)
    ModerationEvent.objects.create(
        annotation=annotation,
        actor=author,
        action=Action.SUBMIT,
        old_status="",
        new_status=Status.PENDING,
    )


def _lock(annotation_id: int, expected_version: int | None, *, author=None) -> Annotation:
    """The annotation's row, locked; refuse when someone changed it meanwhile.

    With `author`, only their own, and a refusal speaks to them: it never names a reviewer.
    """
    lookup = {} if author is None else {"author": author}
    try:
        annotation = Annotation.objects.select_for_update().get(pk=annotation_id, **lookup)
    except Annotation.DoesNotExist:
        raise PermissionDenied(_("Deze kanttekening bestaat niet of is niet van u.")) from None
    if expected_version is not None and annotation.version != expected_version:
        last = annotation.events.select_related("actor").first()
        if author is not None:
            raise StaleAnnotation(_stale_for_author(annotation, last))
        if last and last.actor_id and last.actor_id == annotation.author_id:
            who = annotation.byline  # the author as they chose to be shown (maybe without name)
        elif last and last.actor:
            who = shown_name(last.actor)
        else:
            who = _("iemand anders")
        raise StaleAnnotation(
            _(
                "Deze kanttekening is intussen gewijzigd door %(who)s (nu: %(status)s). Bekijk ze opnieuw voor u iets beslist."
            )
            % {"who": who, "status": annotation.get_status_display()}
        )
    return annotation


def _stale_for_author(annotation: Annotation, last: ModerationEvent | None) -> str:
    """What an author is told when their form is out of date: who changed it, as a role (a
    reviewer's name is never shown to an author), and what to do."""
    status = {"status": annotation.get_status_display()}
    # Their own edit elsewhere: an event of theirs, or (a waiting note edited, no move of the
    # table, no event) the newest content version, numbered with the annotation's version.
    if (last and last.actor_id and last.actor_id == annotation.author_id) or (
        annotation.versions.filter(number=annotation.version).exists()
    ):
        return (
            _(
                "Uw wijziging is niet bewaard: u hebt intussen al een andere wijziging bewaard "
                "(nu: %(status)s). Kijk uw tekst hieronder na en bewaar opnieuw."
            )
            % status
        )
    if last and last.actor_id:
        return (
            _(
                "Uw wijziging is niet bewaard: de moderatie heeft intussen beslist "
                "(nu: %(status)s). Kijk uw tekst hieronder na en bewaar opnieuw."
            )
            % status
        )
    return (
        _(
            "Uw wijziging is niet bewaard: er is intussen iets veranderd (nu: %(status)s). "
            "Kijk uw tekst hieronder na en bewaar opnieuw."
        )
        % status
    )


@transaction.atomic
def annotation_edit(
    *,
    annotation_id: int,
    author,
    expected_version: int,
    voice: str,
    kind: str,
    body: str,
    attribution: str = "",
    link: str = "",
    language: str | None = None,
) -> Annotation:
    """The author changes the content (its language too, unless None); an approved
    annotation, or one sent back for changes, goes back to review (`back_to_review` on the
    annotation returned says whether the edit sent it back). The same edit sent again from the
    same form is the edit made, not a conflict: the note waits with exactly this content, one
    edit (and the move back to review it made) past the version the form was opened at."""
    require_body(body)
    _lock_member(author)  # first, as in annotation_submit: one lock order for every submission
    repeat = sent_before(
        author,
        Q(kind=kind) | ~Q(motivation=Motivation.COMMENTING),  # only a note keeps a kind
        pk=annotation_id,
        status=Status.PENDING,
        version__in=[expected_version + 1, expected_version + 2],
        voice=voice,
        body=body,
        attribution=attribution,
        link=link,
        **({} if language is None else {"original_language": language}),
    )
    if repeat:
        # The move back to review, when the edit repeated here made one (two versions on).
        last = repeat.events.first()
        repeat.back_to_review = bool(
            repeat.version == expected_version + 2 and last and last.action == Action.EDIT
        )
        return repeat
    annotation = _lock(annotation_id, expected_version, author=author)
    if annotation.status not in EDITABLE:
        raise IllegalTransition(
            _("Een kanttekening met status ‘%(status)s’ kan niet meer bewerkt worden.")
            % {"status": annotation.get_status_display()}
        )
    _check_submission_rate(author)
    # Only a margin note has a kind (a database constraint): a reply or a reading keeps none.
    annotation.voice = voice
    annotation.kind = kind if annotation.motivation == Annotation.Motivation.COMMENTING else ""
    annotation.body, annotation.body_html = body, render_markdown(body)
    annotation.attribution, annotation.link = attribution, link
    if language is not None:
        annotation.original_language = language
    annotation.submitted_at = timezone.now()
    annotation.version += 1
    annotation.save()
    _record_version(annotation, author)
    # Whether the edit sends it back to a reviewer; the author is told so.
    annotation.back_to_review = annotation.status != Status.PENDING
    if annotation.back_to_review:
        annotation_transition(annotation=annotation, action=Action.EDIT, actor=author)
    return annotation


@transaction.atomic
def annotation_withdraw(*, annotation_id: int, author) -> Annotation:
    annotation = _lock(annotation_id, None, author=author)
    annotation_transition(annotation=annotation, action=Action.WITHDRAW, actor=author)
    return annotation


# --- moderation ----------------------------------------------------------------------------


@transaction.atomic
def annotation_moderate(
    *,
    annotation_id: int,
    action: str,
    actor,
    expected_version: int,
    public_reason: str = "",
    internal_note: str = "",
) -> Annotation:
    """A reviewer's decision. Two reviewers at once: the second is refused."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("Alleen moderatoren kunnen dit."))
    if action not in REVIEWER_ACTIONS:
        raise IllegalTransition(_("Onbekende handeling."))
    if action in REASON_REQUIRED and not has_visible_text(public_reason):
        raise ModerationError(_("Geef de auteur een reden mee."))
    annotation = _lock(annotation_id, expected_version)
    _refuse_offline_target(annotation, actor)
    if action == Action.APPROVE and annotation.parent_id:
        # The note's row locked too: a withdrawal of it waits for this decision, or this
        # decision sees the withdrawal.
        annotation.parent = Annotation.objects.select_for_update().get(pk=annotation.parent_id)
        if refusal := approval_refusal(annotation):
            raise ModerationError(refusal)
    annotation_transition(
        annotation=annotation,
        action=action,
        actor=actor,
        public_reason=public_reason,
        internal_note=internal_note,
    )
    # A reviewer's decision settles the open flags.
    annotation.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    if action == Action.APPROVE:
        # What the reviewer saw and approved: the newest content version.
        latest = annotation.versions.order_by("-number").first()
        if latest:
            AnnotationVersion.objects.filter(pk=latest.pk).update(approved=True)
    return annotation


def _refuse_offline_target(annotation: Annotation, actor) -> None:
    """A reviewer who may not read drafts cannot decide on a note on a case taken offline."""
    if not Annotation.objects.on_readable_text(actor).filter(pk=annotation.pk).exists():
        raise TargetOffline(_("De praktijk bij deze kanttekening staat tijdelijk offline."))


def annotation_transition(
    *, annotation: Annotation, action: str, actor, public_reason: str = "", internal_note: str = ""
) -> None:
    """Apply one row of MODERATION to an annotation and record it: the engine of every status change.

    Call it inside the caller's transaction with the annotation's row locked
    (`_lock`): the callers check who may act and what else changes.
    """
    new_status = MODERATION.next_status(action, annotation.status)
    if new_status is None:
        label = Action(action).label if action in Action.values else action
        raise IllegalTransition(
            _("‘%(action)s’ kan niet bij een kanttekening met status ‘%(status)s’.")
            % {"action": label, "status": annotation.get_status_display()}
        )
    old_status = annotation.status
    annotation.status = new_status
    annotation.version += 1
    annotation.save(update_fields=["status", "version", "updated_at"])
    event = ModerationEvent.objects.create(
        annotation=annotation,
        actor=actor,
        action=action,
        old_status=old_status,
        new_status=new_status,
        public_reason=public_reason,
        internal_note=internal_note,
    )
    if action in NOTIFIED_ACTIONS:
        # In the site at once (same transaction); by mail after the commit.
        notify_decision(event)
        transaction.on_commit(lambda: notify_author(event.pk))
    if new_status == Status.APPROVED and old_status != Status.APPROVED:
        # It became public: tell who follows it, once the approval is committed. A failing
        # fan-out is logged and must not undo or fail the approval (it is idempotent: retry).
        actor_id = actor.pk if actor is not None else None
        transaction.on_commit(
            lambda: notification_fan_out(annotation.pk, actor_id=actor_id), robust=True
        )


# The mail templates per kind of contribution (a note's are "decision_*").
DECISION_MAILS = {Motivation.ASSESSING: "reading_decision"}


def notify_author(event_id: int) -> None:
    """Mail the author what happened to their annotation (after the commit)."""
    event = ModerationEvent.objects.select_related(
        "annotation__author__preferences",
        "annotation__case",
        "annotation__section",
        "annotation__reading__source",
        "annotation__reading__tension_field",
    ).get(pk=event_id)
    author = event.annotation.author
    if author is None or not author.email:
        return
    with translation.override(mail_language(author)):  # their choice, the links too
        _mail_decision(event, author)


def _mail_decision(event, author) -> None:
    annotation = event.annotation
    # The link: the note when the public can see it, else the author's list. A case taken
    # offline is draft text: the mail names neither its title nor the passage.
    link = annotation.get_absolute_url() if annotation.is_public else reverse("annotations-mine")
    context = {
        "event": event,
        "annotation": annotation,
        "author": author,
        "target_public": annotation.on_public_text,
        "link": settings.SITE_URL + link,
        "mine": settings.SITE_URL + reverse("annotations-mine"),
    }
    # A reading's mail names the coding it reads (annotations/email/reading_decision_*.txt).
    mail = DECISION_MAILS.get(annotation.motivation, "decision")
    send_mail(
        subject=render_to_string(f"annotations/email/{mail}_subject.txt", context).strip(),
        message=render_to_string(f"annotations/email/{mail}_body.txt", context),
        from_email=None,
        recipient_list=[author.email],
    )


# --- flags -----------------------------------------------------------------------------------


def reader_key_for(request) -> str:
    """Who flags: the user, or (anonymous readers) a hash of their session."""
    if request.user.is_authenticated:
        return user_reader_key(request.user.pk)
    if not request.session.session_key:
        request.session.save()
    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}:{request.session.session_key}".encode()
    ).hexdigest()
    return f"session:{digest[:40]}"


def existing_reader_key(request) -> str | None:
    """The reader key of this request, without creating a session (None: an anonymous reader who never flagged)."""
    if request.user.is_authenticated or request.session.session_key:
        return reader_key_for(request)
    return None


def client_hash_for(request) -> str:
    address = client_network(request)
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


@transaction.atomic
def annotation_flag(
    *, annotation_id: int, reader_key: str, client_hash: str, user, reason: str, note: str = ""
) -> Flag:
    """A reader flags a public annotation; enough readers hide it until a reviewer decides.

    Two locks make the counts exact under simultaneous requests, always taken in
    this order: the address (its hourly limit), then the annotation (its threshold).
    """
    one_at_a_time(f"flag-rate:{client_hash}")
    try:
        annotation = (
            Annotation.objects.public().select_for_update(of=("self",)).get(pk=annotation_id)
        )
    except Annotation.DoesNotExist:
        raise NotFlaggable(
            _("Deze kanttekening staat niet (meer) in de kantlijn en kan niet gemeld worden.")
        ) from None
    since = timezone.now() - timedelta(hours=1)
    recent = Flag.objects.filter(client_hash=client_hash, created_at__gte=since).count()
    if recent >= settings.FLAGS_PER_HOUR:
        raise RateLimited(3600)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                annotation=annotation,
                reader_key=reader_key,
                user=user if user and user.is_authenticated else None,
                client_hash=client_hash,
                reason=reason,
                note=note,
            )
    except IntegrityError:
        raise AlreadyFlagged(
            _("U hebt deze kanttekening al gemeld. Een moderator bekijkt ze.")
        ) from None
    # Different readers, from different addresses: clearing cookies does not make a new reader.
    open_flags = annotation.flags.filter(resolved_at__isnull=True).aggregate(
        readers=Count("reader_key", distinct=True), addresses=Count("client_hash", distinct=True)
    )
    if min(open_flags["readers"], open_flags["addresses"]) >= settings.FLAGS_TO_HIDE:
        annotation_transition(
            annotation=annotation,
            action=Action.HIDE_BY_FLAGS,
            actor=None,
            public_reason=_("Verborgen na meldingen van lezers, in afwachting van een moderator."),
        )
    return flag


# --- anchoring after edits -----------------------------------------------------------------------


def reanchor_annotations(*, annotations, text: str) -> dict[str, int]:
    """Find each annotation again in the new text; orphan those that no longer fit.

    Runs inside the transaction that changed the text. Withdrawn and rejected
    annotations are left as they are: nobody will see them again.
    """
    live = annotations.exclude(status__in=[Status.WITHDRAWN, Status.REJECTED]).select_for_update()
    counts = reanchor_passages(live, text, on_state_change=_record_anchor_change)
    return counts


def _record_anchor_change(annotation: Annotation) -> None:
    """An annotation orphaned by an edit, or anchored again, is a new version; an orphan's event sends it to the reviewers."""
    annotation.version += 1
    if annotation.is_orphaned:
        ModerationEvent.objects.create(
            annotation=annotation,
            action=Action.ORPHAN,
            old_status=annotation.status,
            new_status=annotation.status,
            internal_note=_("De passage is na een bewerking van de tekst niet meer gevonden."),
        )


@transaction.atomic
def annotation_attach_again(
    *, annotation_id: int, actor, expected_version: int, passage: str
) -> Annotation:
    """A reviewer anchors an orphan to a passage of the current text."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("Alleen moderatoren kunnen dit."))
    annotation = _lock(annotation_id, expected_version)
    if not annotation.has_passage:
        # A reply, or a reading without a passage: nothing was anchored, nothing to anchor again.
        raise AnchorError(_("Deze bijdrage staat niet bij een passage; er is niets te verankeren."))
    _refuse_offline_target(annotation, actor)
    text = annotation.target_text
    try:
        annotation.anchor_to(locate_passage(text, passage), text)
    except PassageNotFound as error:
        raise AnchorError(error.message(_("de huidige tekst"))) from None
    annotation.version += 1
    annotation.save()
    ModerationEvent.objects.create(
        annotation=annotation,
        actor=actor,
        action=Action.ATTACH,
        old_status=annotation.status,
        new_status=annotation.status,
        internal_note=_("Opnieuw verankerd door een moderator."),
    )
    return annotation


# --- seed data -------------------------------------------------------------------------------------


@transaction.atomic
def annotation_seed(
    *,
    key: str,
    target: Target,
    passage: str,
    voice: str,
    kind: str,
    body: str,
    attribution: str = "",
    link: str = "",
    echo_section: Section | None = None,
) -> tuple[Annotation, bool]:
    """Create or overwrite a margin note of the research text as an approved annotation.

    Keyed by `key`. A new row gets its one ModerationEvent: from nothing to
    approved. (Whether an existing one may be overwritten is the seeder's call:
    `diegem.lib.seeding`.)
    """
    try:
        anchor = locate_passage(target.text, passage, close_match=False)
    except PassageNotFound:
        raise AnchorError(
            f"{key}: passage not found exactly once in {target.key}: {passage!r}"
        ) from None
    fields = {
        **target.annotation_fields(),
        **Annotation.anchor_fields(anchor, target.text),
        "voice": voice,
        "kind": kind,
        "body": body,
        "body_html": render_markdown(body),
        "attribution": attribution,
        "link": link,
        "echo_section": echo_section,
    }
    annotation = Annotation.objects.select_for_update().filter(seed_key=key).first()
    if annotation is None:
        annotation = Annotation.objects.create(
            seed_key=key, status=Status.APPROVED, submitted_at=timezone.now(), **fields
        )
        ModerationEvent.objects.create(
            annotation=annotation,
            action=Action.SEED,
            old_status="",
            new_status=Status.APPROVED,
            internal_note=_("Kantnoot uit de brontekst ‘Solidariteit in superdiversiteit’."),
        )
        return annotation, True
    if annotation.status == Status.WITHDRAWN:
        # Retired with a thread (`annotation_seed_retire`) and now in the seed again: back, logged.
        ModerationEvent.objects.create(
            annotation=annotation,
            action=Action.SEED,
            old_status=annotation.status,
            new_status=Status.APPROVED,
            internal_note=_("Weer in de seed: terug uit de brontekst."),
        )
        annotation.status = Status.APPROVED
        annotation.version += 1
        annotation.save(update_fields=["status", "version", "updated_at"])
    if any(getattr(annotation, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(annotation, name, value)
        annotation.version += 1
        annotation.save()
    return annotation, False


@transaction.atomic
def annotation_seed_retire(*, key: str) -> bool:
    """Take away a margin note of the research text that the seed no longer has (whether
    anyone changed it is the seeder's call: `diegem.lib.seeding`).

    A note nobody answered goes as it came, by the seed. One with replies is withdrawn
    instead, logged: its thread leaves the public pages with it, but the replies stay their
    authors' (on their own pages, in the moderation log), never deleted by a deploy. One a
    reviewer took out of view stays as they left it: False, nothing taken.
    """
    annotation = Annotation.objects.select_for_update().filter(seed_key=key).first()
    if annotation is None:
        return True
    if not annotation.replies.exists():
        annotation.delete()
        return True
    if annotation.status != Status.APPROVED:
        # Out of view already, by a reviewer's decision (hidden, rejected), which stands.
        return False
    annotation_transition(
        annotation=annotation,
        action=Action.WITHDRAW,
        actor=None,
        internal_note=_(
            "Uit de seed gehaald; ingetrokken, niet verwijderd, want er zijn reacties."
        ),
    )
    return True


@transaction.atomic
def reanchor_stale() -> dict[str, int]:
    """Re-anchor every annotation whose text changed without the services noticing.

    Loading fixtures or editing rows by hand changes text without announcing it;
    this finds annotations made on another revision of their text and anchors
    them again (or orphans them), exactly as an edit through the services would.
    """
    totals = {"kept": 0, "moved": 0, "orphaned": 0}
    for section in Section.objects.filter(annotations__isnull=False).distinct():
        for language in (
            Annotation.objects.with_passage()
            .filter(section=section)
            .values_list("text_language", flat=True)
            .distinct()
        ):
            text = version_text(section, "body", language)
            stale = (
                Annotation.objects.with_passage()
                .filter(section=section, text_language=language)
                .exclude(text_revision=text_revision(text))
            )
            for key, value in reanchor_annotations(annotations=stale, text=text).items():
                totals[key] += value
    for case in Case.objects.filter(annotations__isnull=False).distinct():
        for field, language in (
            Annotation.objects.with_passage()
            .filter(case=case)
            .values_list("case_field", "text_language")
            .distinct()
        ):
            text = version_text(case, field, language)
            stale = (
                Annotation.objects.with_passage()
                .filter(case=case, case_field=field, text_language=language)
                .exclude(text_revision=text_revision(text))
            )
            for key, value in reanchor_annotations(annotations=stale, text=text).items():
                totals[key] += value
    return totals
