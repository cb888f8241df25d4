"""Krippendorff's alpha and percentage agreement (diegem.lib.agreement) on published worked examples.

The data and the expected values are those of Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011), written out here as the paper gives them.
"""

import pytest

from diegem.lib import agreement

N = None

# The paper's example C: 4 coders (A..D) x 12 units, values 1..5, missing where a coder gave none.
FOUR_CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# The paper's example A: 2 coders, binary data, 10 units.
TWO_CODERS_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_four_coders_twelve_units(level, expected):
    result = agreement.alpha(FOUR_CODERS, level, value_domain=[1, 2, 3, 4, 5])
    assert round(result.value, 3) == expected
    # Unit 12 has one value only: not pairable.
    assert result.pairable == 11


def test_two_coders_binary_nominal():
    result = agreement.alpha(TWO_CODERS_BINARY, "nominal")
    assert round(result.value, 3) == 0.095
    assert result.pairable == 10


def test_perfect_agreement_with_variation_is_one():
    result = agreement.alpha(
        [[0, 1, 2, 3, 3], [0, 1, 2, 3, 3]], "ordinal", value_domain=[0, 1, 2, 3]
    )
    assert result.value == 1.0


def test_no_variation_cannot_be_computed():
    result = agreement.alpha([[2, 2, 2], [2, 2, N]], "interval")
    assert result.value is None
    assert result.reason == agreement.NO_VARIATION
    assert result.pairable == 2


def test_no_pairable_unit_cannot_be_computed():
    result = agreement.alpha([[1, N, 3], [N, 2, N]], "ordinal")
    assert result.value is None
    assert result.reason == agreement.NO_PAIRABLE_UNIT
    assert result.pairable == 0


def test_nan_counts_as_missing():
    nan = float("nan")
    assert agreement.pairable_units([[1, nan, 3], [1, 2, nan]]) == [0]


def test_percent_agreement_over_pairable_units_only():
    # Units 1, 2, 4 pairable; agree on 1 and 4 ("niet te bepalen" is a category like any other).
    data = [["2", "1", "niet_te_bepalen", "beide_polen"], ["2", "0", N, "beide_polen"]]
    result = agreement.percent_agreement(data)
    assert result.pairable == 3
    assert round(result.value, 1) == 66.7


def test_percent_agreement_counts_pairs_with_more_coders():
    # One unit, three coders: pairs (a,a) agree, (a,b) and (a,b) do not: 1 of 3.
    assert round(agreement.percent_agreement([["a"], ["a"], ["b"]]).value, 1) == 33.3


def test_percent_agreement_without_pairs_is_none():
    assert agreement.percent_agreement([[1, N], [N, 2]]).value is None
