"""Practices a member keeps for their organisation, placed again over time ("Waar staat uw praktijk?").

The public tool (cases.practice_profile) stores nothing: its state is the URL. A member of a
stakeholder organisation may keep a placement for the organisation: a `SavedPractice` (a
name) with its dated `PracticePlacement`s, each holding the tool's own URL parameters
(`PracticeProfile.as_query()` without the name, which the practice carries). So a placement
opens in the tool exactly as it was made, and the trajectory reads the first, the latest and
any in between. Saved practices are private to the organisation's members: every read starts
from `visible_to(user)`. The models belong to the annotations app (annotations/models.py
imports them, so Django finds them).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from annotations.organisations import Organisation
from cases.practice_profile import NAME_MAX_LENGTH
from diegem.lib.visible_text import has_visible_text

# The tool's parameter for the name: the practice keeps it, not each placement.
NAME_PARAM = "naam"


# Said by the form on its field, and by the service when it meets them anyway (a race).
FUTURE_DATE = _("Een datum in de toekomst kan niet.")
# The earliest date a placement may carry. DieGem's research began in 2013 and its framework text
# dates from 2014, but a practice may be placed afterwards as it stood earlier (a reconstruction,
# a paper workshop), so the bound is generous: a date before 2000 (0001-01-01, 1900, 0202) is a
# slip of the keyboard, not a placement, and would also sort first in the trajectory for good.
EARLIEST_DATE = datetime.date(2000, 1, 1)
TOO_EARLY = _("Een datum vóór 1 januari 2000 kan niet.")
NAME_NEEDED = _("Geef de nieuwe praktijk een naam.")
NAME_TAKEN = _(
    "Uw organisatie bewaarde al een praktijk met deze naam; kies ze bij ‘Bewaren bij’ of geef "
    "een andere naam."
)


PRACTICE_GONE = _(
    "Deze praktijk is intussen verwijderd; bewaar de plaatsing als een nieuwe praktijk."
)


class PracticeError(Exception):
    """A placement that cannot be kept; the message says why, for the member."""


class SavedPracticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedPracticeQuerySet:
        """Only the practices of the organisation(s) the user is an active member of.

        A reviewer, a researcher or staff without a membership sees none: the practices are
        the organisation's own, not content of the bank.
        """
        return self.filter(organisation__in=Organisation.objects.of_member(user))


class PracticePlacementQuerySet(models.QuerySet):
    def visible_to(self, user) -> PracticePlacementQuerySet:
        return self.filter(practice__organisation__in=Organisation.objects.of_member(user))

    def in_order(self) -> PracticePlacementQuerySet:
        """First to latest: by the date the member gave, then by when it was kept."""
        return self.order_by("placed_on", "created", "pk")


class SavedPractice(models.Model):
    """A practice an organisation keeps placing on the framework."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="saved_practices",
    )
    name = models.CharField(_("naam"), max_length=NAME_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bewaard door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("bewaard"), auto_now_add=True)

    objects = SavedPracticeQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("bewaarde praktijk")
        verbose_name_plural = _("bewaarde praktijken")
        constraints = [
            # One name per organisation, whatever its capitals: placing again finds it.
            models.UniqueConstraint(
                "organisation", Lower("name"), name="saved_practice_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("saved-practice", args=[self.pk])


class PracticePlacement(models.Model):
    """One dated placement of a saved practice: the tool's parameters, literally."""

    practice = models.ForeignKey(
        SavedPractice,
        verbose_name=_("praktijk"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    placed_on = models.DateField(_("datum"), default=timezone.localdate)
    # The tool's URL parameters (cases.practice_profile), without the name.
    values = models.JSONField(_("waarden"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geplaatst door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("bewaard"), auto_now_add=True)

    objects = PracticePlacementQuerySet.as_manager()

    class Meta:
        ordering = ["placed_on", "created", "pk"]
        verbose_name = _("plaatsing")
        verbose_name_plural = _("plaatsingen")

    def __str__(self) -> str:
        return f"{self.practice} · {self.placed_on}"

    def tool_query(self) -> str:
        """The tool's query string that shows this placement (the practice's name first)."""
        return urlencode({NAME_PARAM: self.practice.name, **self.values})

    def tool_url(self) -> str:
        return reverse("practice") + "?" + self.tool_query()


# --- state changes ------------------------------------------------------------------------------


@transaction.atomic
def practice_placement_save(
    *,
    organisation: Organisation,
    query: dict[str, str],
    placed_on: datetime.date,
    created_by,
    practice: SavedPractice | None = None,
    name: str = "",
) -> PracticePlacement:
    """Keep a placement (the tool's `as_query()`) for a practice of the organisation: an
    existing one, or a new one called `name`."""
    if placed_on > timezone.localdate():
        raise PracticeError(FUTURE_DATE)
    if placed_on < EARLIEST_DATE:
        raise PracticeError(TOO_EARLY)
    if practice is None:
        name = name.strip()
        if not has_visible_text(name):
            raise PracticeError(NAME_NEEDED)
        try:
            with transaction.atomic():  # a savepoint: the name may be taken meanwhile
                practice = SavedPractice.objects.create(
                    organisation=organisation, name=name, created_by=created_by
                )
        except IntegrityError:
            raise PracticeError(NAME_TAKEN) from None
    elif practice.organisation_id != organisation.pk:
        raise PracticeError(gettext("Deze praktijk hoort niet bij uw organisatie."))
    elif not _locked(practice.pk):
        raise PracticeError(PRACTICE_GONE)  # deleted by a colleague meanwhile
    values = {key: value for key, value in query.items() if key != NAME_PARAM}
    return PracticePlacement.objects.create(
        practice=practice, placed_on=placed_on, values=values, created_by=created_by
    )


def _locked(practice_id: int) -> SavedPractice | None:
    """The practice, its row locked to the end of the transaction; None if it is gone. Every
    write of a practice or its placements locks the practice first, so that two at once (a
    double click, two colleagues) wait for each other in the same order."""
    return SavedPractice.objects.select_for_update().filter(pk=practice_id).first()


# What a delete did: the placement, the practice with its last placement, or nothing (another
# request deleted it first: a double click, a colleague).
PLACEMENT, PRACTICE, ALREADY_GONE = "placement", "practice", "already-gone"


@transaction.atomic
def practice_placement_delete(*, placement: PracticePlacement) -> str:
    """Delete one placement; the practice goes with its last one. Says which (`PLACEMENT`,
    `PRACTICE`), or `ALREADY_GONE` when another request deleted it first."""
    practice = _locked(placement.practice_id)
    if practice is None or not PracticePlacement.objects.filter(pk=placement.pk).delete()[0]:
        return ALREADY_GONE
    if not practice.placements.exists():
        practice.delete()
        return PRACTICE
    return PLACEMENT


@transaction.atomic
def practice_delete(*, practice: SavedPractice) -> str:
    """Delete a saved practice with all its placements: `PRACTICE`, or `ALREADY_GONE` when
    another request deleted it first."""
    locked = _locked(practice.pk)
    if locked is None:
        return ALREADY_GONE
    locked.delete()
    return PRACTICE
