"""Workshops: a practice placed together ("Waar staat uw praktijk?" in a group).

A member of a stakeholder organisation opens a session and shows its short code; participants
answer the tool's questions on their phones without an account. The database keeps no identity
of a participant (no user, address or session key): an answer is only its values, and the
random key its form was drawn with (so that a form sent twice counts once). The
facilitator sees the group's distribution, never one answer; closing keeps only the aggregate
and deletes the answers. The state changes live in `annotations.workshop_sessions`. The models
belong to the annotations app (annotations/models.py imports them, so Django finds them).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annotations.organisations import Organisation
from diegem.lib.form_keys import FORM_KEY_LENGTH

# No 0/O, 1/I/L: a code read from a projector is typed without doubt.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """A code as typed ("abc 234", "ABC-234") in the stored form."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class WorkshopQuerySet(models.QuerySet):
    def of_member(self, user) -> WorkshopQuerySet:
        """The sessions of the user's organisation: all a facilitator may see (none for others)."""
        return self.filter(organisation__in=Organisation.objects.of_member(user))

    def expired(self, now=None) -> WorkshopQuerySet:
        """Open sessions whose time is up: they count as closed."""
        return self.filter(status=Workshop.Status.OPEN, expires_at__lte=now or timezone.now())

    def past_retention(self, now=None) -> WorkshopQuerySet:
        """Closed sessions older than the retention period: to be deleted."""
        since = (now or timezone.now()) - timedelta(days=settings.WORKSHOP_RETENTION_DAYS)
        return self.filter(status=Workshop.Status.CLOSED, closed_at__lte=since)


class Workshop(models.Model):
    """A workshop session: a code participants join with, open for a few hours."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "gesloten", _("gesloten")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="workshops",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geopend door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    title = models.CharField(_("naam van de praktijk"), max_length=120, blank=True)
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("geopend"), default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt"))
    closed_at = models.DateTimeField(_("gesloten"), null=True, blank=True)
    # Filled at closing: {"deelnemers": n, "items": {param: {"nu": {value: count}, ...}}}.
    aggregate = models.JSONField(_("verdeling"), null=True, blank=True)
    # What the facilitator's screen shows while the session is open: the counts as they were
    # when three different answers had last been new or changed, so that no single answer can
    # be read off a change on the screen (annotations.workshop_sessions.submit_answer); which
    # answers changed since (ids only, emptied at every drawing and at closing).
    shown = models.JSONField(_("verdeling op het scherm"), null=True, blank=True)
    unshown_answers = models.JSONField(
        _("antwoorden gewijzigd sinds de laatste verdeling"), default=list, blank=True
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("werkvorm")
        verbose_name_plural = _("werkvormen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "gesloten"]), name="workshop_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}" if self.title else self.code

    @property
    def is_open(self) -> bool:
        """Open and not expired: a session past its time counts as closed."""
        return self.status == self.Status.OPEN and timezone.now() < self.expires_at

    def get_absolute_url(self) -> str:
        return reverse("workshop-join", args=[self.code])


class WorkshopAnswer(models.Model):
    """One participant's answer: only the values, as the tool's URL parameters (no identity),
    and the random key of the form it came from, so that the same form sent twice is one answer."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("werkvorm"), on_delete=models.CASCADE, related_name="answers"
    )
    values = models.JSONField(_("antwoorden"), default=dict)
    form_key = models.CharField(
        _("sleutel van het formulier"), max_length=FORM_KEY_LENGTH, blank=True, default=""
    )

    class Meta:
        verbose_name = _("antwoord in een werkvorm")
        verbose_name_plural = _("antwoorden in een werkvorm")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "form_key"],
                condition=~models.Q(form_key=""),
                name="workshop_answer_once_per_form",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop.code} #{self.pk}"
