"""Each case's coding as columns of its own row, for the ORM: where the filters and counts read it.

Migration 0009 keeps `cases_case.profile_1` to `profile_10` and `profile_evidence` right whatever
writes a coding (statement-level triggers): the four sources by their order (a strength 0..3),
then the six tension fields by number (a position -2..2, or `BOTH_POLES`); NULL where the case has
no coding or it is "niet te bepalen"; bit n-1 of `profile_evidence` set when slot n rests on text
evidence. Reading them is one scan of the case table, where a filter on the coding tables costs a
join or a subquery per source and field, and a count per option a histogram of its own.

The columns are not model fields (Django must never write them), so `ProfileColumn` names one as
an expression of the query's own case row: it follows the row when Django renames it in a
subquery. Its conditions are meant to be used as they are: a negation (`~Q`, `exclude`) would not
keep the rows whose column is NULL, as Django does for a field. `ProfileLayout` says which column
holds which source or tension field, as the migration numbers them from every source and tension
field; an item beyond the ten columns has none, and its callers read the coding tables instead.
"""

from __future__ import annotations

from django.db.models import Expression, IntegerField, Q
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, In

BOTH_POLES = 9  # "houdt beide polen vast" in a tension field's column
PROFILE_SLOTS = 10  # the columns profile_1 .. profile_10
EVIDENCE_COLUMN = "profile_evidence"


class ProfileColumn(Expression):
    """`<the case row>.profile_<slot>` (or `profile_evidence`) in any query over cases."""

    contains_aggregate = False
    contains_column_references = True

    def __init__(self, column: str, alias: str | None = None):
        super().__init__(output_field=IntegerField())
        self.column, self.alias = column, alias

    def __repr__(self):
        return f"{self.__class__.__name__}({self.column!r}, {self.alias!r})"

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        """Bound once, to the case row of the query it is first resolved in; a subquery later
        resolved against an outer query keeps it (and `relabeled_clone` follows a rename)."""
        if self.alias is not None:
            return self
        return ProfileColumn(self.column, query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return ProfileColumn(self.column, change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(self.alias)}.{compiler.quote_name(self.column)}", ()

    def get_group_by_cols(self):
        return [self]


def column(slot: int) -> ProfileColumn:
    return ProfileColumn(f"profile_{slot}")


def on_evidence(slot: int) -> Q:
    """The coding in this slot rests on text evidence (it then always has a value)."""
    return Q(GreaterThan(ProfileColumn(EVIDENCE_COLUMN).bitand(1 << (slot - 1)), 0))


def counted(condition: Q, slot: int, evidence_only: bool) -> Q:
    """The condition, on text evidence only when asked."""
    return condition & on_evidence(slot) if evidence_only else condition


def strength_at_least(slot: int, strength: int, *, evidence_only: bool = False) -> Q:
    """The source in this slot is coded at least `strength` (NULL, undetermined, never is)."""
    return counted(Q(GreaterThanOrEqual(column(slot), strength)), slot, evidence_only)


def placed_at(slot: int, positions, *, both_poles: bool, evidence_only: bool = False) -> Q:
    """The field in this slot is at one of the positions, or holds both poles when asked."""
    values = sorted(set(positions)) + ([BOTH_POLES] if both_poles else [])
    if not values:
        return Q(pk__in=[])
    if len(values) == 1:
        condition = Q(Exact(column(slot), values[0]))
    else:
        condition = Q(In(column(slot), values))
    return counted(condition, slot, evidence_only)


class ProfileLayout:
    """Which column holds which source and tension field, numbered as migration 0009 does: the
    sources by their order, then the fields by number after them; none beyond the tenth.

    Give it every source and every tension field: the migration counts them all."""

    def __init__(self, sources, tension_fields):
        sources = list(sources)
        orders = sorted(source.order for source in sources)
        self._sources = {
            source.pk: sum(1 for order in orders if order <= source.order) for source in sources
        }
        self._fields = {field.pk: len(sources) + field.number for field in tension_fields}

    def source_slot(self, source) -> int | None:
        slot = self._sources.get(source.pk)
        return slot if slot is not None and 1 <= slot <= PROFILE_SLOTS else None

    def field_slot(self, field) -> int | None:
        slot = self._fields.get(field.pk)
        return slot if slot is not None and 1 <= slot <= PROFILE_SLOTS else None
