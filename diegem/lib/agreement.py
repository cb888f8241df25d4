"""Agreement between coders: Krippendorff's alpha (the `krippendorff` package) and percentage agreement.

Data come as coders x units: one row per coder, one column per unit, None (or NaN)
where a coder gave no value. Only *pairable* units count: units with values from at
least two coders. A mechanism: it knows nothing of cases or the framework.

Alpha is not computable (None, with the reason in `Alpha.reason`) when
- no unit is pairable (`NO_PAIRABLE_UNIT`), or
- the pairable values do not vary at all (`NO_VARIATION`): every value is the same
  one, so the disagreement expected by chance is zero and alpha is 0/0. Perfect
  agreement *with* variation is alpha 1.0.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations

import krippendorff
import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio")
NO_PAIRABLE_UNIT = "no_pairable_unit"
NO_VARIATION = "no_variation"


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha, or None with the reason it cannot be computed; `pairable` units used."""

    value: float | None
    pairable: int
    reason: str = ""


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pairable_units(data: Sequence[Sequence]) -> list[int]:
    """The columns with values from at least two coders."""
    if not data:
        return []
    return [
        unit
        for unit in range(len(data[0]))
        if sum(1 for row in data if not _missing(row[unit])) >= 2
    ]


def alpha(
    data: Sequence[Sequence[float | None]],
    level: str = "ordinal",
    value_domain: Sequence[float] | None = None,
) -> Alpha:
    """Krippendorff's alpha over coders x units (None or NaN missing) at `level` of measurement.

    `value_domain` is the ordered scale (e.g. 0..3): the ordinal metric ranks values on
    it. Values must be numbers (nominal categories coded as numbers).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement: {level}")
    pairable = pairable_units(data)
    if not pairable:
        return Alpha(None, 0, NO_PAIRABLE_UNIT)
    values = {row[unit] for row in data for unit in pairable if not _missing(row[unit])}
    if len(values) < 2:
        return Alpha(None, len(pairable), NO_VARIATION)
    matrix = np.array(
        [[np.nan if _missing(row[unit]) else float(row[unit]) for unit in pairable] for row in data]
    )
    domain = None
    if value_domain is not None:
        domain = sorted({float(v) for v in value_domain} | {float(v) for v in values})
    result = krippendorff.alpha(
        reliability_data=matrix, level_of_measurement=level, value_domain=domain
    )
    return Alpha(float(result), len(pairable))


@dataclass(frozen=True)
class Percent:
    """The share of agreeing pairs of values over pairable units (0..100), or None without any."""

    value: float | None
    pairable: int


def percent_agreement(data: Sequence[Sequence[Hashable | None]]) -> Percent:
    """Percentage agreement: of all pairs of coders' values within pairable units, how many are equal.

    Values may be any category (a number, or a word such as "niet te bepalen"); None is
    missing. With two coders this is the share of units on which both say the same.
    """
    pairable = pairable_units(data)
    agreeing = pairs = 0
    for unit in pairable:
        given = [row[unit] for row in data if not _missing(row[unit])]
        for first, second in combinations(given, 2):
            pairs += 1
            agreeing += first == second
    if not pairs:
        return Percent(None, 0)
    return Percent(100 * agreeing / pairs, len(pairable))
