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

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Position, Strength, describe_position, describe_strength
from frameworks.models import Source, TensionField

# Where the researchers' answer to a reading stands (the open data's words and values).
ANSWER_STATUSES = {
    "geen_antwoord": _("geen antwoord"),
    "beantwoord": _("beantwoord"),
    "verwerkt": _("verwerkt"),
}
UNDETERMINED = "niet_te_bepalen"
BOTH_POLES = "beide"  # as the exchange format writes "holds both poles" (cases.exchange.BOTH)


def value_code(*, strength=None, position=None, holds_both=False, undetermined=False) -> str:
    """A proposed or coded value as one machine value: 0..3, -2..2, "beide" or "niet_te_bepalen"."""
    if undetermined:
        return UNDETERMINED
    if holds_both:
        return BOTH_POLES
    return str(strength if strength is not None else position)


def coding_code(coding) -> str:
    """The machine value of a case's coding (a SourceCoding or TensionPosition), as `value_code`."""
    if not coding.is_determined:
        return UNDETERMINED
    if hasattr(coding, "strength"):
        return value_code(strength=coding.strength)
    return value_code(position=coding.position, holds_both=coding.holds_both)


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

    # The researchers' answer, shown publicly with the reading (Markdown, rendered like a note).
    answer = models.TextField(_("antwoord van de onderzoekers"), blank=True)
    answer_html = models.TextField(_("antwoord als HTML"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("beantwoord"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwoord door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "Verwerkt": the coding was changed because of this reading, by whom, when, and the
    # case's version that change made (the history page lists versions by their id).
    processed_at = models.DateTimeField(_("verwerkt"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verwerkt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_version = models.ForeignKey(
        "reversion.Version",
        verbose_name=_("versie van de praktijk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

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
            # The researchers' list of readings still to answer.
            models.Index(
                fields=["answered_at"],
                name="reading_unanswered",
                condition=Q(answered_at__isnull=True, processed_at__isnull=True),
            ),
            models.Index(fields=["source"], name="reading_source"),
            models.Index(fields=["tension_field"], name="reading_tension_field"),
        ]

    @property
    def item(self):
        """The source or tension field whose coding this reading is about."""
        return self.source if self.source_id else self.tension_field

    @property
    def code(self) -> str:
        """The proposed value as one machine value (`value_code`)."""
        return value_code(
            strength=self.strength,
            position=self.position,
            holds_both=self.holds_both,
            undetermined=self.undetermined,
        )

    @property
    def answer_status(self) -> str:
        """Where the researchers' answer stands: one of ANSWER_STATUSES."""
        if self.processed_at:
            return "verwerkt"
        return "beantwoord" if self.answered_at else "geen_antwoord"

    def __str__(self) -> str:
        item = self.source if self.source_id else self.tension_field
        return f"{item}: {self.label}"

    @property
    def label(self) -> str:
        """The proposed value in the words the case profile uses for a coding."""
        if self.undetermined or self.source_id:
            return describe_strength(None if self.undetermined else self.strength)
        return describe_position(self.tension_field, self.position, self.holds_both)
