"""The bank's coding reliability: agreement between independent codings, per dimension and pooled. A read.

Drawn from every double-coding round whose two independent codings are both
submitted and whose case is published (`DoubleCodingRound.objects.counted()`: a round
on a case that is not public counts once the case is; the figures name no case). Each round is a unit; per source Krippendorff's alpha with the
ordinal metric on the strengths 0..3, per tension field the interval metric on the
positions -2..+2, and over all sources (ordinal) and all fields (interval) with
each case-and-dimension a unit. Beside alpha, percentage agreement.

How the two values without a place on the scale are treated (also on /methode/):
- "niet te bepalen" is a missing value for alpha: a unit where a coder said it has
  one value left and drops out (it is not pairable). For percentage agreement it is
  a category: both saying it is agreement, one saying it is disagreement.
- "houdt beide polen vast" is not a point between -2 and +2: missing for alpha, a
  category of its own for percentage agreement.
Alpha is "nog niet te berekenen" with fewer than MIN_CASES double-coded cases, or
when `diegem.lib.agreement.alpha` cannot compute it (no pairable unit, no variation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases.models import (
    DoubleCodingRound,
    Grounds,
    IndependentSourceCoding,
    IndependentTensionPosition,
)
from diegem.lib import agreement
from frameworks.models import Source, TensionField

# Below this many double-coded cases a dimension's alpha is not reported.
MIN_CASES = 3
STRENGTHS = (0, 1, 2, 3)
POSITIONS = (-2, -1, 0, 1, 2)
UNDETERMINED = "niet_te_bepalen"
BOTH_POLES = "beide_polen"


@dataclass(frozen=True)
class Reliability:
    """Agreement on one dimension (a source, a field, or all of them pooled)."""

    kind: str  # "bron", "spanningsveld", "alle_bronnen", "alle_spanningsvelden"
    key: str
    name: str
    metric: str  # "ordinal" or "interval"
    cases: int  # double-coded cases
    alpha: float | None
    alpha_units: int  # pairable units alpha used
    percent: float | None
    # The source or tension field measured (None when pooled): a page marks its name's language.
    item: object = field(default=None, compare=False, repr=False)

    @property
    def alpha_reported(self) -> float | None:
        return self.alpha if self.cases >= MIN_CASES else None

    @property
    def verdict(self) -> str:
        """Alpha in words, by Krippendorff's own guideline (0.800 reliable, 0.667 the lowest for tentative conclusions)."""
        if self.alpha_reported is None:
            return _("nog niet te berekenen")
        if self.alpha_reported >= 0.8:
            return _("betrouwbaar")
        if self.alpha_reported >= 0.667:
            return _("voorzichtig te gebruiken")
        return _("onvoldoende betrouwbaar")


def _units(model, framework_column: str, value_of):
    """Per framework item, the units: {(round, item): {"cases": case, coder role: (alpha value, category)}}."""
    rounds = DoubleCodingRound.objects.counted().values("pk")
    rows = model.objects.filter(coding__round__in=rounds).values(
        "coding__round_id",
        "coding__round__case_id",
        "coding__round__requested_by_id",
        "coding__coder_id",
        framework_column,
        "grounds",
        *value_of.fields,
    )
    units: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        unit = units[row[framework_column]].setdefault(
            row["coding__round_id"], {"case": row["coding__round__case_id"]}
        )
        role = (
            "first"
            if row["coding__coder_id"] == row["coding__round__requested_by_id"]
            else "second"
        )
        unit[role] = value_of(row)
    return units


class _StrengthValue:
    fields = ("strength",)

    def __call__(self, row):
        if row["grounds"] == Grounds.UNDETERMINED:
            return None, UNDETERMINED
        return row["strength"], str(row["strength"])


class _PositionValue:
    fields = ("position", "holds_both")

    def __call__(self, row):
        if row["grounds"] == Grounds.UNDETERMINED:
            return None, UNDETERMINED
        if row["holds_both"]:
            return None, BOTH_POLES
        return row["position"], str(row["position"])


def _measure(kind, key, name, metric, scale, units: list[dict], item=None) -> Reliability:
    paired = [unit for unit in units if "first" in unit and "second" in unit]
    values = [[u[role][0] for u in paired] for role in ("first", "second")]
    categories = [[u[role][1] for u in paired] for role in ("first", "second")]
    alpha = agreement.alpha(values, metric, value_domain=scale)
    percent = agreement.percent_agreement(categories)
    return Reliability(
        kind=kind,
        key=key,
        name=name,
        metric=metric,
        cases=len({u["case"] for u in paired}),
        alpha=alpha.value,
        alpha_units=alpha.pairable,
        percent=percent.value,
        item=item,
    )


def reliability() -> list[Reliability]:
    """Per source, per tension field, then all sources and all fields pooled (four queries)."""
    source_units = _units(IndependentSourceCoding, "source_id", _StrengthValue())
    field_units = _units(IndependentTensionPosition, "tension_field_id", _PositionValue())
    sources, fields = list(Source.objects.all()), list(TensionField.objects.all())
    result = [
        _measure(
            "bron",
            s.key,
            s.shown.name,  # in the page's language, as a tension field's name is
            "ordinal",
            STRENGTHS,
            list(source_units.get(s.pk, {}).values()),
            item=s,
        )
        for s in sources
    ] + [
        _measure(
            "spanningsveld",
            f.key,
            f.name,
            "interval",
            POSITIONS,
            list(field_units.get(f.pk, {}).values()),
            item=f,
        )
        for f in fields
    ]
    result.append(
        _measure(
            "alle_bronnen",
            "",
            _("alle bronnen samen"),
            "ordinal",
            STRENGTHS,
            [unit for by_round in source_units.values() for unit in by_round.values()],
        )
    )
    result.append(
        _measure(
            "alle_spanningsvelden",
            "",
            _("alle spanningsvelden samen"),
            "interval",
            POSITIONS,
            [unit for by_round in field_units.values() for unit in by_round.values()],
        )
    )
    return result


RELIABILITY_COLUMNS = [
    "soort",
    "sleutel",
    "naam",
    "metriek",
    "dubbel_gecodeerde_praktijken",
    "alpha",
    "eenheden_alpha",
    "procent_overeenstemming",
]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def reliability_rows(measures: list[Reliability] | None = None) -> list[list]:
    """Header and one row per dimension, for a CSV; an alpha not reported is empty."""
    measures = reliability() if measures is None else measures
    rows = [RELIABILITY_COLUMNS]
    for m in measures:
        alpha = _round(m.alpha_reported, 3)
        percent = _round(m.percent, 1)
        rows.append(
            [
                m.kind,
                m.key,
                m.name,
                m.metric,
                m.cases,
                "" if alpha is None else alpha,
                m.alpha_units,
                "" if percent is None else percent,
            ]
        )
    return rows


def reliability_json(measures: list[Reliability] | None = None) -> dict:
    """The figures as the JSON export gives them (top-level key "betrouwbaarheid")."""
    measures = reliability() if measures is None else measures
    return {
        "methode": (
            "Krippendorffs alfa (ordinaal voor de sterktes 0..3, interval voor de posities -2..+2) "
            "en procentuele overeenstemming tussen twee onafhankelijke coderingen per praktijk. "
            "'niet te bepalen' en 'houdt beide polen vast' tellen voor alfa als ontbrekend, "
            "voor de procentuele overeenstemming als eigen categorie. Alfa staat op null bij "
            f"minder dan {MIN_CASES} dubbel gecodeerde praktijken of als ze niet te berekenen is."
        ),
        "dimensies": [
            {
                "soort": m.kind,
                "sleutel": m.key or None,
                "naam": m.name,
                "metriek": m.metric,
                "dubbel_gecodeerde_praktijken": m.cases,
                "alpha": _round(m.alpha_reported, 3),
                "eenheden_alpha": m.alpha_units,
                "procent_overeenstemming": _round(m.percent, 1),
            }
            for m in measures
        ],
    }
