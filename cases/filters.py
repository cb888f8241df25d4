"""The case list's filters: a GET form whose state lives in the URL.

Field names are the URL parameters, in Dutch: `domein`, `soort`, one
`bron-<source key>` per source (at least this strength) and one
`<field key>-van` / `<field key>-tot` pair per tension field (a range of
positions). Invalid values are reported on the form and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Position, SourceCoding, Strength, TensionPosition, describe_position
from frameworks.models import Domain, Source, TensionField

MIN_STRENGTH_CHOICES = [
    ("", _("alle")),
    (str(Strength.WEAK.value), _("minstens zwak")),
    (str(Strength.MODERATE.value), _("minstens matig")),
    (str(Strength.STRONG.value), _("sterk")),
]


def source_param(source: Source) -> str:
    return f"bron-{source.key}"


def range_params(tension_field: TensionField) -> tuple[str, str]:
    return f"{tension_field.key}-van", f"{tension_field.key}-tot"


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in use, with the query string that removes it."""

    label: str
    remove_query: str


class CaseFilterForm(forms.Form):
    domein = forms.ModelChoiceField(
        label=_("Domein"),
        queryset=Domain.objects.all(),
        to_field_name="key",
        required=False,
        empty_label=_("alle domeinen"),
    )
    soort = forms.ChoiceField(
        label=_("Soort"),
        choices=[("", _("alle soorten")), *Case.Kind.choices],
        required=False,
    )

    def __init__(self, data=None, *, sources=None, tension_fields=None, **kwargs):
        super().__init__(data, **kwargs)
        self.sources = list(sources if sources is not None else Source.objects.all())
        self.tension_fields = list(
            tension_fields if tension_fields is not None else TensionField.objects.all()
        )
        for source in self.sources:
            self.fields[source_param(source)] = forms.TypedChoiceField(
                label=source.name,
                choices=MIN_STRENGTH_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
        for field in self.tension_fields:
            low, high = range_params(field)
            position_choices = [("", "–")] + [
                (str(p.value), describe_position(field, p.value, False)) for p in Position
            ]
            self.fields[low] = forms.TypedChoiceField(
                label=_("%(field)s: van") % {"field": field.name},
                choices=position_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[high] = forms.TypedChoiceField(
                label=_("%(field)s: tot") % {"field": field.name},
                choices=position_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for field in self.tension_fields:
            low, high = range_params(field)
            if cleaned.get(low) is not None and cleaned.get(high) is not None:
                if cleaned[low] > cleaned[high]:
                    # The range as a whole is unusable: report it once, ignore both ends.
                    del cleaned[low]
                    self.add_error(
                        high,
                        _("Het einde van het bereik ligt vóór het begin; kies een positie verder naar %(pole)s.")
                        % {"pole": field.pole_b},
                    )
        return cleaned

    def source_fields(self):
        return [(source, self[source_param(source)]) for source in self.sources]

    def range_fields(self):
        return [
            (field, self[range_params(field)[0]], self[range_params(field)[1]])
            for field in self.tension_fields
        ]

    def _value(self, name):
        """The cleaned value of a field, or None when absent or invalid."""
        if not self.is_bound:
            return None
        self.is_valid()  # cleans once; invalid fields are left out of cleaned_data
        return self.cleaned_data.get(name)

    def filter(self, queryset):
        """Narrow the queryset by every valid filter in the form."""
        self.is_valid()
        if domain := self._value("domein"):
            queryset = queryset.filter(domain=domain)
        if kind := self._value("soort"):
            queryset = queryset.filter(kind=kind)
        for source in self.sources:
            strength = self._value(source_param(source))
            if strength:
                queryset = queryset.filter(
                    Exists(
                        SourceCoding.objects.filter(
                            case=OuterRef("pk"), source=source, strength__gte=strength
                        )
                    )
                )
        for field in self.tension_fields:
            low_name, high_name = range_params(field)
            low, high = self._value(low_name), self._value(high_name)
            if low is None and high is None:
                continue
            condition = Q(case=OuterRef("pk"), tension_field=field, holds_both=False)
            if low is not None:
                condition &= Q(position__gte=low)
            if high is not None:
                condition &= Q(position__lte=high)
            queryset = queryset.filter(Exists(TensionPosition.objects.filter(condition)))
        return queryset

    def active_filters(self, query_dict) -> list[ActiveFilter]:
        """Every filter in use, each with the URL query that drops just that one."""
        self.is_valid()
        active = []

        def without(*names: str) -> str:
            remaining = query_dict.copy()
            for name in (*names, "pagina"):
                remaining.pop(name, None)
            return remaining.urlencode()

        if domain := self._value("domein"):
            active.append(ActiveFilter(_("Domein: %(name)s") % {"name": domain.name}, without("domein")))
        if kind := self._value("soort"):
            active.append(
                ActiveFilter(_("Soort: %(name)s") % {"name": Case.Kind(kind).label}, without("soort"))
            )
        for source in self.sources:
            name = source_param(source)
            if strength := self._value(name):
                label = dict(MIN_STRENGTH_CHOICES)[str(strength)]
                active.append(ActiveFilter(f"{source.name}: {label}", without(name)))
        for field in self.tension_fields:
            low_name, high_name = range_params(field)
            low, high = self._value(low_name), self._value(high_name)
            if low is None and high is None:
                continue
            low_label = describe_position(field, Position.POLE_A if low is None else low, False)
            high_label = describe_position(field, Position.POLE_B if high is None else high, False)
            active.append(
                ActiveFilter(
                    _("%(field)s: %(low)s tot %(high)s")
                    % {"field": field.name, "low": low_label, "high": high_label},
                    without(low_name, high_name),
                )
            )
        return active
