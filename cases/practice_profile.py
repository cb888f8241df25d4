"""A practice placed on the framework by its own people, now and desired ("Waar staat uw praktijk?").

The research text ends with this advice: whoever plans policy or an intervention should, each
time, reflect on the current and desired positions on the four sources and the six tension
fields. A visitor describes an initiative: for each source a strength and for each tension field
a position, now and desired, or "weet ik niet".

The state is the URL, with the case list's names: `bron-<source key>` for a strength (0 to 3)
and `<field key>` (the stem of the list's `<field key>-van` / `-tot`) for a position (-2 to 2, or
`beide` for "houdt beide polen vast"); the desired value carries the prefix `gewenst-`. Further:
`naam`, `domein`, one `notitie-<item>` per item, and the list's `grond=tekstbewijs`. A blank or
missing value is "weet ik niet". Unknown parameters are ignored.

`PracticeForm` reads and checks those parameters and yields a `PracticeProfile`; saved profiles
and workshop answers keep the same parameters (`PracticeProfile.as_query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cases.filters import source_param
from cases.models import Position, Strength, describe_position, describe_strength
from diegem.lib.annotatable import LongText
from diegem.lib.visible_text import visible_or_empty
from frameworks.models import Domain, Source, TensionField

DESIRED_PREFIX = "gewenst-"
NOTE_PREFIX = "notitie-"
BOTH_POLES = "beide"
NAME_MAX_LENGTH = 120
NOTE_MAX_LENGTH = 500
# The longest address the tool sends (its state, notes included, is its query string): the
# request line gunicorn reads, `--limit-request-line 8190` (README), less the method, the
# protocol and a margin. practice.js names the longest note before a longer one is sent.
ADDRESS_MAX_LENGTH = 8000


def field_param(tension_field: TensionField) -> str:
    return tension_field.key


@dataclass(frozen=True)
class Placement:
    """One answer on one item: a strength (sources), a position (tension fields), or both poles."""

    value: int | None = None
    both: bool = False

    @classmethod
    def parse(cls, raw: str) -> Placement:
        return cls(both=True) if raw == BOTH_POLES else cls(value=int(raw))

    def as_param(self) -> str:
        return BOTH_POLES if self.both else str(self.value)


@dataclass(frozen=True)
class Item:
    """A source or a tension field as the tool asks about it."""

    framework: Source | TensionField
    param: str

    @property
    def is_source(self) -> bool:
        return isinstance(self.framework, Source)

    @property
    def key(self) -> str:
        return self.framework.key

    @property
    def name(self) -> str:
        return capfirst(self.framework.shown.name)

    @property
    def desired_param(self) -> str:
        return DESIRED_PREFIX + self.param

    @property
    def note_param(self) -> str:
        return NOTE_PREFIX + self.param

    @property
    def values(self) -> list[str]:
        """The values the item can take, in the scale's order, as the URL writes them."""
        if self.is_source:
            return [str(value) for value in Strength.values]
        return [str(value) for value in Position.values] + [BOTH_POLES]

    def describe(self, placement: Placement | None) -> str:
        if placement is None:
            return gettext("weet ik niet")
        if self.is_source:
            return describe_strength(placement.value)
        return describe_position(self.framework, placement.value, placement.both)


def framework_items(sources, tension_fields) -> list[Item]:
    """The ten items in the text's order: the four sources, then the six tension fields."""
    return [Item(source, source_param(source)) for source in sources] + [
        Item(tension_field, field_param(tension_field)) for tension_field in tension_fields
    ]


@dataclass
class PracticeProfile:
    """What a visitor said about their practice; items they do not know are simply absent."""

    items: list[Item]
    now: dict[str, Placement] = field(default_factory=dict)
    desired: dict[str, Placement] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    name: str = ""
    domain: Domain | None = None

    def __bool__(self) -> bool:
        return bool(self.now or self.desired)

    def as_query(self) -> dict[str, str]:
        """The URL parameters that describe this profile (also what is saved), in a fixed order."""
        query = {}
        if self.name:
            query["naam"] = self.name
        if self.domain:
            query["domein"] = self.domain.key
        for item in self.items:
            if item.param in self.now:
                query[item.param] = self.now[item.param].as_param()
            if item.param in self.desired:
                query[item.desired_param] = self.desired[item.param].as_param()
            if self.notes.get(item.param):
                query[item.note_param] = self.notes[item.param]
        return query

    def query_string(self) -> str:
        return urlencode(self.as_query())

    def rows(self):
        """Per item: the item, now, desired and the note (None where the visitor does not know)."""
        return [
            (
                item,
                self.now.get(item.param),
                self.desired.get(item.param),
                self.notes.get(item.param, ""),
            )
            for item in self.items
        ]


# The error summary names the field before each message (includes/form_errors.html).
INVALID_VALUE = _("‘%(value)s’ is geen van de mogelijke waarden; kies er een uit de lijst.")
EMPTY_PRACTICE = _("Vul minstens één bron of spanningsveld in, nu of gewenst.")
TOO_LONG = _("hoogstens %(limit_value)d tekens (nu %(show_value)d).")


# Per language and item: the words depend on nothing else (a tension field's on its two poles).
_CHOICES: dict[tuple, tuple[tuple[str, str], ...]] = {}


def item_choices(item: Item) -> list[tuple[str, str]]:
    """ "Weet ik niet" and the item's values in words, as plain strings: lazy labels would be
    translated again for every option of every select (`make bench`). Made once per process for
    each language and item; the key holds everything the words depend on (the poles' names as
    the page's language shows them), so a renamed pole, or its new translation, gets its new
    words at once."""
    framework = item.framework
    key = (get_language(), item.is_source, item.param)
    if not item.is_source:
        key += (framework.shown.pole_a, framework.shown.pole_b)
    choices = _CHOICES.get(key)
    if choices is None:
        if len(_CHOICES) > 1000:  # renamed poles leave old keys behind; keep the memo small
            _CHOICES.clear()
        choices = _CHOICES[key] = (("", gettext("weet ik niet")),) + tuple(
            (value, item.describe(Placement.parse(value))) for value in item.values
        )
    return list(choices)


class PracticeForm(forms.Form):
    """The tool's form: a GET form whose every value is optional, but one item is needed."""

    naam = forms.CharField(
        label=_("Naam van uw praktijk (niet verplicht)"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    domein = forms.ChoiceField(label=_("Domein"), required=False)

    def __init__(self, data=None, *, sources, tension_fields, domains, **kwargs):
        super().__init__(data, **kwargs)
        self.items = framework_items(sources, tension_fields)
        self.domains = {domain.key: domain for domain in domains}
        self.fields["domein"].choices = [("", _("geen keuze"))] + [
            (domain.key, domain.shown.name) for domain in self.domains.values()
        ]
        self.fields["domein"].error_messages["invalid_choice"] = INVALID_VALUE
        now, desired, note = gettext("nu"), gettext("gewenst"), gettext("Notitie bij %(item)s")
        for item in self.items:
            choices = item_choices(item)
            for param, when in ((item.param, now), (item.desired_param, desired)):
                self.fields[param] = forms.ChoiceField(
                    label=f"{item.name} ({when})",
                    choices=choices,
                    required=False,
                    error_messages={"invalid_choice": INVALID_VALUE},
                )
            self.fields[item.note_param] = forms.CharField(
                label=note % {"item": item.name},
                max_length=NOTE_MAX_LENGTH,
                required=False,
                widget=LongText(attrs={"rows": 2}),
                error_messages={"max_length": TOO_LONG},
            )

    def rows(self):
        """Per item: the item and its three bound fields (now, desired, note)."""
        return [
            (item, self[item.param], self[item.desired_param], self[item.note_param])
            for item in self.items
        ]

    def clean(self):
        cleaned = super().clean()
        answered = [
            name
            for item in self.items
            for name in (item.param, item.desired_param)
            if cleaned.get(name)
        ]
        if not self.errors and not answered:
            raise forms.ValidationError(EMPTY_PRACTICE, code="empty")
        return cleaned

    @property
    def profile(self) -> PracticeProfile:
        """The profile the valid form describes."""
        cleaned = self.cleaned_data
        profile = PracticeProfile(
            items=self.items,
            name=visible_or_empty(cleaned.get("naam", "")),
            domain=self.domains.get(cleaned.get("domein") or ""),
        )
        for item in self.items:
            if raw := cleaned.get(item.param):
                profile.now[item.param] = Placement.parse(raw)
            if raw := cleaned.get(item.desired_param):
                profile.desired[item.param] = Placement.parse(raw)
            if note := visible_or_empty(cleaned.get(item.note_param, "")):
                profile.notes[item.param] = note
        return profile


def is_filled_in(query, items: list[Item]) -> bool:
    """Whether the query says anything about a practice (a bare visit shows the empty form)."""
    names = {"naam", "domein"}
    for item in items:
        names |= {item.param, item.desired_param, item.note_param}
    return any(name in query for name in names)


@dataclass(frozen=True)
class Move:
    """Where a visitor wants an item to go, in plain words."""

    item: Item
    now: Placement
    desired: Placement
    sentence: str


def describe_move(item: Item, now: Placement, desired: Placement) -> str | None:
    """The gap between now and desired on one item in plain words; None when there is none."""
    if now == desired:
        return None
    words = {"now": item.describe(now), "desired": item.describe(desired), "item": item.name}
    if item.is_source:
        if desired.value > now.value:
            sentence = gettext("U wilt meer putten uit %(item)s (nu %(now)s, gewenst %(desired)s).")
        else:
            sentence = gettext(
                "U wilt minder putten uit %(item)s (nu %(now)s, gewenst %(desired)s)."
            )
        return sentence % {**words, "item": item.name.lower()}
    tension_field = item.framework
    if desired.both:
        return gettext("U wilt beide polen vasthouden, %(a)s én %(b)s (nu %(now)s).") % {
            **words,
            "a": tension_field.shown.pole_a.lower(),
            "b": tension_field.shown.pole_b.lower(),
        }
    if now.both:
        return gettext("U wilt niet langer beide polen vasthouden (gewenst %(desired)s).") % words
    toward_b = desired.value > now.value
    here, there = (
        (tension_field.shown.pole_a, tension_field.shown.pole_b)
        if toward_b
        else (tension_field.shown.pole_b, tension_field.shown.pole_a)
    )
    if now.value * desired.value < 0:  # from one side of the middle to the other
        sentence = gettext("U wilt van %(from)s naar %(to)s (nu %(now)s, gewenst %(desired)s).")
    else:
        sentence = gettext(
            "U wilt meer richting %(to)s opschuiven (nu %(now)s, gewenst %(desired)s)."
        )
    return sentence % {**words, "from": here.lower(), "to": there.lower()}


def moves(profile: PracticeProfile) -> list[Move]:
    """Every item with both a current and a desired value that differ, in the text's order."""
    found = []
    for item in profile.items:
        now, desired = profile.now.get(item.param), profile.desired.get(item.param)
        if now is not None and desired is not None:
            if sentence := describe_move(item, now, desired):
                found.append(Move(item, now, desired, sentence))
    return found


def goals_without_now(profile: PracticeProfile) -> list[Item]:
    """The items with a desired value but no current one, in the text's order: a move needs
    both ends, so the result names these instead of saying no desired value was given."""
    return [
        item
        for item in profile.items
        if profile.desired.get(item.param) is not None and profile.now.get(item.param) is None
    ]


def spectrum_steps(
    now: Placement | None, desired: Placement | None, steps=Position.values
) -> list[str]:
    """CSS classes for the five steps of a spectrum: where the practice is, wants to be, and
    the way between (drawn as a bar); "both poles" is drawn apart (`spectrum--both-now`).
    A source's four strengths are drawn the same way (`steps=Strength.values`)."""
    classes = []
    ends = [p.value for p in (now, desired) if p is not None and not p.both]
    for step in steps:
        names = []
        if now is not None and not now.both and now.value == step:
            names.append("is-now")
        if desired is not None and not desired.both and desired.value == step:
            names.append("is-desired")
        if len(ends) == 2 and min(ends) < step < max(ends):
            names.append("is-between")
        classes.append(" ".join(names))
    return classes


def profile_rows(profile: PracticeProfile) -> tuple[list, list]:
    """The profile's sources and tension fields for the result page: (item, now, desired, note,
    step classes)."""
    sources, fields = [], []
    for item, now, desired, note in profile.rows():
        if item.is_source:
            sources.append((item, now, desired, note, []))
        else:
            fields.append((item, now, desired, note, spectrum_steps(now, desired)))
    return sources, fields
