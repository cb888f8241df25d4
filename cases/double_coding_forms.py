"""The forms of double coding: a colleague to ask, one coder's independent coding, the consensus.

An independent coding and a consensus have the same fields: per source a grounds,
a strength and a rationale; per tension field a grounds, a position, "houdt beide
polen vast" and a rationale; each labelled with the framework's own words. A
blind coder's form may be saved half filled in; a consensus needs every one.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.double_coding_rounds import Entry, entry_problems
from cases.models import Grounds, Position, Strength, describe_position
from cases.roles import researchers
from diegem.lib.annotatable import LongText, PlainTextField
from diegem.lib.people import shown_name
from frameworks.models import Source, TensionField


class RequestForm(forms.Form):
    second_coder = forms.ModelChoiceField(
        label=_("Tweede codeerder"),
        queryset=None,
        empty_label="—",
        help_text=_(
            "Een collega-onderzoeker codeert deze praktijk onafhankelijk, zonder uw codering of haar geschiedenis te zien."
        ),
        error_messages={
            "required": _("Kies een collega als tweede codeerder."),
            "invalid_choice": _("Kies een actieve onderzoeker uit de lijst als tweede codeerder."),
        },
    )

    def __init__(self, *args, requester, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["second_coder"]
        field.queryset = researchers().exclude(pk=requester.pk)
        field.label_from_instance = shown_name


GROUNDS_CHOICES = [("", "—"), *Grounds.choices]


def _grounds_field(name: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Grond voor ‘%(name)s’") % {"name": name},
        choices=GROUNDS_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )


def _rationale_field(name: str) -> PlainTextField:
    return PlainTextField(
        label=_("Onderbouwing voor ‘%(name)s’") % {"name": name},
        required=False,
        widget=LongText(attrs={"rows": 3}),
    )


class JudgementsForm(forms.Form):
    """A judgement per source and tension field; `entries()` hands them to the services."""

    def __init__(self, *args, sources=None, tension_fields=None, complete=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = list(sources if sources is not None else Source.objects.all())
        self.tension_fields = list(
            tension_fields if tension_fields is not None else TensionField.objects.all()
        )
        self.complete = complete
        for source in self.sources:
            prefix = f"bron-{source.key}"
            self.fields[f"{prefix}-grond"] = _grounds_field(source.name)
            self.fields[f"{prefix}-waarde"] = forms.TypedChoiceField(
                label=_("Sterkte van ‘%(name)s’") % {"name": source.name},
                choices=[("", "—")] + [(s.value, f"{s.value}: {s.label}") for s in Strength],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=f"{source.summary} ({source.perspective}; {source.thinkers})",
            )
            self.fields[f"{prefix}-onderbouwing"] = _rationale_field(source.name)
        for field in self.tension_fields:
            prefix = f"veld-{field.key}"
            self.fields[f"{prefix}-grond"] = _grounds_field(field.name)
            self.fields[f"{prefix}-waarde"] = forms.TypedChoiceField(
                label=_("Positie op ‘%(name)s’") % {"name": field.name},
                choices=[("", "—")]
                + [
                    (p.value, f"{p.value:+d}: {describe_position(field, p.value, False)}")
                    for p in Position
                ],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=f"−2 {field.pole_a}: {field.pole_a_description} · +2 {field.pole_b}: {field.pole_b_description}",
            )
            self.fields[f"{prefix}-beide"] = forms.BooleanField(
                label=_("Houdt beide polen vast (‘%(a)s’ en ‘%(b)s’)")
                % {"a": field.pole_a, "b": field.pole_b},
                required=False,
            )
            self.fields[f"{prefix}-onderbouwing"] = _rationale_field(field.name)

    @staticmethod
    def initial_for(coding_rows, *, sources, tension_fields) -> dict:
        """Initial data from stored judgements: (source or field, row) pairs."""
        initial = {}
        for item, row in coding_rows:
            prefix = f"bron-{item.key}" if isinstance(item, Source) else f"veld-{item.key}"
            initial[f"{prefix}-grond"] = row.grounds
            initial[f"{prefix}-onderbouwing"] = row.rationale
            if isinstance(item, Source):
                initial[f"{prefix}-waarde"] = row.strength
            else:
                initial[f"{prefix}-waarde"] = row.position
                initial[f"{prefix}-beide"] = row.holds_both
        return initial

    @classmethod
    def as_typed(cls, data, **kwargs) -> JudgementsForm:
        """An unbound form holding what was sent, without errors: typed into a form whose round or
        coding closed meanwhile, shown back to compare or copy (nothing is saved)."""
        form = cls(**kwargs)
        form.initial = {name: data.get(name) for name in form.fields if name in data}
        return form

    def rows(self):
        """(kind, framework item, bound fields) per source and field, for the template."""
        for kind, items, prefix in (
            ("source", self.sources, "bron"),
            ("field", self.tension_fields, "veld"),
        ):
            for item in items:
                names = ["grond", "waarde", *(["beide"] if kind == "field" else []), "onderbouwing"]
                yield kind, item, [self[f"{prefix}-{item.key}-{name}"] for name in names]

    def _entry(self, prefix: str) -> Entry:
        data = self.cleaned_data
        return Entry(
            grounds=data.get(f"{prefix}-grond") or "",
            value=data.get(f"{prefix}-waarde"),
            holds_both=bool(data.get(f"{prefix}-beide")),
            rationale=data.get(f"{prefix}-onderbouwing") or "",
        )

    def clean(self):
        cleaned = super().clean()
        for source in self.sources:
            self._check(f"bron-{source.key}", source.name, "strength")
        for field in self.tension_fields:
            self._check(f"veld-{field.key}", field.name, "position")
        return cleaned

    def _check(self, prefix: str, name: str, scale: str) -> None:
        if f"{prefix}-grond" in self.errors or f"{prefix}-waarde" in self.errors:
            return
        entry = self._entry(prefix)
        if self.complete and not entry.grounds:
            self.add_error(
                f"{prefix}-grond",
                _("%(name)s: kies een grond (en een waarde), of ‘niet te bepalen’.")
                % {"name": name},
            )
            return
        for problem in entry_problems(entry, name=name, scale=scale):
            target = f"{prefix}-grond" if not entry.grounds else f"{prefix}-waarde"
            self.add_error(target, problem)

    def entries(self) -> tuple[dict[int, Entry], dict[int, Entry]]:
        """The judgements by source pk and tension field pk."""
        return (
            {s.pk: self._entry(f"bron-{s.key}") for s in self.sources},
            {f.pk: self._entry(f"veld-{f.key}") for f in self.tension_fields},
        )
