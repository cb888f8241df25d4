"""Data for the server-drawn charts: where cases sit on a tension field.

The templates draw these as HTML and CSS (no script, no inline style); this
module only decides what goes in which column, in a fixed number of queries
whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from cases.filters import EVIDENCE_ONLY, GROUNDS_PARAM, range_params
from cases.models import Case, Grounds, Position, TensionPosition, describe_position
from diegem.lib.languages import with_translations
from frameworks.models import TensionField

BOTH = "both"
UNDETERMINED = "undetermined"


@dataclass
class SpectrumColumn:
    """One step of a spectrum (or the 'holds both poles' group) and the positions in it.

    `evidence` says how many of `count` rest on text evidence; `positions` holds at
    most a column's worth of them, each with its case.
    """

    key: int | str
    label: str
    count: int = 0
    evidence: int = 0
    positions: list[TensionPosition] = field(default_factory=list)
    list_url: str = ""

    @property
    def css_class(self) -> str:
        return "both" if self.key == BOTH else f"pos{int(self.key) + 2}"

    @property
    def more(self) -> int:
        return self.count - len(self.positions)


@dataclass
class Spectrum:
    """A tension field's columns, and what is not drawn on it.

    `undetermined` holds the cases whose position cannot be told: never a column,
    named apart. `left_out` counts the positions resting on interpretation that
    "alleen met tekstbewijs" leaves out.
    """

    columns: list[SpectrumColumn]
    undetermined: SpectrumColumn
    left_out: int = 0

    @property
    def total(self) -> int:
        return sum(column.count for column in self.columns)


def spectrum_columns(
    tension_field: TensionField,
    cases: QuerySet[Case],
    *,
    evidence_only: bool = False,
    per_column: int = 12,
) -> Spectrum:
    """Five position columns and a 'both poles' column for the given cases.

    Each column holds its count and at most `per_column` positions (by case title),
    so the chart stays readable and cheap with ten thousand cases. With
    `evidence_only` only positions on text evidence are drawn and counted.
    """
    low, high = range_params(tension_field)
    restriction = {GROUNDS_PARAM: EVIDENCE_ONLY} if evidence_only else {}
    columns: dict[int | str, SpectrumColumn] = {}
    for position in Position:
        query = urlencode({low: position.value, high: position.value, **restriction})
        columns[position.value] = SpectrumColumn(
            key=position.value,
            label=describe_position(tension_field, position.value, False),
            list_url=f"{reverse('case-list')}?{query}",
        )
    columns[BOTH] = SpectrumColumn(key=BOTH, label=describe_position(tension_field, None, True))
    undetermined = SpectrumColumn(key=UNDETERMINED, label=str(Grounds.UNDETERMINED.label))

    def group(grounds: str, position: int | None, holds_both: bool) -> SpectrumColumn:
        if grounds == Grounds.UNDETERMINED:
            return undetermined
        return columns[BOTH if holds_both else position]

    on_field = TensionPosition.objects.filter(
        tension_field=tension_field, case__in=cases.values("pk")
    )
    shown = on_field.shown(evidence_only=evidence_only)
    for grounds, position, holds_both, n in (
        shown.values_list("grounds", "position", "holds_both").annotate(n=Count("pk")).order_by()
    ):
        column = group(grounds, position, holds_both)
        column.count += n
        if grounds == Grounds.EVIDENCE:
            column.evidence += n

    ranked = (
        shown.annotate(
            rank=Window(
                RowNumber(),
                # Undetermined positions are (NULL, false): a partition of their own.
                partition_by=[F("position"), F("holds_both")],
                order_by=[F("case__title").asc(), F("case__pk").asc()],
            )
        )
        .filter(rank__lte=per_column)
        .select_related("case")
        .only(
            "grounds",
            "position",
            "holds_both",
            "evidence_orphaned",
            *with_translations(Case, "title", prefix="case__"),
            "case__slug",
        )
        .order_by("case__title", "case__pk")
    )
    for position in ranked:
        group(position.grounds, position.position, position.holds_both).positions.append(position)

    spectrum = Spectrum(columns=list(columns.values()), undetermined=undetermined)
    if evidence_only:
        spectrum.left_out = on_field.count() - spectrum.total - undetermined.count
    return spectrum
