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

from django.db import connections
from django.db.models import FloatField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from cases.case_profiles import BOTH_POLES, PROFILE_SLOTS
from cases.models import Case, SourceCoding, TensionPosition, blind_case_ids, may_read_drafts
from cases.practice_profile import Item, Placement, PracticeProfile
from diegem.lib.caching import cached_result
from diegem.lib.languages import translation_column, with_translations

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
    """SQL for the mean difference over the items in `placements`, and for how many of them
    were compared; with their parameters."""
    parts, params, known = [], [], []
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
    distance = f"({' + '.join(parts)}) / {len(parts)}::float8"
    return distance, params, f"({' + '.join(known) or '0'})"


def _ranked(
    cases: QuerySet, profile, evidence_only: bool, *, contrasts: bool = True
) -> dict[str, list[tuple]]:
    """The nearest cases to the desired and to the current profile and the farthest, each as
    (pk, distance, compared) in order, in one query.

    Written as SQL because the ORM repeats an annotation's whole expression in every window
    that orders by it: a materialised CTE computes each distance once per case, and three
    top-N sorts pick the few wanted from ten thousand. Which cases count comes from the
    caller's queryset: its own SQL, with the distances annotated, is the CTE's body.
    """
    annotations = {}
    for which, placements in (("desired", profile.desired), ("now", profile.now)):
        if placements:
            distance, params, compared = _distance(placements, profile.items, evidence_only)
        else:
            distance, params, compared = "0::float8", [], "0"
        annotations[f"d_{which}"] = RawSQL(distance, params, FloatField())
        annotations[f"c_{which}"] = RawSQL(compared, [], IntegerField())
    # The caller's queryset, unordered, with the distances: the CTE's body (one scan).
    body, params = (
        cases.order_by().annotate(**annotations).values("id", *annotations).query.sql_with_params()
    )
    far = "desired" if profile.desired else "now"
    rankings = [
        ("desired", f"d_desired, c_desired DESC, id LIMIT {NEAREST}", profile.desired),
        ("now", f"d_now, c_now DESC, id LIMIT {NEAREST}", profile.now),
        # Ties go to the case compared on more items, then the older one (no title sort:
        # collating ten thousand titles would cost more than the whole ranking).
        ("far", f"d_{far} DESC, c_{far} DESC, id LIMIT {NEAREST + CONTRASTS}", contrasts),
    ]
    selects = [
        f"(SELECT '{name}', id, d_{far if name == 'far' else name}, "
        f"c_{far if name == 'far' else name} FROM distances ORDER BY {order})"
        for name, order, wanted in rankings
        if wanted
    ]
    sql = f"WITH distances AS MATERIALIZED ({body}) " + " UNION ALL ".join(selects)
    found: dict[str, list[tuple]] = {"desired": [], "now": [], "far": []}
    with connections[cases.db].cursor() as cursor:
        cursor.execute(sql, params)
        for name, pk, distance, compared in cursor.fetchall():
            found[name].append((pk, distance, compared))
    # UNION ALL promises no order across or within its branches: sort the few rows here.
    for name, rows in found.items():
        sign = -1 if name == "far" else 1
        rows.sort(key=lambda row: (sign * row[1], -row[2], row[0]))
    return found


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

    @property
    def case_count(self) -> int:
        """How many different cases the result names (one may be near both profiles)."""
        return len({near.case.pk for near in (*self.desired, *self.now, *self.contrasts)})


def cases_to_learn_from(cases: QuerySet, profile, *, evidence_only: bool = False) -> Learning:
    """Rank `cases` (the caller's `Case.objects.published()`) by distance in one query, then load
    the few shown (`for_near_cards`) with their codings to say why."""
    items = profile.items
    asked = [item for item in items if item.param in profile.now or item.param in profile.desired]
    learning = Learning()
    if not asked:
        return learning
    ranked = _ranked(cases, profile, evidence_only)
    # Contrasts: the farthest from the desired profile (or from now, when only that was
    # given), farther than half the scale, and not already among the nearest.
    nearest = {pk for pk, _d, _c in (ranked["desired"] if profile.desired else ranked["now"])}
    contrasts = [row for row in ranked["far"] if row[0] not in nearest and row[1] > UNKNOWN]
    contrasts = contrasts[:CONTRASTS]
    shown = {pk for rows in (ranked["desired"], ranked["now"], contrasts) for pk, _d, _c in rows}
    loaded = {case.pk: case for case in cases.filter(pk__in=shown).for_near_cards()}
    # The shown cases' codings, in two queries grouped here: a prefetch would build a related
    # queryset per case, and a join would load the framework rows the items already hold.
    codings = {}
    for model, key in ((SourceCoding, "source_id"), (TensionPosition, "tension_field_id")):
        shown_codings = model.objects.filter(case__in=loaded).shown(evidence_only=evidence_only)
        for coding in shown_codings.order_by():
            codings[coding.case_id, model, getattr(coding, key)] = coding

    def near(row, placements) -> Near:
        pk, distance, compared = row
        case = loaded[pk]
        result = Near(case=case, distance=distance, compared=compared, asked=len(placements))
        for item in items:
            if item.param not in placements:
                continue
            model = SourceCoding if item.is_source else TensionPosition
            coding = codings.get((pk, model, item.framework.pk))
            if coding is not None and not item.is_source:
                coding.tension_field = item.framework  # its label names the poles
            if coding is not None and (
                not coding.is_determined
                or (evidence_only and not coding.has_evidence)
                or _slot(item, items) > PROFILE_SLOTS  # not ranked on: unknown here too
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

    learning.desired = [near(row, profile.desired) for row in ranked["desired"]]
    learning.now = [near(row, profile.now) for row in ranked["now"]]
    learning.contrasts = [near(row, profile.desired or profile.now) for row in contrasts]
    return learning


def _own_profile(case, items: list[Item]) -> dict[str, Placement]:
    """The case's determined codings as a profile "now" (`case` with `with_profile`)."""
    strengths = {c.source_id: c for c in case.source_codings.all()}
    positions = {p.tension_field_id: p for p in case.tension_positions.all()}
    now = {}
    for item in items:
        coding = (strengths if item.is_source else positions).get(item.framework.pk)
        if coding is None or not coding.is_determined:
            continue
        if not item.is_source and coding.holds_both:
            now[item.param] = Placement(both=True)
        elif (value := coding.strength if item.is_source else coding.position) is not None:
            now[item.param] = Placement(value=value)
    return now


def codes_blind(user) -> bool:
    """Whether `user` codes a case blind now (only researchers do; no case is published while
    its round is open, but what this reader may not see stays out whatever the state)."""
    return may_read_drafts(user) and Case.objects.filter(pk__in=blind_case_ids(user)).exists()


def related_cases_for(case, items: list[Item], user, version: int) -> list[Near]:
    """Of the published cases whose coding `user` may read, the nearest to this case's own
    coding, by the reflection tool's distance.

    The case's determined codings are its profile (as if a practitioner had placed it "now");
    `case` comes with its codings prefetched (`with_profile`). A case compared on nothing (all
    its codings unknown) is not related. Two queries, whatever the bank; and for every reader
    who codes no case blind the list is the same, so it is kept by the content version
    `version` (read before anything it shows) and by the case's own profile: after the first
    reader since a change, the ranking over the whole bank is not run again.
    """
    published = Case.objects.codings_visible_to(user).published()
    now = _own_profile(case, items)

    def rank() -> list[tuple]:
        return _related_rows(case, now, items, published)

    if codes_blind(user):
        rows = rank()
    else:
        key = (case.pk, *sorted((param, p.value, p.both) for param, p in now.items()))
        rows = cached_result("related-cases", key, version, rank)
    # Title and slug are all a case page shows of them.
    return [
        Near(case=_titled(pk, titles, slug), distance=d, compared=c, asked=asked)
        for pk, titles, slug, d, c, asked in rows
    ]


def _titled(pk: int, titles: dict[str, str], slug: str) -> Case:
    """A case with its slug and its title in every language it has (`Case.translations_of`)."""
    original = next(iter(titles))
    case = Case(pk=pk, slug=slug, original_language=original, title=titles.pop(original))
    for language, title in titles.items():
        setattr(case, translation_column("title", language), title)
    return case


def _related_rows(case, now: dict, items: list[Item], cases: QuerySet) -> list[tuple]:
    if not now:
        return []
    profile = PracticeProfile(items=items, now=now)
    others = cases.exclude(pk=case.pk)
    # Two queries: the ranking, then the titles of the few shown, read through the same
    # queryset (a case taken offline in between stays out). No codings: a case page says
    # how near, the reflection tool says why.
    rows = [row for row in _ranked(others, profile, False, contrasts=False)["now"] if row[2]]
    shown = {
        c.pk: c
        for c in others.filter(pk__in=[pk for pk, _d, _c in rows]).only(
            *with_translations(Case, "title"), "slug"
        )
    }
    # The title in every language (the rows are kept for readers of every language).
    return [
        (pk, shown[pk].translations_of("title"), shown[pk].slug, distance, compared, len(now))
        for pk, distance, compared in rows
        if pk in shown
    ]
