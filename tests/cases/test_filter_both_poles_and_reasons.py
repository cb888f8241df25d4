"""'Houdt beide polen vast' is a filter of its own, a range from pole to pole keeps those cases, and
each result card says why it matched."""

import pytest
from django.urls import reverse

from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(framework):
    make_case(title="Beide", positions={"consensus-conflict": "both"}, strengths={"strijd": 2})
    make_case(title="Conflict", positions={"consensus-conflict": 2}, strengths={"strijd": 3})
    make_case(title="Consensus", positions={"consensus-conflict": -2}, strengths={"strijd": 0})
    make_case(title="Midden", positions={"consensus-conflict": 0}, strengths={"strijd": 1})


def titles(client, query) -> list[str]:
    return texts(parse(client.get(reverse("case-list"), query)), "//article//h3/a")


FILTERED = [
    ({"consensus-conflict-beide": "ja"}, ["Beide"]),
    (
        {"consensus-conflict-van": "-2", "consensus-conflict-tot": "2"},
        ["Beide", "Conflict", "Consensus", "Midden"],
    ),
    ({"consensus-conflict-van": "-2"}, ["Beide", "Conflict", "Consensus", "Midden"]),
    ({"consensus-conflict-van": "-1", "consensus-conflict-tot": "2"}, ["Conflict", "Midden"]),
    ({"consensus-conflict-van": "1", "consensus-conflict-beide": "ja"}, ["Beide", "Conflict"]),
    ({"consensus-conflict-tot": "-1"}, ["Consensus"]),
]


@pytest.mark.parametrize(("query", "expected"), FILTERED)
def test_both_poles_is_filterable_and_a_whole_range_keeps_it(client, spread, query, expected):
    assert titles(client, query) == expected


def test_the_both_poles_option_counts_what_it_would_leave(client, spread):
    tree = parse(client.get(reverse("case-list"), {"consensus-conflict-van": "1"}))
    [label] = tree.xpath(
        "//fieldset[@id='row-consensus-conflict']//label[@class='filter-row__both']"
    )

    # With the rest of its row left out, as the steps count: the one case holding both poles.
    assert (
        " ".join(label.text_content().split()) == "houdt beide polen vast (1, ● 0 met tekstbewijs)"
    )
    assert titles(client, {"consensus-conflict-van": "1", "consensus-conflict-beide": "ja"}) == [
        "Beide",
        "Conflict",
    ]
    chips = texts(
        parse(client.get(reverse("case-list"), {"consensus-conflict-beide": "ja"})),
        "//ul[@class='chips']/li[@class='chip']",
    )
    assert chips == [
        "Consensus – conflict: houdt beide polen vast ×"
        "Filter Consensus – conflict: houdt beide polen vast weghalen"
    ]


def test_each_card_says_why_it_matched(client, spread):
    tree = parse(
        client.get(reverse("case-list"), {"bron-strijd": "2", "consensus-conflict-van": "-2"})
    )

    assert texts(tree, "//article//p[@class='card__why']") == [
        "Past bij de filters: Strijd: matig · Consensus – conflict: houdt beide polen vast",
        "Past bij de filters: Strijd: sterk · Consensus – conflict: sterk conflict",
    ]
    assert texts(parse(client.get(reverse("case-list"))), "//p[@class='card__why']") == []


def shown_count(label: str) -> int:
    return int(label.rsplit("(", 1)[1].split(",")[0].rstrip(")"))


ROW = (
    "consensus-conflict",
    "consensus-conflict-van",
    "consensus-conflict-tot",
    "consensus-conflict-beide",
)


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"consensus-conflict-beide": "ja"},
        {"consensus-conflict": ["0", "1"]},
        {"consensus-conflict-van": "0", "consensus-conflict-beide": "ja", "bron-strijd": "1"},
    ],
)
def test_every_option_of_the_row_leaves_as_many_cases_as_it_says(client, spread, state):
    tree = parse(client.get(reverse("case-list"), state))
    others = {name: value for name, value in state.items() if name not in ROW}
    row = tree.xpath("//fieldset[@id='row-consensus-conflict']")[0]
    for step in row.xpath(".//label[@class='filter-row__option']"):
        [box] = step.xpath("./input")
        [description] = step.xpath("./span[@class='visually-hidden']/text()")
        alone = {**others, "consensus-conflict": box.get("value")}
        assert shown_count(description) == len(titles(client, alone)), alone
    [both] = row.xpath(".//label[@class='filter-row__both']")
    alone = {**others, "consensus-conflict-beide": "ja"}
    assert shown_count(both.text_content()) == len(titles(client, alone)), alone


def test_the_steps_show_what_is_chosen_and_the_chips_name_it(client, spread):
    query = {"consensus-conflict": ["-2", "2"], "consensus-conflict-beide": "ja"}
    tree = parse(client.get(reverse("case-list"), query))

    assert tree.xpath("//fieldset[@id='row-consensus-conflict']//input[@checked]/@value") == [
        "-2",
        "2",
        "ja",
    ]
    assert titles(client, query) == ["Beide", "Conflict", "Consensus"]
    assert [chip.split(" ×")[0] for chip in texts(tree, "//li[@class='chip']")] == [
        "Consensus – conflict: sterk consensus, sterk conflict",
        "Consensus – conflict: houdt beide polen vast",
    ]


def test_only_ja_ticks_both_poles(client, spread):
    tree = parse(client.get(reverse("case-list"), {"consensus-conflict-beide": "nee"}))

    assert len(texts(tree, "//article//h3/a")) == 4
    assert not tree.xpath("//input[@name='consensus-conflict-beide'][@checked]")
    assert texts(tree, "//li[@class='chip']") == []


def test_a_step_that_completes_the_whole_scale_can_be_chosen_when_cases_hold_both_poles(
    client, spread
):
    # Sterk consensus, midden and sterk conflict hold cases; eerder consensus and eerder
    # conflict none. With four steps chosen, the fifth makes the whole scale (and brings the
    # case holding both poles), so it is not switched off; with three, an empty step is.
    four = {"consensus-conflict": ["-2", "0", "1", "2"]}
    three = {"consensus-conflict": ["-2", "0", "2"]}

    def disabled(query):
        tree = parse(client.get(reverse("case-list"), query))
        return tree.xpath("//fieldset[@id='row-consensus-conflict']//input[@disabled]/@value")

    assert disabled(four) == []
    assert disabled(three) == ["-1", "1"]
    assert titles(client, {"consensus-conflict": ["-2", "-1", "0", "1", "2"]}) == [
        "Beide",
        "Conflict",
        "Consensus",
        "Midden",
    ]
