"""Readings of a coding ("tegenlezingen"): a member proposes another value for one coding of a case.

A reading is an `Annotation` with motivation `assessing` (W3C): its argument is
the annotation's body, its optional passage the annotation's passage in one of
the case's text sections, and it is moderated like every note (the same
services, table, events and e-mails). What it reads, the coding of one source
or one tension field, and the value it proposes live here, one row per
reading. Every read of readings starts from the annotation's visibility
(`Reading.objects.filter(annotation__in=Annotation.objects.public())`), never
from this table alone. The model belongs to the annotations app
(annotations/models.py imports it, so Django finds it).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Position, Strength, describe_position, describe_strength
from frameworks.models import Source, TensionField


class Reading(models.Model):
    """The coding a reading is about and the value it proposes.

    On a source: a strength, or that it cannot be told. On a tension field: a
    position, "houdt beide polen vast", or that it cannot be told. The same
    values a coding may take (cases.models), held by the same kind of constraints.
    """

    annotation = models.OneToOneField(
        "annotations.Annotation",
        verbose_name=_("lezing"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reading",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("bron"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readings",
    )
    tension_field = models.ForeignKey(
        TensionField,
        verbose_name=_("spanningsveld"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readings",
    )
    strength = models.SmallIntegerField(
        _("voorgestelde sterkte"), choices=Strength, null=True, blank=True
    )
    position = models.SmallIntegerField(
        _("voorgestelde positie"), choices=Position, null=True, blank=True
    )
    holds_both = models.BooleanField(_("houdt beide polen vast"), default=False)
    undetermined = models.BooleanField(_("niet te bepalen"), default=False)

    class Meta:
        verbose_name = _("lezing van een codering")
        verbose_name_plural = _("lezingen van coderingen")
        constraints = [
            models.CheckConstraint(
                condition=(
                    # On a source: a strength from 0 to 3, or "niet te bepalen".
                    Q(source__isnull=False, tension_field__isnull=True, position__isnull=True)
                    & Q(holds_both=False)
                    & (
                        Q(
                            undetermined=False,
                            strength__gte=Strength.ABSENT,
                            strength__lte=Strength.STRONG,
                        )
                        | Q(undetermined=True, strength__isnull=True)
                    )
                    # On a tension field: a step, both poles, or "niet te bepalen": exactly one.
                    | Q(source__isnull=True, tension_field__isnull=False, strength__isnull=True)
                    & (
                        Q(
                            undetermined=False,
                            holds_both=False,
                            position__gte=Position.POLE_A,
                            position__lte=Position.POLE_B,
                        )
                        | Q(undetermined=False, holds_both=True, position__isnull=True)
                        | Q(undetermined=True, holds_both=False, position__isnull=True)
                    )
                ),
                name="reading_one_coding_one_value",
                violation_error_message=_(
                    "Een lezing gaat over één bron of één spanningsveld en stelt één waarde voor."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["source"], name="reading_source"),
            models.Index(fields=["tension_field"], name="reading_tension_field"),
        ]

    def __str__(self) -> str:
        item = self.source if self.source_id else self.tension_field
        return f"{item}: {self.label}"

    @property
    def label(self) -> str:
        """The proposed value in the words the case profile uses for a coding."""
        if self.undetermined or self.source_id:
            return describe_strength(None if self.undetermined else self.strength)
        return describe_position(self.tension_field, self.position, self.holds_both)
