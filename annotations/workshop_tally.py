"""A workshop's answers counted: the group's distribution, its spread and its median profile.

Open sessions are counted from their answers; a closed session from the aggregate it kept. Both
go through the same counts ({"deelnemers": n, "items": {param: {"nu": {value: count},
"gewenst": {...}}}}), so the screen and the CSV say the same before and after closing.

With fewer than `MIN_ANSWERS` answers nothing is shown: with one or two, the facilitator would
know who answered what.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from cases.practice_profile import (
    BOTH_POLES,
    DESIRED_PREFIX,
    Item,
    Placement,
    PracticeProfile,
)

MIN_ANSWERS = 3
WHEN = (("now", "nu"), ("desired", "gewenst"))
UNKNOWN = "weet_ik_niet"  # the CSV's value for "weet ik niet"


def tally(answers) -> dict:
    """Count the answers' values per item, now and desired (the aggregate a session keeps).

    An answer's values are the tool's checked URL parameters (`bron-strijd`, `gewenst-bron-strijd`).
    """
    answers = list(answers)
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for values in answers:
        for name, value in values.items():
            key, param = "nu", name
            if name.startswith(DESIRED_PREFIX):
                key, param = "gewenst", name.removeprefix(DESIRED_PREFIX)
            found = counts.setdefault(param, {"nu": {}, "gewenst": {}})[key]
            found[value] = found.get(value, 0) + 1
    return {"deelnemers": len(answers), "items": counts}


@dataclass
class ValueRow:
    value: str
    label: str
    now: int
    desired: int

    @property
    def now_dots(self):
        return range(self.now)

    @property
    def desired_dots(self):
        return range(self.desired)


@dataclass
class ItemDistribution:
    item: Item
    rows: list[ValueRow]
    unknown_now: int
    unknown_desired: int
    spread_now: str
    spread_desired: str


def spread(counts: dict[str, int]) -> str:
    """How far apart the participants are on one item, in words."""
    given = {value: n for value, n in counts.items() if n}
    if not given:
        return gettext("niemand vulde dit in")
    if sum(given.values()) == 1:
        # One answer agrees with nobody: it is not a unanimous group.
        return gettext("één antwoord")
    if len(given) == 1:
        return gettext("eensgezind")
    steps = [int(value) for value in given if value != BOTH_POLES]
    words = []
    if steps:
        span = max(steps) - min(steps) + 1
        if span == 1:
            words.append(gettext("samen op één stap"))
        else:
            words.append(gettext("verdeeld over %(n)d stappen") % {"n": span})
    if both := given.get(BOTH_POLES):
        words.append(
            ngettext("%(n)d houdt beide polen vast", "%(n)d houden beide polen vast", both)
            % {"n": both}
        )
    return ", ".join(words)


def median(counts: dict[str, int]) -> Placement | None:
    """The group's middle answer: "both poles" when more than half hold both, else the (lower)
    median of the steps given; None when nobody answered."""
    both = counts.get(BOTH_POLES, 0)
    steps = sorted(int(v) for v, n in counts.items() if v != BOTH_POLES for _ in range(n))
    if both * 2 > both + len(steps):
        return Placement(both=True)
    if not steps:
        return None
    return Placement(value=steps[(len(steps) - 1) // 2])


class Distribution:
    """A session's counts as the facilitator's screen and the CSV show them."""

    def __init__(self, aggregate: dict, items: list[Item]):
        self.participants = aggregate.get("deelnemers", 0)
        self.counts = aggregate.get("items") or {}
        self.items = items

    @property
    def shown(self) -> bool:
        return self.participants >= MIN_ANSWERS and bool(self.counts)

    @property
    def missing(self) -> int:
        """How many answers more before the distribution is shown."""
        return max(MIN_ANSWERS - self.participants, 0)

    def _counts(self, item: Item, key: str) -> dict[str, int]:
        return self.counts.get(item.param, {}).get(key, {})

    def items_shown(self) -> list[ItemDistribution]:
        shown = []
        for item in self.items:
            now, desired = self._counts(item, "nu"), self._counts(item, "gewenst")
            rows = [
                ValueRow(
                    value,
                    item.describe(Placement.parse(value)),
                    now.get(value, 0),
                    desired.get(value, 0),
                )
                for value in item.values
            ]
            shown.append(
                ItemDistribution(
                    item=item,
                    rows=rows,
                    unknown_now=self.participants - sum(now.values()),
                    unknown_desired=self.participants - sum(desired.values()),
                    spread_now=spread(now),
                    spread_desired=spread(desired),
                )
            )
        return shown

    def sources(self) -> list[ItemDistribution]:
        return [d for d in self.items_shown() if d.item.is_source]

    def fields(self) -> list[ItemDistribution]:
        return [d for d in self.items_shown() if not d.item.is_source]

    def median_profile(self) -> PracticeProfile:
        """The group's median on every item, now and desired (to find cases near the group)."""
        profile = PracticeProfile(items=self.items)
        for item in self.items:
            for attribute, key in WHEN:
                if (placement := median(self._counts(item, key))) is not None:
                    getattr(profile, attribute)[item.param] = placement
        return profile

    def csv_rows(self) -> list[tuple]:
        """item, waarde, nu, gewenst: one row per item and value, "weet ik niet" last."""
        if not self.shown:
            return []
        rows = []
        for shown in self.items_shown():
            param = shown.item.param
            rows += [(param, row.value, row.now, row.desired) for row in shown.rows]
            rows.append((param, UNKNOWN, shown.unknown_now, shown.unknown_desired))
        return rows
