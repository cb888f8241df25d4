"""Moderation: one table of moves, one event per move, mail after commit, flags, limits."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, AnnotationVersion, Flag, ModerationEvent, Status
from annotations.targets import section_target
from diegem.lib.workflow import IllegalTransition
from frameworks.models import Section
from tests.factories import (
    make_annotation,
    make_case,
    make_member,
    make_reading,
    make_reply,
    make_user,
)

pytestmark = pytest.mark.django_db

PENDING, APPROVED, CHANGES, REJECTED, WITHDRAWN, HIDDEN = (
    Status.PENDING,
    Status.APPROVED,
    Status.CHANGES_REQUESTED,
    Status.REJECTED,
    Status.WITHDRAWN,
    Status.HIDDEN,
)


def submit(author, **overrides):
    target = section_target(Section.objects.get(key="ontmoeting"))
    passage = overrides.pop("passage", target.text.split(".")[0])
    fields = {
        "voice": "doener",
        "kind": "voorbeeld",
        "body": "In onze buurt zie ik dit elke dag.",
        "passage": passage,
    }
    return services.annotation_submit(author=author, target=target, **{**fields, **overrides})


# --- the table, row by row ----------------------------------------------------------------------


# Every reviewer action from every status: the new status, or None when it is refused.
@pytest.mark.parametrize(
    "action, status, expected",
    [
        ("approve", PENDING, APPROVED),  # accepted: public
        ("approve", APPROVED, None),
        ("approve", CHANGES, None),  # the author must rework it first
        ("approve", REJECTED, None),  # final
        ("approve", WITHDRAWN, None),  # final
        ("approve", HIDDEN, APPROVED),  # the flags were unfounded: back in view
        ("request_changes", PENDING, CHANGES),  # back to the author, with a message
        ("request_changes", APPROVED, None),
        ("request_changes", CHANGES, None),
        ("request_changes", REJECTED, None),
        ("request_changes", WITHDRAWN, None),
        ("request_changes", HIDDEN, None),
        ("reject", PENDING, REJECTED),  # turned down, with a reason
        ("reject", APPROVED, REJECTED),  # the flags on a public one were right
        ("reject", CHANGES, None),
        ("reject", REJECTED, None),
        ("reject", WITHDRAWN, None),
        ("reject", HIDDEN, REJECTED),  # the flags on a hidden one were right
        ("hide", PENDING, None),
        ("hide", APPROVED, HIDDEN),  # taken out of view, with a reason
        ("hide", CHANGES, None),
        ("hide", REJECTED, None),
        ("hide", WITHDRAWN, None),
        ("hide", HIDDEN, None),
        ("keep", PENDING, None),
        ("keep", APPROVED, APPROVED),  # the flags on a public one were unfounded: it stays
        ("keep", CHANGES, None),
        ("keep", REJECTED, None),
        ("keep", WITHDRAWN, None),
        ("keep", HIDDEN, None),
    ],
)
def test_reviewer_actions_follow_the_table(framework, reviewer, member_a, action, status, expected):
    annotation = make_annotation(author=member_a, status=status)
    reason = "Omdat het zo is."
    if expected is None:
        with pytest.raises(IllegalTransition):
            services.annotation_moderate(
                annotation_id=annotation.pk,
                action=action,
                actor=reviewer,
                expected_version=1,
                public_reason=reason,
            )
        assert Annotation.objects.get(pk=annotation.pk).status == status
        assert not ModerationEvent.objects.filter(annotation=annotation).exists()
    else:
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action=action,
            actor=reviewer,
            expected_version=1,
            public_reason=reason,
        )
        annotation.refresh_from_db()
        assert annotation.status == expected
        event = ModerationEvent.objects.get(annotation=annotation)
        assert (
            event.actor,
            event.action,
            event.old_status,
            event.new_status,
            event.public_reason,
        ) == (
            reviewer,
            action,
            status,
            expected,
            reason,
        )


@pytest.mark.parametrize(
    "status, expected",
    [
        (PENDING, WITHDRAWN),
        (APPROVED, WITHDRAWN),
        (CHANGES, WITHDRAWN),
        (REJECTED, None),  # final
        (WITHDRAWN, None),  # final
        (HIDDEN, WITHDRAWN),
    ],
)
def test_withdraw_follows_the_table(framework, member_a, status, expected):
    annotation = make_annotation(author=member_a, status=status)
    if expected is None:
        with pytest.raises(IllegalTransition):
            services.annotation_withdraw(annotation_id=annotation.pk, author=member_a)
        assert not ModerationEvent.objects.filter(annotation=annotation).exists()
    else:
        services.annotation_withdraw(annotation_id=annotation.pk, author=member_a)
        assert Annotation.objects.get(pk=annotation.pk).status == expected
        assert ModerationEvent.objects.filter(annotation=annotation, action="withdraw").count() == 1


# The author edits: back to review (a pending one stays pending, without an event), or refused.
@pytest.mark.parametrize(
    "status, editable",
    [
        (PENDING, True),
        (APPROVED, True),
        (CHANGES, True),
        (REJECTED, False),
        (WITHDRAWN, False),
        (HIDDEN, False),
    ],
)
def test_edit_follows_the_table(framework, member_a, status, editable):
    annotation = make_annotation(author=member_a, status=status)
    edit = dict(voice="planner", kind="aanmerking", body="Herwerkt.", attribution="", link="")
    if not editable:
        with pytest.raises(IllegalTransition):
            services.annotation_edit(
                annotation_id=annotation.pk, author=member_a, expected_version=1, **edit
            )
        assert Annotation.objects.get(pk=annotation.pk).body == "Een kanttekening."
        return
    services.annotation_edit(
        annotation_id=annotation.pk, author=member_a, expected_version=1, **edit
    )
    annotation.refresh_from_db()
    assert annotation.body == "Herwerkt." and annotation.body_html == "<p>Herwerkt.</p>"
    assert annotation.status == Status.PENDING
    events = ModerationEvent.objects.filter(annotation=annotation)
    if status == Status.PENDING:
        assert not events.exists()  # no change of status, no event; the version row records it
    else:
        assert [(e.action, e.old_status, e.new_status) for e in events] == [
            ("edit", status, Status.PENDING)
        ]
    assert AnnotationVersion.objects.filter(annotation=annotation, body="Herwerkt.").count() == 1


@pytest.mark.parametrize(
    "status, actions",
    [
        (PENDING, ["approve", "request_changes", "reject"]),
        (APPROVED, ["keep", "reject", "hide"]),
        (CHANGES, []),
        (REJECTED, []),
        (WITHDRAWN, []),
        (HIDDEN, ["approve", "reject"]),
    ],
)
def test_the_reviewer_is_offered_the_actions_of_the_table(status, actions):
    assert services.reviewer_actions_for(status) == actions


def test_a_mistyped_event_action_is_refused_by_the_database(framework, member_a):
    annotation = make_annotation(author=member_a, status=PENDING)
    event = ModerationEvent(
        annotation=annotation,
        actor=member_a,
        action="aprove",
        old_status=PENDING,
        new_status=APPROVED,
    )
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert list(refused.value.message_dict) == ["action"]
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
    assert not ModerationEvent.objects.filter(annotation=annotation).exists()


def test_every_transition_writes_exactly_one_event(framework, reviewer, member_a):
    annotation = submit(member_a)
    steps = [
        lambda: services.annotation_moderate(
            annotation_id=annotation.pk,
            action="request_changes",
            actor=reviewer,
            expected_version=1,
            public_reason="Bron?",
        ),
        lambda: services.annotation_edit(
            annotation_id=annotation.pk,
            author=member_a,
            expected_version=2,
            voice="doener",
            kind="voorbeeld",
            body="Met bron.",
            attribution="Eigen waarneming",
            link="",
        ),
        lambda: services.annotation_moderate(
            annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=4
        ),
        lambda: services.annotation_moderate(
            annotation_id=annotation.pk,
            action="hide",
            actor=reviewer,
            expected_version=5,
            public_reason="Even nakijken.",
        ),
        lambda: services.annotation_moderate(
            annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=6
        ),
        lambda: services.annotation_withdraw(annotation_id=annotation.pk, author=member_a),
    ]
    statuses = [Annotation.objects.get(pk=annotation.pk).status]
    for step in steps:
        step()
        statuses.append(Annotation.objects.get(pk=annotation.pk).status)
    events = list(
        ModerationEvent.objects.filter(annotation=annotation).order_by("created_at", "pk")
    )
    assert len(events) == 1 + len(steps)  # the submission, then one per step
    assert [e.new_status for e in events] == statuses
    assert [e.old_status for e in events] == [""] + statuses[:-1]


# --- who may act ------------------------------------------------------------------------------


def test_only_members_submit(framework):
    with pytest.raises(PermissionDenied):
        submit(make_user())


def test_only_reviewers_moderate(framework, member_a, member_b):
    annotation = make_annotation(author=member_a, status=Status.PENDING)
    for actor in (member_a, member_b):
        with pytest.raises(PermissionDenied):
            services.annotation_moderate(
                annotation_id=annotation.pk, action="approve", actor=actor, expected_version=1
            )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.PENDING


def test_only_the_author_edits_or_withdraws(framework, member_a, member_b):
    annotation = make_annotation(author=member_a, status=Status.PENDING)
    with pytest.raises(PermissionDenied):
        services.annotation_withdraw(annotation_id=annotation.pk, author=member_b)
    with pytest.raises(PermissionDenied):
        services.annotation_edit(
            annotation_id=annotation.pk,
            author=member_b,
            expected_version=1,
            voice="denker",
            kind="associatie",
            body="x",
        )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.PENDING


def test_reasons_are_required_for_refusals(framework, reviewer, member_a):
    annotation = make_annotation(author=member_a, status=Status.PENDING)
    for action in ("request_changes", "reject"):
        with pytest.raises(services.ModerationError):
            services.annotation_moderate(
                annotation_id=annotation.pk,
                action=action,
                actor=reviewer,
                expected_version=1,
                public_reason="  ",
            )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.PENDING


def test_a_stale_decision_is_refused_and_names_who_acted(framework, member_a, reviewer):
    other = make_user("tweede-moderator", groups=("Moderatoren",), first_name="Tom")
    annotation = make_annotation(author=member_a, status=Status.PENDING)
    services.annotation_moderate(
        annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=1
    )
    with pytest.raises(services.StaleAnnotation, match="Mona Moderator"):
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action="hide",
            actor=other,
            expected_version=1,
            public_reason="x",
        )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED


# --- submitting -----------------------------------------------------------------------------


def test_submission_stores_selectors_version_and_event(framework, member_a):
    annotation = submit(member_a, body="*Zo* is het.")
    section = Section.objects.get(key="ontmoeting")
    assert annotation.status == Status.PENDING
    assert (
        section.body[annotation.position_start : annotation.position_end] == annotation.quote_exact
    )
    assert annotation.organisation == member_a.membership.organisation
    assert annotation.body_html == "<p><em>Zo</em> is het.</p>"
    assert annotation.versions.count() == 1
    assert ModerationEvent.objects.get(annotation=annotation).new_status == Status.PENDING


def test_submission_from_a_browser_selection_uses_the_positions(framework, member_a):
    target = section_target(Section.objects.get(key="ontmoeting"))
    start = target.text.index("ontmoeting") if "ontmoeting" in target.text else 5
    annotation = services.annotation_submit(
        author=member_a,
        target=target,
        voice="denker",
        kind="associatie",
        body="x",
        start=start,
        end=start + 10,
        exact=target.text[start : start + 10],
        revision=target.revision,
    )
    assert (annotation.position_start, annotation.position_end) == (start, start + 10)


def test_a_selection_made_on_an_older_text_is_found_again_or_refused(framework, member_a):
    target = section_target(Section.objects.get(key="ontmoeting"))
    words = target.text[:40]
    annotation = services.annotation_submit(
        author=member_a,
        target=target,
        voice="denker",
        kind="associatie",
        body="x",
        start=3,
        end=43,
        exact=words,
        revision="oud",
    )
    assert annotation.quote_exact == words
    with pytest.raises(services.AnchorError):
        services.annotation_submit(
            author=member_a,
            target=target,
            voice="denker",
            kind="associatie",
            body="x",
            start=3,
            end=43,
            exact="dit staat nergens in de tekst van de paragraaf",
            revision="oud",
        )


def test_submission_rate_is_limited(framework, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 3
    for n in range(3):
        submit(member_a, body=f"Derde keer deze week: {n}.")
    with pytest.raises(services.RateLimited) as limited:
        submit(member_a)
    assert 0 < limited.value.retry_after <= 3601
    assert Annotation.objects.filter(author=member_a).count() == 3


# --- mail -------------------------------------------------------------------------------------


def test_the_author_is_mailed_after_commit(
    framework, reviewer, member_a, django_capture_on_commit_callbacks
):
    annotation = make_annotation(author=member_a, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action="request_changes",
            actor=reviewer,
            expected_version=1,
            public_reason="Welke bron?",
        )
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member_a.email]
    assert "aanpassing" in message.subject.lower()
    assert "Welke bron?" in message.body


def test_no_mail_when_the_transaction_rolls_back(
    framework, reviewer, member_a, django_capture_on_commit_callbacks
):
    annotation = make_annotation(author=member_a, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.annotation_moderate(
                    annotation_id=annotation.pk,
                    action="approve",
                    actor=reviewer,
                    expected_version=1,
                )
                raise RuntimeError("boom")
    assert callbacks == []
    assert mail.outbox == []
    assert Annotation.objects.get(pk=annotation.pk).status == Status.PENDING


# --- flags ---------------------------------------------------------------------------------


def flag(annotation, n: int, **overrides):
    fields = dict(
        annotation_id=annotation.pk,
        reader_key=f"session:{n}",
        client_hash=f"ip{n}",
        user=None,
        reason="spam",
    )
    return services.annotation_flag(**{**fields, **overrides})


def test_three_readers_hide_an_annotation_until_a_reviewer_decides(framework, member_a, reviewer):
    annotation = make_annotation(author=member_a)
    flag(annotation, 1)
    flag(annotation, 2)
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED
    flag(annotation, 3)
    annotation.refresh_from_db()
    assert annotation.status == Status.HIDDEN
    event = ModerationEvent.objects.get(annotation=annotation)
    assert (event.action, event.actor, event.old_status, event.new_status) == (
        "hide_by_flags",
        None,
        Status.APPROVED,
        Status.HIDDEN,
    )
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="approve",
        actor=reviewer,
        expected_version=annotation.version,
    )
    assert not Flag.objects.filter(annotation=annotation, resolved_at__isnull=True).exists()
    flag(annotation, 4)  # old flags no longer count
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED


def test_three_sessions_from_one_address_do_not_hide_an_annotation(framework):
    """One anonymous visitor cannot hide an annotation by clearing cookies: readers count by address too."""
    annotation = make_annotation()
    for _ in range(3):
        Client(REMOTE_ADDR="198.51.100.7").post(
            reverse("annotation-flag", args=[annotation.pk]), {"reason": "spam"}
        )
    assert Flag.objects.filter(annotation=annotation).count() == 3
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED


def test_a_reviewer_keeps_a_flagged_annotation_and_settles_its_flags(framework, reviewer, member_a):
    annotation = make_annotation(author=member_a)
    services.annotation_flag(
        annotation_id=annotation.pk, reader_key="r1", client_hash="h1", user=None, reason="spam"
    )
    services.annotation_moderate(
        annotation_id=annotation.pk, action="keep", actor=reviewer, expected_version=1
    )
    annotation.refresh_from_db()
    assert annotation.status == Status.APPROVED
    assert not Flag.objects.filter(annotation=annotation, resolved_at__isnull=True).exists()
    assert ModerationEvent.objects.get(annotation=annotation).action == "keep"
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="reject",
        actor=reviewer,
        expected_version=annotation.version,
        public_reason="Toch niet.",
    )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.REJECTED


def test_one_flag_per_reader(framework, member_a):
    annotation = make_annotation(author=member_a)
    flag(annotation, 1)
    with pytest.raises(services.AlreadyFlagged):
        flag(annotation, 1, client_hash="another-ip")
    assert Flag.objects.filter(annotation=annotation).count() == 1


def test_only_public_annotations_can_be_flagged(framework, member_a):
    for status in (Status.PENDING, Status.REJECTED, Status.HIDDEN, Status.WITHDRAWN):
        annotation = make_annotation(author=member_a, status=status)
        with pytest.raises(PermissionDenied):
            flag(annotation, 1)


def test_flags_from_one_address_are_rate_limited(framework, member_a, settings):
    settings.FLAGS_PER_HOUR = 2
    settings.FLAGS_TO_HIDE = 99
    annotations = [make_annotation(author=member_a) for _ in range(3)]
    flag(annotations[0], 1, client_hash="same")
    flag(annotations[1], 2, client_hash="same")
    with pytest.raises(services.RateLimited):
        flag(annotations[2], 3, client_hash="same")


# --- two reviewers at once ------------------------------------------------------------------


def pending_contribution(kind: str, member):
    """A note, a reply or a reading waiting for a reviewer: all three share one moderation."""
    if kind == "antwoord":
        return make_reply(make_annotation(), author=member, status=Status.PENDING)
    if kind == "lezing":
        return make_reading(make_case(), source="ontmoeting", author=member, status=Status.PENDING)
    return make_annotation(author=member, status=Status.PENDING)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["kanttekening", "antwoord", "lezing"])
def test_two_reviewers_at_once_cannot_both_win(framework, kind):
    member = make_member()
    first = make_user("eerste", groups=("Moderatoren",))
    second = make_user("tweede", groups=("Moderatoren",))
    annotation = pending_contribution(kind, member)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name, actor, action):
        try:
            barrier.wait(timeout=10)
            services.annotation_moderate(
                annotation_id=annotation.pk,
                action=action,
                actor=actor,
                expected_version=1,
                public_reason="reden",
            )
            outcomes[name] = "won"
        except services.ModerationError as error:
            outcomes[name] = f"refused: {error}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("approve", first, "approve")),
        threading.Thread(target=decide, args=("reject", second, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.split(":")[0] for outcome in outcomes.values()) == ["refused", "won"]
    annotation.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    assert annotation.status == {"approve": Status.APPROVED, "reject": Status.REJECTED}[winner]
    assert ModerationEvent.objects.filter(annotation=annotation).count() == 1
