"""Following, notifications, e-mail digests and how a member is shown: the models.

A member follows a case, a framework section, a source, a tension field or their own
organisation (`Follow`). When a contribution (a note, a reply, a reading) becomes public,
the fan-out (`annotations.notification_services.notification_fan_out`) writes one
`Notification` per person who should hear of it; the author hears of the reviewers'
decisions on their own contribution too. A notification keeps no text: every list and
mail reads its annotation through the visibility querysets at the moment it is shown
(`NotificationQuerySet.shown_to`), so a contribution withdrawn, hidden or rejected since,
or on a case taken offline, shows nowhere.

`manage.py send_digests` mails what is due, per member's choice (`MemberPreferences`),
marking each notification with the `DigestMail` that carried it. The models belong to
the annotations app (annotations/models.py imports them, so Django finds them);
they name Annotation and ModerationEvent by string, as that module imports this one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from annotations.organisations import Organisation
from cases.models import Case
from diegem.lib.languages import language_codes, language_field
from frameworks.models import Section, Source, TensionField


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("meteen (binnen enkele minuten)")
    DAILY = "daily", _("één overzicht per dag")
    WEEKLY = "weekly", _("één overzicht per week")
    NEVER = "never", _("nooit; alleen op de site")


class ShownAs(models.TextChoices):
    NAME = "name", _("met mijn naam en mijn organisatie")
    ORGANISATION = "organisation", _("alleen met mijn organisatie")


# A daily digest: what a member hears without a mail per event (see the README).
DEFAULT_EMAIL_FREQUENCY = EmailFrequency.DAILY


class MemberPreferences(models.Model):
    """A member's own choices: how often they are mailed and in which language, and how their
    contributions are signed.

    No row means the defaults (a daily digest in Dutch; name and organisation).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preferences",
    )
    email_frequency = models.CharField(
        _("e-mail over meldingen"),
        max_length=12,
        choices=EmailFrequency,
        default=DEFAULT_EMAIL_FREQUENCY,
    )
    shown_as = models.CharField(
        _("getoond als"), max_length=12, choices=ShownAs, default=ShownAs.NAME
    )
    # The language of the site's mails to them (decisions, digests).
    language = language_field(_("taal van e-mails"))
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("voorkeuren van een lid")
        verbose_name_plural = _("voorkeuren van leden")
        constraints = [
            models.CheckConstraint(
                condition=Q(email_frequency__in=EmailFrequency.values),
                name="preferences_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(shown_as__in=ShownAs.values), name="preferences_shown_as_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=language_codes()),
                name="preferences_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


def shows_organisation_only(user) -> bool:
    """Does this author want to be shown by their organisation alone?

    Reads `user.preferences`; callers that print many bylines select it with the
    author (`select_related("author__preferences")`), so it costs no query.
    """
    preferences = getattr(user, "preferences", None)
    return preferences is not None and preferences.shown_as == ShownAs.ORGANISATION


# --- following ---------------------------------------------------------------------------------

# What can be followed: the Follow field, and the word for it in the follow form.
FOLLOW_TARGETS = {
    "praktijk": "case",
    "kader": "section",
    "bron": "source",
    "spanningsveld": "tension_field",
    "organisatie": "organisation",
}


class FollowQuerySet(models.QuerySet):
    def of_members(self) -> FollowQuerySet:
        """Follows of active members: `Organisation.objects.of_member`'s rule, for many users at once."""
        return self.filter(user__is_active=True, user__membership__isnull=False)


class Follow(models.Model):
    """A member follows one thing; exactly one of the targets is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lid"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tension_field = models.ForeignKey(
        TensionField, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sinds"), auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gevolgd onderwerp")
        verbose_name_plural = _("gevolgde onderwerpen")
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    Func(
                        *[F(name) for name in FOLLOW_TARGETS.values()],
                        function="num_nonnulls",
                        output_field=models.IntegerField(),
                    ),
                    1,
                ),
                name="follow_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"follow_{name}_once",
                )
                for name in FOLLOW_TARGETS.values()
            ],
        ]
        indexes = [
            # The fan-out: who follows this case (section, source, ...)?
            *[
                models.Index(
                    fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"follow_{name}"
                )
                for name in FOLLOW_TARGETS.values()
            ],
        ]

    @property
    def target(self):
        return next(
            getattr(self, name) for name in FOLLOW_TARGETS.values() if getattr(self, f"{name}_id")
        )

    def __str__(self) -> str:
        return f"{self.user} → {self.target}"


# --- notifications -----------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    NOTE = "note", _("nieuwe kanttekening")
    REPLY = "reply", _("nieuwe reactie")
    READING = "reading", _("nieuwe lezing van een codering")
    DECISION = "decision", _("beslissing over uw bijdrage")


class NotificationReason(models.TextChoices):
    """Why someone hears of it, strongest first (one notification per person, the strongest reason)."""

    THREAD = "thread", _("u schreef in dit gesprek")
    RESEARCHER = "researcher", _("u onderzoekt deze praktijk")
    CASE = "case", _("u volgt deze praktijk")
    SECTION = "section", _("u volgt dit deel van het kader")
    SOURCE = "source", _("u volgt deze bron")
    TENSION_FIELD = "tension_field", _("u volgt dit spanningsveld")
    ORGANISATION = "organisation", _("u volgt uw organisatie")
    AUTHOR = "author", _("het is uw bijdrage")


class NotificationQuerySet(models.QuerySet):
    def shown_to(self, user) -> NotificationQuerySet:
        """This user's notifications whose contribution they may still see, now.

        A decision on one's own contribution: the author's own (whatever its status, as on
        "Mijn kanttekeningen"). Anything else: only while the contribution is public
        (`Annotation.objects.public()`): withdrawn, hidden, rejected, or on a case taken
        offline since, it is not shown at all.
        """
        annotation_model = self.model._meta.get_field("annotation").related_model
        public = annotation_model.objects.public().filter(pk=OuterRef("annotation_id"))
        return self.filter(recipient=user).filter(
            Q(kind=NotificationKind.DECISION, annotation__author=user)
            | (~Q(kind=NotificationKind.DECISION) & Exists(public))
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def mailable(self) -> NotificationQuerySet:
        """Not yet in a mail; decisions are mailed at once by `notify_author`, never in digests.

        Only for active members and staff (researchers), and a case's researchers: a
        follower who left their organisation is mailed nothing more.
        """
        return (
            self.filter(digest__isnull=True, recipient__is_active=True)
            .exclude(kind=NotificationKind.DECISION)
            .filter(
                Q(recipient__membership__isnull=False)
                | Q(recipient__is_staff=True)
                | Q(reason=NotificationReason.RESEARCHER)
            )
        )


class Notification(models.Model):
    """Someone should hear that a contribution became public, or what became of their own.

    Keeps no text: its annotation is read through the visibility querysets when shown.
    """

    Kind = NotificationKind
    Reason = NotificationReason

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ontvanger"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    annotation = models.ForeignKey(
        "annotations.Annotation",
        verbose_name=_("bijdrage"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("soort"), max_length=12, choices=NotificationKind)
    reason = models.CharField(_("waarom"), max_length=16, choices=NotificationReason)
    # For a decision: the moderation step it reports (an author hears of each decision).
    event = models.ForeignKey(
        "annotations.ModerationEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)
    # RESTRICT, not PROTECT: a mail record is never deleted under its notifications (they
    # would be mailed again), but a member deleted takes both along.
    digest = models.ForeignKey(
        "annotations.DigestMail",
        verbose_name=_("gemaild in"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="notifications",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("melding aan een volger")
        verbose_name_plural = _("meldingen aan volgers")
        constraints = [
            # The fan-out may run twice (a retry, a re-approval): one notification each.
            models.UniqueConstraint(
                fields=["recipient", "annotation", "kind"],
                condition=~Q(kind=NotificationKind.DECISION),
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "event"],
                condition=Q(kind=NotificationKind.DECISION),
                name="notification_decision_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=NotificationReason.values),
                name="notification_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.DECISION, event__isnull=False)
                | (~Q(kind=NotificationKind.DECISION) & Q(event__isnull=True)),
                name="notification_event_for_decisions",
            ),
        ]
        indexes = [
            # The list and the header's count: a member's notifications, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # send_digests: who has something not yet mailed.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(digest__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_kind_display()} · {self.annotation_id}"


class DigestMail(models.Model):
    """One mail to one member, recorded in the transaction that marks what it carries.

    `sent_at` is set once the mail server took it. A row without it after a run is a
    mail that may or may not have left (the process stopped in between): it is never
    sent again (see `send_digests`).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ontvanger"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    frequency = models.CharField(_("soort"), max_length=12, choices=EmailFrequency)
    shown = models.PositiveIntegerField(_("getoonde meldingen"), default=0)
    created_at = models.DateTimeField(_("aangemaakt"))
    sent_at = models.DateTimeField(_("verstuurd"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail met meldingen")
        verbose_name_plural = _("e-mails met meldingen")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.created_at:%Y-%m-%d %H:%M}"
