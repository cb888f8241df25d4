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

from cases.filters import range_params
from cases.models import Case, Position, describe_position
from frameworks.models import TensionField

BOTH = "both"


@dataclass
class SpectrumColumn:
    """One step of a spectrum (or the 'holds both poles' group) and its cases."""

    key: int | str
    label: str
    count: int = 0
    cases: list[Case] = field(default_factory=list)
    list_url: str = ""

    @property
    def css_class(self) -> str:
        return "both" if self.key == BOTH else f"pos{int(self.key) + 2}"

    @property
    def more(self) -> int:
        return self.count - len(self.cases)


def spectrum_columns(
    tension_field: TensionField, cases: QuerySet[Case], *, per_column: int = 12
) -> list[SpectrumColumn]:
    """Five position columns and a 'both poles' column for the given cases.

    Each column holds its count and at most `per_column` cases (alphabetical),
    so the chart stays readable and cheap with ten thousand cases.
    """
    columns: dict[int | str, SpectrumColumn] = {}
    for position in Position:
        low, high = range_params(tension_field)
        query = urlencode({low: position.value, high: position.value})
        columns[position.value] = SpectrumColumn(
            key=position.value,
            label=describe_position(tension_field, position.value, False),
            list_url=f"{reverse('case-list')}?{query}",
        )
    columns[BOTH] = SpectrumColumn(key=BOTH, label=describe_position(tension_field, None, True))

    positioned = cases.filter(tension_positions__tension_field=tension_field)
    counts = positioned.values("tension_positions__position", "tension_positions__holds_both").annotate(
        n=Count("pk")
    ).order_by()
    for row in counts:
        key = BOTH if row["tension_positions__holds_both"] else row["tension_positions__position"]
        columns[key].count += row["n"]

    ranked = (
        positioned.annotate(
            spectrum_position=F("tension_positions__position"),
            spectrum_both=F("tension_positions__holds_both"),
            rank=Window(
                RowNumber(),
                partition_by=[F("tension_positions__position"), F("tension_positions__holds_both")],
                order_by=[F("title").asc(), F("pk").asc()],
            ),
        )
        .filter(rank__lte=per_column)
        .only("title", "slug")
        .order_by("title", "pk")
    )
    for case in ranked:
        key = BOTH if case.spectrum_both else case.spectrum_position
        columns[key].cases.append(case)
    return list(columns.values())
