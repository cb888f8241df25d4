"""The case list's filters and facet counts: a GET form whose state is the URL.

Parameters (Dutch, as in the URL): `q` (full-text search), `domein`, `soort`,
`plaats`, `trefwoord`, one `bron-<source key>` per source (at least this
strength), `<field key>=<position>` once per chosen step of a tension field (-2 to 2) with
`<field key>-beide=ja` (cases that hold both poles; all five steps are the whole scale and hold
them too), `sortering`. The first version's ranges (`<field key>-van` / `-tot`) are read as the
steps they span. Invalid values are reported on the form and ignored; the other filters still
apply.

`grond=tekstbewijs` ("alleen met tekstbewijs") is read by `evidence_only` for
every public view, this list included: the source and tension-field filters
then match only codings that rest on the text, and their counts follow.

Every option shows how many cases it would leave: the count with that option
chosen and every other active filter kept (a facet's own filter is left out
when counting its options). Without the restriction, a source or tension-field
option also says how many of those cases have that coding on text evidence.

The sources and tension fields are read from the profile columns of the case row
(`cases.case_profiles`), so a filter is a condition on that row and counting is one pass over
the cases: three queries whatever the filters, one `count(*) FILTER (WHERE …)` per option of
domain, kind, source and tension field together, one for the places, one for the keywords (and
one for the name of a chosen keyword outside the most used).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from cases.case_profiles import ProfileLayout
from cases.models import (
    Case,
    Grounds,
    KeywordedCase,
    Position,
    SourceCoding,
    Strength,
    TensionPosition,
    describe_position,
)
from diegem.lib.counting import count_each
from diegem.lib.languages import other_language
from diegem.lib.search import MAX_QUERY_LENGTH, parse_query
from frameworks.models import Source, TensionField

MIN_STRENGTH_CHOICES = [
    ("", _("alle")),
    (str(Strength.WEAK.value), _("minstens zwak")),
    (str(Strength.MODERATE.value), _("minstens matig")),
    (str(Strength.STRONG.value), _("sterk")),
]
SORTS = [("", _("titel")), ("nieuw", _("nieuwste eerst")), ("relevantie", _("relevantie"))]
PLACE_OPTIONS = 60
KEYWORD_OPTIONS = 30


# "Alleen met tekstbewijs": the URL parameter every public view that counts or draws codings reads.
GROUNDS_PARAM = "grond"
EVIDENCE_ONLY = Grounds.EVIDENCE.value


def evidence_only(query) -> bool:
    """Whether the reader restricted the page to codings on text evidence (`?grond=tekstbewijs`).

    `query` is the request's GET (or any mapping); any other value means every coding.
    """
    return query.get(GROUNDS_PARAM) == EVIDENCE_ONLY


def source_param(source: Source) -> str:
    return f"bron-{source.key}"


def range_params(tension_field: TensionField) -> tuple[str, str]:
    return f"{tension_field.key}-van", f"{tension_field.key}-tot"


def both_param(tension_field: TensionField) -> str:
    """`<field key>-beide=ja`: the cases that hold both poles of the field."""
    return f"{tension_field.key}-beide"


BOTH_VALUE = "ja"


def steps_param(tension_field: TensionField) -> str:
    """`<field key>=<position>`, once per chosen step of the five (-2 to 2)."""
    return tension_field.key


def counted_label(label, count: int, evidence: int | None) -> str:
    """'minstens matig (3, ● 1 met tekstbewijs)': an option with what it would leave."""
    if count and evidence is not None:
        return _("%(label)s (%(count)d, ● %(evidence)d met tekstbewijs)") % {
            "label": label,
            "count": count,
            "evidence": evidence,
        }
    return f"{label} ({count})"


def _pop_last(data, name: str) -> str:
    """Take a parameter out of the data: its last value, or ''."""
    if hasattr(data, "getlist"):
        values = data.getlist(name)
        data.pop(name, None)
        return values[-1] if values else ""
    return str(data.pop(name, "") or "")


def _ranges_as_steps(data, tension_fields):
    """The first form's ranges (`<key>-van`, `<key>-tot`: chart links, shared URLs) as the steps
    they span, added to the data; with the message for a range that cannot be read."""
    errors: dict[str, str] = {}
    names = [name for field in tension_fields for name in range_params(field)]
    if not data or not any(name in data for name in names):
        return data, errors
    data = data.copy()
    for field in tension_fields:
        low_name, high_name = range_params(field)
        if low_name not in data and high_name not in data:
            continue
        raw = [_pop_last(data, name) for name in (low_name, high_name)]
        if not any(raw):
            continue
        try:
            low = int(raw[0]) if raw[0] else Position.POLE_A
            high = int(raw[1]) if raw[1] else Position.POLE_B
        except ValueError:
            low = high = None
        if low not in Position.values or high not in Position.values:
            errors[field.key] = _("Kies posities van -2 tot 2.")
            continue
        if low > high:
            errors[field.key] = _(
                "Het einde van het bereik ligt vóór het begin; kies een positie verder naar %(pole)s."
            ) % {"pole": field.shown.pole_b}
            continue
        chosen = data.getlist(field.key) if hasattr(data, "getlist") else []
        steps = sorted({*chosen, *(str(p) for p in range(low, high + 1))})
        if hasattr(data, "setlist"):
            data.setlist(field.key, steps)
        else:
            data[field.key] = steps
    return data, errors


@dataclass(frozen=True)
class RowOption:
    """One option of a compact filter row: a radio (source) or checkbox (tension field)."""

    id: str
    name: str
    value: str
    short: str  # what the row shows
    description: str  # what it is called, with its counts (read by screen readers)
    count: int | None
    checked: bool
    disabled: bool


@dataclass(frozen=True)
class FilterRow:
    """A source (four steps) or a tension field (five steps, and "houdt beide polen vast")."""

    key: str
    legend: str
    options: list[RowOption]
    poles: tuple[str, str] | None = None
    both: RowOption | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in use, with the query string that removes it."""

    label: str
    remove_query: str


class GroundsTally:
    """Per source and per tension field: how many codings per value, how many of them on
    text evidence, and how many undetermined (never a value). The overview counts with it."""

    def __init__(self, sources, tension_fields):
        strength_keys = Strength.values
        position_keys = [*Position.values, "both"]
        self.strengths = {source.pk: self._empty(strength_keys) for source in sources}
        self.positions = {field.pk: self._empty(position_keys) for field in tension_fields}

    @staticmethod
    def _empty(keys) -> dict:
        return {
            "all": dict.fromkeys(keys, 0),
            "evidence": dict.fromkeys(keys, 0),
            "undetermined": 0,
        }

    @staticmethod
    def add(counts: dict, grounds: str, value, n: int) -> None:
        if grounds == Grounds.UNDETERMINED:
            counts["undetermined"] += n
            return
        counts["all"][value] += n
        if grounds == Grounds.EVIDENCE:
            counts["evidence"][value] += n


class CountedSelect(forms.Select):
    """A select whose options carry how many results they would leave.

    `counts` maps option values to counts; an option that would leave nothing
    is disabled unless it is the one chosen. `evidence_counts`, when given, says
    how many of those results have the coding on text evidence, as the overview
    does beside its counts: "minstens matig (3, ● 1 met tekstbewijs)".
    """

    counts: dict[str, int] | None = None
    evidence_counts: dict[str, int] | None = None
    # The lang attribute of the options' words when they are in another language than the page's.
    options_language: str | None = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.options_language and value not in ("", None):
            option["attrs"]["lang"] = self.options_language
        if self.counts is not None and value not in ("", None):
            count = self.counts.get(str(value), 0)
            evidence = (
                None if self.evidence_counts is None else self.evidence_counts.get(str(value), 0)
            )
            option["label"] = counted_label(label, count, evidence)
            if count == 0 and not selected:
                option["attrs"]["disabled"] = True
        return option


class CountedRadios(forms.RadioSelect):
    """A source's four steps ("alle", at least weak, moderate, strong), drawn as one row with counts."""

    counts: dict[str, int] | None = None
    evidence_counts: dict[str, int] | None = None


class CountedSteps(forms.CheckboxSelectMultiple):
    """A tension field's five positions, drawn as one row of steps with counts."""

    counts: dict[str, int] | None = None
    evidence_counts: dict[str, int] | None = None


class CountedCheckbox(forms.CheckboxInput):
    """ "Houdt beide polen vast": ticked by `ja` alone, and carrying its counts like the other options."""

    counts: dict[str, int] | None = None
    evidence_counts: dict[str, int] | None = None

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value in (True, BOTH_VALUE))

    def value_from_datadict(self, data, files, name):
        """Only `ja` ticks it: `?…-beide=nee` (or anything else) neither filters nor shows a tick."""
        return data.get(name) == BOTH_VALUE

    def format_value(self, value):
        return BOTH_VALUE


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=MAX_QUERY_LENGTH)
    domein = forms.ChoiceField(label=_("Domein"), required=False, widget=CountedSelect)
    soort = forms.ChoiceField(
        label=_("Soort"),
        choices=[("", _("alle soorten")), *Case.Kind.choices],
        required=False,
        widget=CountedSelect,
    )
    plaats = forms.ChoiceField(label=_("Plaats"), required=False, widget=CountedSelect)
    trefwoord = forms.ChoiceField(label=_("Trefwoord"), required=False, widget=CountedSelect)
    sortering = forms.ChoiceField(label=_("Sorteren op"), choices=SORTS, required=False)

    def __init__(self, data=None, *, sources, tension_fields, domains, **kwargs):
        data, self._range_errors = _ranges_as_steps(data, list(tension_fields))
        super().__init__(data, **kwargs)
        self.keyword_names: dict[str, str] = {}
        self.evidence_only = evidence_only(data or {})
        self.sources = list(sources)
        self.tension_fields = list(tension_fields)
        self.domains = {domain.key: domain for domain in domains}
        self.layout = ProfileLayout(self.sources, self.tension_fields)
        self.fields["domein"].choices = [("", _("alle domeinen"))] + [
            (d.key, d.shown.name) for d in self.domains.values()
        ]
        # Place and keyword options come from the facet counts; any value is
        # accepted (an unknown one simply leaves no cases).
        for name, empty in (("plaats", _("alle plaatsen")), ("trefwoord", _("alle trefwoorden"))):
            value = (data or {}).get(name, "")
            self.fields[name].choices = [("", empty)] + ([(value, value)] if value else [])
        for source in self.sources:
            self.fields[source_param(source)] = forms.TypedChoiceField(
                label=source.shown.name,
                choices=MIN_STRENGTH_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=CountedRadios,
            )
        for field in self.tension_fields:
            self.fields[steps_param(field)] = forms.TypedMultipleChoiceField(
                label=capfirst(field.name),
                choices=[
                    (str(p.value), describe_position(field, p.value, False)) for p in Position
                ],
                coerce=int,
                required=False,
                widget=CountedSteps,
            )
            self.fields[both_param(field)] = forms.BooleanField(
                label=_("houdt beide polen vast"), required=False, widget=CountedCheckbox
            )

    def clean(self):
        cleaned = super().clean()
        for name, message in self._range_errors.items():
            # A range given by its ends that cannot be used: reported, the steps ignored.
            self.add_error(name, message)
        return cleaned

    # --- reading the form ---------------------------------------------------------------

    def value(self, name):
        """The cleaned value of a field, or None when absent or invalid."""
        if not self.is_bound:
            return None
        self.is_valid()  # cleans once; invalid fields are left out of cleaned_data
        value = self.cleaned_data.get(name)
        return None if value in ("", None) else value

    @property
    def parsed_query(self):
        return parse_query(self.value("q") or "")

    def steps_of(self, field: TensionField) -> list[int]:
        """The chosen positions on the field, in order (none when invalid)."""
        if not self.is_bound:
            return []
        self.is_valid()
        return sorted(set(self.cleaned_data.get(steps_param(field)) or []))

    # --- the compact rows -------------------------------------------------------------------

    def _option(self, name, index, value, short, description, count, checked) -> RowOption:
        return RowOption(
            id=f"id_{name}" if index is None else f"id_{name}_{index}",
            name=name,
            value=str(value),
            short=str(short),
            description=str(description),
            count=count,
            checked=checked,
            disabled=count == 0 and not checked,
        )

    def _counts(self, name: str, value) -> tuple[int | None, int | None]:
        widget = self.fields[name].widget
        if widget.counts is None:
            return None, None
        evidence = widget.evidence_counts
        return widget.counts.get(str(value), 0), (
            None if evidence is None else evidence.get(str(value), 0)
        )

    def source_rows(self) -> list[FilterRow]:
        """Each source as one row of four steps: all, at least weak, moderate, strong."""
        rows = []
        for source in self.sources:
            name = source_param(source)
            chosen = self.value(name)
            options = [self._option(name, 0, "", _("alle"), _("alle"), None, chosen is None)]
            for index, (value, label) in enumerate(MIN_STRENGTH_CHOICES[1:], start=1):
                count, evidence = self._counts(name, value)
                options.append(
                    self._option(
                        name,
                        index,
                        value,
                        Strength(int(value)).label,
                        label if count is None else counted_label(label, count, evidence),
                        count,
                        chosen == int(value),
                    )
                )
            rows.append(
                FilterRow(
                    key=name,
                    legend=source.shown.name,
                    options=options,
                    errors=tuple(self[name].errors),
                )
            )
        return rows

    def tension_rows(self) -> list[FilterRow]:
        """Each tension field as one row: five steps from pole to pole, and "houdt beide polen vast"."""
        rows = []
        for field in self.tension_fields:
            name, chosen = steps_param(field), self.steps_of(field)
            options = []
            for index, position in enumerate(Position.values):
                count, evidence = self._counts(name, position)
                label = describe_position(field, position, False)
                options.append(
                    self._option(
                        name,
                        index,
                        position,
                        "" if count is None else count,
                        label if count is None else counted_label(label, count, evidence),
                        count,
                        position in chosen,
                    )
                )
            both_name = both_param(field)
            count, evidence = self._counts(both_name, BOTH_VALUE)
            label = _("houdt beide polen vast")
            both = self._option(
                both_name,
                None,
                BOTH_VALUE,
                label,
                label if count is None else counted_label(label, count, evidence),
                count,
                self.both_of(field),
            )
            if len(chosen) == len(Position.values) - 1 and both.count:
                # The missing step completes the whole scale, which holds the cases with both poles.
                options = [replace(o, disabled=False) if not o.checked else o for o in options]
            rows.append(
                FilterRow(
                    key=name,
                    legend=capfirst(field.name),
                    options=options,
                    poles=(field.shown.pole_a, field.shown.pole_b),
                    both=both,
                    errors=tuple(self[name].errors),
                )
            )
        return rows

    def both_of(self, field: TensionField) -> bool:
        return bool(self.value(both_param(field)))

    def field_filtered(self, field: TensionField) -> bool:
        return bool(self.steps_of(field)) or self.both_of(field)

    # --- filtering -------------------------------------------------------------------------

    def filter(
        self, queryset: QuerySet[Case], *, skip: frozenset[str] = frozenset()
    ) -> QuerySet[Case]:
        """Narrow the queryset by every valid filter, except the facets named in `skip`."""
        if (parsed := self.parsed_query) is not None:
            queryset = queryset.search(parsed)
        if "trefwoord" not in skip and (keyword := self.value("trefwoord")):
            queryset = queryset.filter(
                Exists(
                    KeywordedCase.objects.filter(content_object=OuterRef("pk"), tag__slug=keyword)
                )
            )
        for name, condition in self._facet_conditions().items():
            if name not in skip:
                queryset = queryset.filter(condition)
        return queryset

    def _facet_conditions(self) -> dict[str, Q]:
        """Each facet filter in use as a condition on the case row, by its parameter: domain,
        kind, place, and the sources and tension fields on the profile columns of the row."""
        conditions = {}
        if key := self.value("domein"):
            conditions["domein"] = Q(domain_id=self.domains[key].pk)
        if kind := self.value("soort"):
            conditions["soort"] = Q(kind=kind)
        if place := self.value("plaats"):
            conditions["plaats"] = Q(municipality=place)
        for source in self.sources:
            name = source_param(source)
            if strength := self.value(name):
                conditions[name] = Case.objects.drawing_on_condition(
                    source, strength, evidence_only=self.evidence_only, layout=self.layout
                )
        for field in self.tension_fields:
            if self.field_filtered(field):
                conditions[field.key] = Case.objects.positioned_on_condition(
                    field,
                    self.steps_of(field),
                    both_poles=self.both_of(field),
                    evidence_only=self.evidence_only,
                    layout=self.layout,
                )
        return conditions

    def active_filters(self, query_dict) -> list[ActiveFilter]:
        """Every filter in use, each with the URL query that drops just that one."""
        active = []

        def without(*names: str) -> str:
            remaining = query_dict.copy()
            for name in (*names, "pagina"):
                remaining.pop(name, None)
            return remaining.urlencode()

        if q := self.value("q"):
            active.append(ActiveFilter(_("Zoekterm: %(q)s") % {"q": q}, without("q")))
        if key := self.value("domein"):
            active.append(
                ActiveFilter(
                    _("Domein: %(name)s") % {"name": self.domains[key].shown.name},
                    without("domein"),
                )
            )
        if kind := self.value("soort"):
            active.append(
                ActiveFilter(
                    _("Soort: %(name)s") % {"name": Case.Kind(kind).label}, without("soort")
                )
            )
        if place := self.value("plaats"):
            active.append(ActiveFilter(_("Plaats: %(name)s") % {"name": place}, without("plaats")))
        if keyword := self.value("trefwoord"):
            # A keyword is a Dutch word: marked as such on a French or English page.
            name = escape(self.keyword_names.get(keyword, keyword))
            if language := other_language(Tag):
                name = format_html('<span lang="{}">{}</span>', language, name)
            active.append(
                ActiveFilter(
                    mark_safe(conditional_escape(_("Trefwoord: %(name)s")) % {"name": name}),
                    without("trefwoord"),
                )
            )
        for source in self.sources:
            name = source_param(source)
            if strength := self.value(name):
                label = dict(MIN_STRENGTH_CHOICES)[str(strength)]
                active.append(ActiveFilter(f"{source.shown.name}: {label}", without(name)))
        for field in self.tension_fields:
            if steps := self.steps_of(field):
                active.append(
                    ActiveFilter(
                        self._steps_label(field, steps),
                        without(steps_param(field), *range_params(field)),
                    )
                )
            if self.both_of(field):
                active.append(
                    ActiveFilter(
                        _("%(field)s: houdt beide polen vast") % {"field": capfirst(field.name)},
                        without(both_param(field)),
                    )
                )
        if self.evidence_only:
            active.append(ActiveFilter(_("Alleen met tekstbewijs"), without(GROUNDS_PARAM)))
        return active

    @staticmethod
    def _steps_label(field: TensionField, steps: list[int]) -> str:
        """'Consensus – conflict: eerder consensus tot in het midden', one position, an open end,
        the whole scale, or the positions one by one when they are not one range."""
        name = capfirst(field.name)
        low, high = steps[0], steps[-1]
        if len(steps) != high - low + 1:
            return _("%(field)s: %(positions)s") % {
                "field": name,
                "positions": ", ".join(describe_position(field, p, False) for p in steps),
            }
        if low == high:
            return _("%(field)s: %(position)s") % {
                "field": name,
                "position": describe_position(field, low, False),
            }
        if (low, high) == (Position.POLE_A, Position.POLE_B):
            return _("%(field)s: de hele schaal") % {"field": name}
        if high == Position.POLE_B:
            return _("%(field)s: vanaf %(low)s") % {
                "field": name,
                "low": describe_position(field, low, False),
            }
        if low == Position.POLE_A:
            return _("%(field)s: tot %(high)s") % {
                "field": name,
                "high": describe_position(field, high, False),
            }
        return _("%(field)s: %(low)s tot %(high)s") % {
            "field": name,
            "low": describe_position(field, low, False),
            "high": describe_position(field, high, False),
        }

    # --- why each case matched ----------------------------------------------------------------

    def attach_reasons(self, cases: list[Case]) -> None:
        """Give each case of a result page `reasons`: its values on the filtered sources and fields.

        Two queries at most (none without such filters); the values are those the filters
        matched (on text evidence only, with the restriction).
        """
        for case in cases:
            case.reasons = []
        sources = [s for s in self.sources if self.value(source_param(s))]
        fields = [f for f in self.tension_fields if self.field_filtered(f)]
        if not cases or not (sources or fields):
            return
        by_pk = {case.pk: case for case in cases}
        found: dict[tuple[int, str, int], str] = {}
        if sources:
            for coding in self._source_codings().filter(case__in=by_pk, source__in=sources):
                found[(coding.case_id, "s", coding.source_id)] = _("%(source)s: %(strength)s") % {
                    "source": self._source_name(coding.source_id),
                    "strength": Strength(coding.strength).label,
                }
        if fields:
            names = {f.pk: f for f in fields}
            for position in self._tension_positions().filter(
                case__in=by_pk, tension_field__in=fields
            ):
                field = names[position.tension_field_id]
                found[(position.case_id, "t", field.pk)] = _("%(field)s: %(position)s") % {
                    "field": capfirst(field.name),
                    "position": describe_position(field, position.position, position.holds_both),
                }
        for case in cases:
            case.reasons = [
                found[key]
                for key in [(case.pk, "s", s.pk) for s in sources]
                + [(case.pk, "t", f.pk) for f in fields]
                if key in found
            ]

    def _source_codings(self):
        """The source codings a reason may name: with a value, on text evidence when asked."""
        return SourceCoding.objects.counted(evidence_only=self.evidence_only)

    def _tension_positions(self):
        return TensionPosition.objects.counted(evidence_only=self.evidence_only)

    def _source_name(self, pk: int) -> str:
        return next(source.shown.name for source in self.sources if source.pk == pk)

    # --- counting -----------------------------------------------------------------------------

    def count_options(self, published: QuerySet[Case]) -> None:
        """Put on every option how many cases it would leave (see the module docstring)."""
        self.is_valid()
        chosen_place = self._count_facets(published)
        self._count_places(published, chosen_place)
        self._count_keywords(published)

    def _set_counts(self, name: str, counts: dict, evidence: dict | None = None) -> None:
        widget = self.fields[name].widget
        widget.counts = {str(key): value for key, value in counts.items()}
        widget.evidence_counts = (
            None if evidence is None else {str(key): value for key, value in evidence.items()}
        )

    def _count_facets(self, published) -> int | None:
        """Every option of domain, kind, the sources and the tension fields counted in one pass
        over the case rows: one `count(*) FILTER (WHERE …)` per option, its condition with the
        other facets' filters (its own left out) and the option itself. Returns the count of
        the chosen place, if any (`_count_places` lists the others)."""
        conditions = self._facet_conditions()

        def others(name: str) -> list[Q]:
            return [c for n, c in conditions.items() if n != name]

        counters: dict[str, list[Q]] = {}
        keys: list[tuple] = []  # (parameter, value, on evidence) per counter, in order

        def count(facet: str, name: str, value, condition: Q, evidence: bool = False) -> None:
            counters[f"c{len(counters)}"] = [*others(facet), condition]
            keys.append((name, value, evidence))

        for domain in self.domains.values():
            count("domein", "domein", domain.key, Q(domain_id=domain.pk))
        for kind in Case.Kind.values:
            count("soort", "soort", kind, Q(kind=kind))
        if place := self.value("plaats"):
            count("plaats", "plaats", place, Q(municipality=place))
        split = not self.evidence_only  # with the restriction, every count is on evidence
        grounds = [False, True] if split else [True]
        for source in self.sources:
            name = source_param(source)
            for strength in (1, 2, 3):
                for on_evidence in grounds:
                    condition = Case.objects.drawing_on_condition(
                        source, strength, evidence_only=on_evidence, layout=self.layout
                    )
                    count(name, name, strength, condition, on_evidence and split)
        for field in self.tension_fields:
            options = [(steps_param(field), p, [p], False) for p in Position.values]
            options.append((both_param(field), BOTH_VALUE, [], True))
            for name, value, positions, both in options:
                for on_evidence in grounds:
                    condition = Case.objects.positioned_on_condition(
                        field,
                        positions,
                        both_poles=both,
                        evidence_only=on_evidence,
                        layout=self.layout,
                    )
                    count(field.key, name, value, condition, on_evidence and split)
        row = count_each(self.filter(published, skip=frozenset(conditions)), counters)
        counts = defaultdict(dict)
        for alias, (name, value, evidence) in zip(counters, keys, strict=True):
            counts[(name, evidence)][value] = row[alias]
        for name in ("domein", "soort"):
            self._set_counts(name, counts[(name, False)])
        for source in self.sources:
            name = source_param(source)
            self._set_counts(name, counts[(name, False)], counts[(name, True)] if split else None)
        for field in self.tension_fields:
            for name in (steps_param(field), both_param(field)):
                self._set_counts(
                    name, counts[(name, False)], counts[(name, True)] if split else None
                )
        return counts[("plaats", False)].get(place) if place else None

    def _count_places(self, published, chosen_count: int | None) -> None:
        """The places with most cases (the other filters kept), and the chosen one."""
        rows = (
            self.filter(published, skip=frozenset({"plaats"}))
            .values_list("municipality")
            .annotate(n=Count("pk"))
            .order_by("-n", "municipality")[:PLACE_OPTIONS]
        )
        counts = dict(rows)
        current = self.value("plaats")
        if current:
            counts[current] = chosen_count
        self.fields["plaats"].choices = [("", _("alle plaatsen"))] + [
            (place, place) for place in sorted(counts)
        ]
        self._set_counts("plaats", counts)

    def _count_keywords(self, published):
        """The keywords most used by the cases the other filters leave, and the chosen one:
        grouped by the tag's key (grouping by its slug and name cost half as much again)."""
        counted = self.filter(published, skip=frozenset({"trefwoord"})).values("pk")
        ranked = list(
            Tag.objects.filter(cases_keywordedcase_items__content_object__in=counted)
            .annotate(n=Count("cases_keywordedcase_items"))
            .order_by("-n", "name")
            .values_list("slug", "name", "n")[:KEYWORD_OPTIONS]
        )
        self.keyword_names = {slug: name for slug, name, _n in ranked}
        current = self.value("trefwoord")
        if current and current not in self.keyword_names:
            # Named as a published case names it; a keyword only a draft has is not told.
            self.keyword_names[current] = (
                Tag.objects.filter(
                    slug=current, cases_keywordedcase_items__content_object__in=published
                )
                .values_list("name", flat=True)
                .first()
                or current
            )
        self.fields["trefwoord"].choices = [("", _("alle trefwoorden"))] + sorted(
            self.keyword_names.items(), key=lambda item: item[1].lower()
        )
        # Keywords are Dutch words: so marked on a French or English page.
        self.fields["trefwoord"].widget.options_language = other_language(Tag)
        self._set_counts("trefwoord", {slug: n for slug, _name, n in ranked})
