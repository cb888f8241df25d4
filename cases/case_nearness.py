"""How near a published case is to a practice placed with "Waar staat uw praktijk?".

The measure, as the page explains it: for every item the visitor filled in, the difference
between their value and the case's coding as a share of the whole scale (a strength: steps of
one third on 0 to 3; a position: steps of one quarter on the five steps); the distance is the
mean over those items, 0 for the same profile and 1 for the opposite. Treatments:

- "weet ik niet": the item does not count at all;
- "houdt beide polen vast": the same on both sides is no difference; against one position it is
  half the scale (it neither matches nor contradicts);
- a case whose coding is "niet te bepalen", that has no coding, or (with "alleen met tekstbewijs")
  whose coding rests on interpretation: half the scale, and the item is not "compared".

The same rule is written twice, once in Python (`difference`, to say why a case is near) and
once as SQL (`_difference_sql`, to rank ten thousand cases in one query over the profile columns
the database keeps on each case row, migration 0009); a test holds them to the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, FloatField, IntegerField, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from cases.practice_profile import Item, Placement

UNKNOWN = 0.5  # half the scale: neither near nor far
SCALE = {True: 3.0, False: 4.0}  # a strength's range (0..3), a position's (-2..2)
NEAREST = 3
CONTRASTS = 2
CLOSE = 1 / 3 + 1e-9  # at most one step apart on either scale


def difference(item: Item, placement: Placement, coding) -> float:
    """The difference on one item between a visitor's placement and a case's coding (or None).

    `coding` is the case's SourceCoding or TensionPosition as counted on the page (None when the
    case has none, it is undetermined or, with "alleen met tekstbewijs", not on evidence).
    """
    if coding is None or not coding.is_determined:
        return UNKNOWN
    if item.is_source:
        return abs(coding.strength - placement.value) / SCALE[True]
    if placement.both or coding.holds_both:
        return 0.0 if placement.both and coding.holds_both else UNKNOWN
    return abs(coding.position - placement.value) / SCALE[False]


BOTH_POLES = 9  # "houdt beide polen vast" in the case table's profile (migration 0009)


PROFILE_SLOTS = 10  # the columns cases_case.profile_1 .. profile_10


def _slot(item: Item, items: list[Item]) -> int:
    """The item's column `cases_case.profile_<slot>`, numbered as the database does (migration
    0009): the sources by their order, then the tension fields by number after the sources."""
    sources = [other for other in items if other.is_source]
    if item.is_source:
        return sources.index(item) + 1
    return len(sources) + item.framework.number


def _difference_sql(item: Item, placement: Placement, slot: int, evidence_only: bool):
    """The SQL of `difference` for one item, on the case's profile columns; its parameters.

    Double precision throughout: numeric arithmetic over ten thousand rows costs several times as
    much.
    """
    value = f"cases_case.profile_{slot}"
    unknown = f"{value} IS NULL"
    if evidence_only:
        unknown += f" OR cases_case.profile_evidence & {1 << (slot - 1)} = 0"
    half = f"{UNKNOWN}::float8"
    if item.is_source:
        return (
            f"CASE WHEN {unknown} THEN {half} "
            f"ELSE abs({value} - %s::integer)::float8 / {SCALE[True]}::float8 END",
            [placement.value],
        )
    if placement.both:
        return (
            f"CASE WHEN {unknown} THEN {half} WHEN {value} = {BOTH_POLES} THEN 0::float8 "
            f"ELSE {half} END",
            [],
        )
    return (
        f"CASE WHEN {unknown} OR {value} = {BOTH_POLES} THEN {half} "
        f"ELSE abs({value} - %s::integer)::float8 / {SCALE[False]}::float8 END",
        [placement.value],
    )


def _distance(placements: dict[str, Placement], items: list[Item], evidence_only: bool):
    """The mean difference over the items in `placements`, and how many of them were compared."""
    parts, params, known, known_params = [], [], [], []
    for item in items:
        if item.param not in placements:
            continue
        slot = _slot(item, items)
        if slot > PROFILE_SLOTS:  # a framework grown beyond the research's ten items
            parts.append(f"{UNKNOWN}::float8")
            continue
        sql, item_params = _difference_sql(item, placements[item.param], slot, evidence_only)
        parts.append(f"({sql})")
        params += item_params
        condition = f"cases_case.profile_{slot} IS NOT NULL"
        if evidence_only:
            condition += f" AND cases_case.profile_evidence & {1 << (slot - 1)} <> 0"
        known.append(f"(CASE WHEN {condition} THEN 1 ELSE 0 END)")
    distance = RawSQL(f"({' + '.join(parts)}) / {len(parts)}::float8", params, FloatField())
    compared = RawSQL(f"({' + '.join(known) or '0'})", known_params, IntegerField())
    return distance, compared


@dataclass
class Near:
    """A case near (or far from) a profile, with the distance and why."""

    case: object
    distance: float
    compared: int
    asked: int
    close: list = field(default_factory=list)  # (item, placement, coding)
    differ: list = field(default_factory=list)
    unknown: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.distance * 100)


@dataclass
class Learning:
    """The cases to learn from: nearest to the desired profile, nearest to now, and contrasts."""

    desired: list[Near] = field(default_factory=list)
    now: list[Near] = field(default_factory=list)
    contrasts: list[Near] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.desired or self.now or self.contrasts)


def cases_to_learn_from(
    cases: QuerySet, profile, *, evidence_only: bool = False, with_profile=None
) -> Learning:
    """Rank `cases` (the caller's published queryset) by distance, in one query; then say why.

    `with_profile` loads the shown cases' codings (Case.objects.with_profile); the ranking
    itself joins only the items the visitor filled in.
    """
    items = profile.items
    asked = [item for item in items if item.param in profile.now or item.param in profile.desired]
    learning = Learning()
    if not asked:
        return learning
    ranked = cases
    windows = {}
    # Ties go to the case compared on more items, then the older one: sorting ten thousand
    # titles by collation would cost more than the whole ranking.
    order_tail = [F("pk").asc()]
    annotations = {}
    if profile.desired:
        annotations["d_desired"], annotations["c_desired"] = _distance(
            profile.desired, items, evidence_only
        )
        windows["r_desired"] = [F("d_desired").asc(), F("c_desired").desc(), *order_tail]
        windows["r_far"] = [F("d_desired").desc(), F("c_desired").desc(), *order_tail]
    if profile.now:
        annotations["d_now"], annotations["c_now"] = _distance(profile.now, items, evidence_only)
        windows["r_now"] = [F("d_now").asc(), F("c_now").desc(), *order_tail]
        if not profile.desired:
            windows["r_far"] = [F("d_now").desc(), F("c_now").desc(), *order_tail]
    ranked = ranked.annotate(**annotations).annotate(
        **{name: Window(RowNumber(), order_by=order) for name, order in windows.items()}
    )
    wanted = Q(r_far__lte=NEAREST + CONTRASTS)
    for name in ("r_desired", "r_now"):
        if name in windows:
            wanted |= Q(**{f"{name}__lte": NEAREST})
    rows = list(ranked.filter(wanted).values("pk", *annotations, *windows).order_by())
    shown = {row["pk"]: row for row in rows}
    loaded = {case.pk: case for case in with_profile(cases.filter(pk__in=shown))}

    def near(row, placements, which) -> Near:
        case = loaded[row["pk"]]
        result = Near(
            case=case,
            distance=row[f"d_{which}"],
            compared=row[f"c_{which}"],
            asked=len(placements),
        )
        codings = {c.source_id: c for c in case.source_codings.all()}
        positions = {p.tension_field_id: p for p in case.tension_positions.all()}
        for item in items:
            if item.param not in placements:
                continue
            coding = (codings if item.is_source else positions).get(item.framework.pk)
            if coding is not None and (
                not coding.is_determined or (evidence_only and not coding.has_evidence)
            ):
                coding = None
            entry = (item, placements[item.param], coding)
            if coding is None:
                result.unknown.append(entry)
            elif difference(item, placements[item.param], coding) <= CLOSE:
                result.close.append(entry)
            else:
                result.differ.append(entry)
        return result

    def ordered(rank: str):
        return sorted((row for row in rows if row[rank] <= NEAREST), key=lambda row: row[rank])

    far_basis = "desired" if profile.desired else "now"
    if profile.desired:
        learning.desired = [near(row, profile.desired, "desired") for row in ordered("r_desired")]
    if profile.now:
        learning.now = [near(row, profile.now, "now") for row in ordered("r_now")]
    nearest_pks = {n.case.pk for n in (learning.desired if profile.desired else learning.now)}
    far_rows = sorted(rows, key=lambda row: row["r_far"])
    for row in far_rows:
        if len(learning.contrasts) == CONTRASTS:
            break
        if row["pk"] in nearest_pks or row[f"d_{far_basis}"] <= UNKNOWN:
            continue
        placements = profile.desired if profile.desired else profile.now
        learning.contrasts.append(near(row, placements, far_basis))
    return learning
