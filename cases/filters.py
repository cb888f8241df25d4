"""The case list's filters and facet counts: a GET form whose state is the URL.

Parameters (Dutch, as in the URL): `q` (full-text search), `domein`, `soort`,
`plaats`, `trefwoord`, one `bron-<source key>` per source (at least this
strength) and one `<field key>-van` / `<field key>-tot` pair per tension field
(a range of positions) with `<field key>-beide=ja` (cases that hold both poles; a range from
pole to pole holds them too), `sortering`. Invalid values are reported on the form
and ignored; the other filters still apply.

`grond=tekstbewijs` ("alleen met tekstbewijs") is read by `evidence_only` for
every public view, this list included: the source and tension-field filters
then match only codings that rest on the text, and their counts follow.

Every option shows how many cases it would leave: the count with that option
chosen and every other active filter kept (a facet's own filter is left out
when counting its options). Without the restriction, a source or tension-field
option also says how many of those cases have that coding on text evidence. Counting takes three queries whatever the filters:
one for domain, kind and place together, one for keywords, and one UNION ALL of
the source and tension-field histograms (each filtered facet counted against
its own base).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Exists, OuterRef, QuerySet, Value
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

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


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in use, with the query string that removes it."""

    label: str
    remove_query: str


class GroundsTally:
    """Per source and per tension field: how many codings per value, how many of them on
    text evidence, and how many undetermined (never a value). The overview and the
    case list's facets count with it."""

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

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.counts is not None and value not in ("", None):
            count = self.counts.get(str(value), 0)
            if count and self.evidence_counts is not None:
                option["label"] = _("%(label)s (%(count)d, ● %(evidence)d met tekstbewijs)") % {
                    "label": label,
                    "count": count,
                    "evidence": self.evidence_counts.get(str(value), 0),
                }
            else:
                option["label"] = f"{label} ({count})"
            if count == 0 and not selected:
                option["attrs"]["disabled"] = True
        return option


class CountedCheckbox(forms.CheckboxInput):
    """A checkbox whose label says how many results it would leave ("houdt beide polen vast (2)")."""

    counts: dict[str, int] | None = None
    evidence_counts: dict[str, int] | None = None

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value in (True, BOTH_VALUE))

    def value_from_datadict(self, data, files, name):
        """Only `ja` ticks it: `?…-beide=nee` (or anything else) neither filters nor shows a tick."""
        return data.get(name) == BOTH_VALUE

    def format_value(self, value):
        return BOTH_VALUE

    def count_label(self, label) -> str:
        if self.counts is None:
            return str(label)
        count = self.counts.get(BOTH_VALUE, 0)
        if count and self.evidence_counts is not None:
            return _("%(label)s (%(count)d, ● %(evidence)d met tekstbewijs)") % {
                "label": label,
                "count": count,
                "evidence": self.evidence_counts.get(BOTH_VALUE, 0),
            }
        return f"{label} ({count})"


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
        super().__init__(data, **kwargs)
        self.keyword_names: dict[str, str] = {}
        self.evidence_only = evidence_only(data or {})
        self.sources = list(sources)
        self.tension_fields = list(tension_fields)
        self.domains = {domain.key: domain for domain in domains}
        self.fields["domein"].choices = [("", _("alle domeinen"))] + [
            (d.key, d.name) for d in self.domains.values()
        ]
        # Place and keyword options come from the facet counts; any value is
        # accepted (an unknown one simply leaves no cases).
        for name, empty in (("plaats", _("alle plaatsen")), ("trefwoord", _("alle trefwoorden"))):
            value = (data or {}).get(name, "")
            self.fields[name].choices = [("", empty)] + ([(value, value)] if value else [])
        for source in self.sources:
            self.fields[source_param(source)] = forms.TypedChoiceField(
                label=source.name,
                choices=MIN_STRENGTH_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=CountedSelect,
            )
        for field in self.tension_fields:
            low, high = range_params(field)
            position_choices = [("", "–")] + [
                (str(p.value), describe_position(field, p.value, False)) for p in Position
            ]
            for name, label in ((low, _("%(field)s: van")), (high, _("%(field)s: tot"))):
                self.fields[name] = forms.TypedChoiceField(
                    label=label % {"field": field.name},
                    choices=position_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=CountedSelect,
                )
            self.fields[both_param(field)] = forms.BooleanField(
                label=_("houdt beide polen vast"), required=False, widget=CountedCheckbox
            )

    def clean(self):
        cleaned = super().clean()
        for field in self.tension_fields:
            low, high = range_params(field)
            if (
                cleaned.get(low) is not None
                and cleaned.get(high) is not None
                and cleaned[low] > cleaned[high]
            ):
                # The range as a whole is unusable: report it once, ignore both ends.
                del cleaned[low]
                self.add_error(
                    high,
                    _(
                        "Het einde van het bereik ligt vóór het begin; kies een positie verder naar %(pole)s."
                    )
                    % {"pole": field.pole_b},
                )
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

    def source_fields(self):
        return [(source, self[source_param(source)]) for source in self.sources]

    def range_fields(self):
        return [
            (
                field,
                self[range_params(field)[0]],
                self[range_params(field)[1]],
                self[both_param(field)],
                self.fields[both_param(field)].widget.count_label(_("houdt beide polen vast")),
            )
            for field in self.tension_fields
        ]

    def both_of(self, field: TensionField) -> bool:
        return bool(self.value(both_param(field)))

    def field_filtered(self, field: TensionField) -> bool:
        return self.range_of(field) != (None, None) or self.both_of(field)

    def range_of(self, field: TensionField) -> tuple[int | None, int | None]:
        low, high = range_params(field)
        return self.value(low), self.value(high)

    # --- filtering -------------------------------------------------------------------------

    def filter(
        self, queryset: QuerySet[Case], *, skip: frozenset[str] = frozenset()
    ) -> QuerySet[Case]:
        """Narrow the queryset by every valid filter, except the facets named in `skip`."""
        if (parsed := self.parsed_query) is not None:
            queryset = queryset.search(parsed)
        if "domein" not in skip and (key := self.value("domein")):
            queryset = queryset.filter(domain__key=key)
        if "soort" not in skip and (kind := self.value("soort")):
            queryset = queryset.filter(kind=kind)
        if "plaats" not in skip and (place := self.value("plaats")):
            queryset = queryset.filter(municipality=place)
        if "trefwoord" not in skip and (keyword := self.value("trefwoord")):
            queryset = queryset.filter(
                Exists(
                    KeywordedCase.objects.filter(content_object=OuterRef("pk"), tag__slug=keyword)
                )
            )
        for source in self.sources:
            name = source_param(source)
            if name not in skip and (strength := self.value(name)):
                queryset = queryset.drawing_on(source, strength, evidence_only=self.evidence_only)
        for field in self.tension_fields:
            if field.key in skip:
                continue
            if not self.field_filtered(field):
                continue
            low, high = self.range_of(field)
            queryset = queryset.positioned_on(
                field,
                low,
                high,
                both_poles=self.both_of(field),
                evidence_only=self.evidence_only,
            )
        return queryset

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
                    _("Domein: %(name)s") % {"name": self.domains[key].name}, without("domein")
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
            active.append(
                ActiveFilter(
                    _("Trefwoord: %(name)s") % {"name": self.keyword_names.get(keyword, keyword)},
                    without("trefwoord"),
                )
            )
        for source in self.sources:
            name = source_param(source)
            if strength := self.value(name):
                label = dict(MIN_STRENGTH_CHOICES)[str(strength)]
                active.append(ActiveFilter(f"{source.name}: {label}", without(name)))
        for field in self.tension_fields:
            low, high = self.range_of(field)
            if low is not None or high is not None:
                active.append(
                    ActiveFilter(self._range_label(field, low, high), without(*range_params(field)))
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
    def _range_label(field: TensionField, low: int | None, high: int | None) -> str:
        """'Consensus – conflict: eerder consensus tot in het midden', one position, or one open end."""
        name = capfirst(field.name)
        if low is not None and low == high:
            return _("%(field)s: %(position)s") % {
                "field": name,
                "position": describe_position(field, low, False),
            }
        if high is None:
            return _("%(field)s: vanaf %(low)s") % {
                "field": name,
                "low": describe_position(field, low, False),
            }
        if low is None:
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

    def _source_name(self, pk: int) -> str:
        return next(source.name for source in self.sources if source.pk == pk)

    # --- counting -----------------------------------------------------------------------------

    def count_options(self, published: QuerySet[Case]) -> None:
        """Put on every option how many cases it would leave (see the module docstring)."""
        self.is_valid()
        self._count_domain_kind_place(published)
        self._count_keywords(published)
        self._count_sources_and_ranges(published)

    def _set_counts(self, name: str, counts: dict, evidence: dict | None = None) -> None:
        widget = self.fields[name].widget
        widget.counts = {str(key): value for key, value in counts.items()}
        widget.evidence_counts = (
            None if evidence is None else {str(key): value for key, value in evidence.items()}
        )

    def _count_domain_kind_place(self, published):
        rows = (
            self.filter(published, skip=frozenset({"domein", "soort", "plaats"}))
            .values_list("domain__key", "kind", "municipality")
            .annotate(n=Count("pk"))
            .order_by()
        )
        chosen = {
            "domein": self.value("domein"),
            "soort": self.value("soort"),
            "plaats": self.value("plaats"),
        }
        counts = {name: defaultdict(int) for name in chosen}
        for domain, kind, place, n in rows:
            values = {"domein": domain, "soort": kind, "plaats": place}
            for name in chosen:
                others = [other for other in chosen if other != name]
                if all(not chosen[other] or chosen[other] == values[other] for other in others):
                    counts[name][values[name]] += n
        for name in ("domein", "soort"):
            self._set_counts(name, counts[name])
        places = sorted(counts["plaats"].items(), key=lambda item: (-item[1], item[0]))[
            :PLACE_OPTIONS
        ]
        current = self.value("plaats")
        options = sorted({place for place, _n in places} | ({current} if current else set()))
        self.fields["plaats"].choices = [("", _("alle plaatsen"))] + [
            (place, place) for place in options
        ]
        self._set_counts("plaats", counts["plaats"])

    def _count_keywords(self, published):
        rows = (
            KeywordedCase.objects.filter(
                content_object__in=self.filter(published, skip=frozenset({"trefwoord"})).values(
                    "pk"
                )
            )
            .values_list("tag__slug", "tag__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag__name")[:KEYWORD_OPTIONS]
        )
        self.keyword_names = {slug: name for slug, name, _n in rows}
        current = self.value("trefwoord")
        if current and current not in self.keyword_names:
            self.keyword_names[current] = (
                Tag.objects.filter(slug=current).values_list("name", flat=True).first() or current
            )
        self.fields["trefwoord"].choices = [("", _("alle trefwoorden"))] + sorted(
            self.keyword_names.items(), key=lambda item: item[1].lower()
        )
        self._set_counts("trefwoord", {slug: n for slug, _name, n in rows})

    def _source_codings(self):
        """The source codings a count may use: with a value, on text evidence when asked."""
        return SourceCoding.objects.counted(evidence_only=self.evidence_only)

    def _tension_positions(self):
        return TensionPosition.objects.counted(evidence_only=self.evidence_only)

    def _histogram_queries(self, published):
        """Per source and per tension field, a histogram query against the right base.

        Facets whose own filter is inactive share the fully filtered base; each
        active one is counted with its own filter left out.
        """
        base = self.filter(published).order_by().values("pk")
        inactive_sources = [s for s in self.sources if not self.value(source_param(s))]
        inactive_fields = [f for f in self.tension_fields if not self.field_filtered(f)]
        queries = []
        if inactive_sources:
            queries.append(
                self._source_codings()
                .filter(case__in=base, source__in=inactive_sources)
                .values_list(Value("s"), "source", "strength", "grounds", Value(False))
            )
        if inactive_fields:
            queries.append(
                self._tension_positions()
                .filter(case__in=base, tension_field__in=inactive_fields)
                .values_list(Value("t"), "tension_field", "position", "grounds", "holds_both")
            )
        for source in self.sources:
            name = source_param(source)
            if self.value(name):
                own = self.filter(published, skip=frozenset({name})).order_by().values("pk")
                queries.append(
                    self._source_codings()
                    .filter(case__in=own, source=source)
                    .values_list(Value("s"), "source", "strength", "grounds", Value(False))
                )
        for field in self.tension_fields:
            if self.field_filtered(field):
                own = self.filter(published, skip=frozenset({field.key})).order_by().values("pk")
                queries.append(
                    self._tension_positions()
                    .filter(case__in=own, tension_field=field)
                    .values_list(Value("t"), "tension_field", "position", "grounds", "holds_both")
                )
        return [q.annotate(n=Count("pk")).order_by() for q in queries]

    def _count_sources_and_ranges(self, published):
        """Both histograms in one query: a UNION ALL of the per-facet counts.

        Without the restriction each option also says how many of its cases have
        that coding on text evidence; with it, every count is on evidence already.
        """
        queries = self._histogram_queries(published)
        rows = queries[0].union(*queries[1:], all=True).order_by() if queries else []
        tally = GroundsTally(self.sources, self.tension_fields)
        for kind, owner, value, grounds, holds_both, n in rows:
            tally.add(
                (tally.strengths if kind == "s" else tally.positions)[owner],
                grounds,
                "both" if holds_both else value,
                n,
            )
        split = not self.evidence_only

        def at_least(histogram: dict, k: int) -> int:
            return sum(n for s, n in histogram.items() if s >= k)

        for source in self.sources:
            counts = tally.strengths[source.pk]
            self._set_counts(
                source_param(source),
                {k: at_least(counts["all"], k) for k in (1, 2, 3)},
                {k: at_least(counts["evidence"], k) for k in (1, 2, 3)} if split else None,
            )
        for field in self.tension_fields:
            counts = tally.positions[field.pk]
            low, high = self.range_of(field)
            top = Position.POLE_B if high is None else high
            bottom = Position.POLE_A if low is None else low
            low_name, high_name = range_params(field)

            both_chosen = self.both_of(field)
            ranged = (low, high) != (None, None)

            def between(histogram: dict, start: int, end: int, *, both: bool = both_chosen) -> int:
                """Cases from start to end, with those holding both poles when chosen or when the
                range runs from pole to pole (as `CaseQuerySet.positioned_on` matches them)."""
                whole = start == Position.POLE_A and end == Position.POLE_B
                placed = sum(n for p, n in histogram.items() if p != "both" and start <= p <= end)
                return placed + (histogram["both"] if both or whole else 0)

            self._set_counts(
                low_name,
                {v: between(counts["all"], v, top) for v in Position.values},
                {v: between(counts["evidence"], v, top) for v in Position.values}
                if split
                else None,
            )
            self._set_counts(
                high_name,
                {v: between(counts["all"], bottom, v) for v in Position.values},
                {v: between(counts["evidence"], bottom, v) for v in Position.values}
                if split
                else None,
            )

            # What ticking "houdt beide polen vast" leaves: the range (if any) and those cases.
            ticked = {
                kind: between(counts[kind], bottom, top, both=True)
                if ranged
                else counts[kind]["both"]
                for kind in ("all", "evidence")
            }
            self._set_counts(
                both_param(field),
                {BOTH_VALUE: ticked["all"]},
                {BOTH_VALUE: ticked["evidence"]} if split else None,
            )
