"""The researchers' workbench in the Django admin.

A case form in the order a researcher thinks (identity, place, text, then the
coding of four sources and six tension fields with the framework's own words
beside each), text evidence for codings, the workflow as buttons with what is
still missing, the history of every saved version (compare two, restore one),
a dashboard of the planned case studies, and import from a spreadsheet.
"""

import copy
import io
import itertools
import json
from contextlib import contextmanager
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from taggit.models import Tag

from cases import case_places, double_coding_rounds, exchange, history, services
from cases.dashboard import dashboard
from cases.double_coding_forms import JudgementsForm, RequestForm
from cases.evidence import lacks_evidence, orphaned_codings, rationale_refusal
from cases.exchange import XLSX
from cases.forms import validate_keyword_lengths
from cases.models import (
    PLAIN_TEXT_FIELDS,
    TEXT_SECTIONS,
    Case,
    CaseAction,
    CaseTransition,
    CodingEvidence,
    DoubleCodingRound,
    Grounds,
    IndependentCoding,
    Position,
    SourceCoding,
    TensionPosition,
    blind_case_ids,
    describe_position,
)
from cases.roles import researcher_choices, unnamed_refusal, without_a_full_name
from diegem.lib.admin import (
    MOST_ROWS,
    GuardedAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    rows_gone_as_new,
)
from diegem.lib.anchoring import PassageNotFound, locate_passage
from diegem.lib.annotatable import LongText, PlainTextField, normalize_plain_text
from diegem.lib.languages import (
    LANGUAGE_NAMES_IN_DUTCH,
    language_versions_of,
    translation_column,
    translation_columns,
)
from diegem.lib.people import shown_name
from diegem.lib.workflow import IllegalTransition
from frameworks.models import Source, TensionField

# --- the case's own fields -------------------------------------------------------------------


class OpenedAtField(forms.CharField):
    """When a form was opened: never a change of the case it edits (its change message)."""

    def has_changed(self, initial, data) -> bool:
        return False


class CaseForm(forms.ModelForm):
    """The case's own fields; its place is picked from the register of municipalities (NIS code)."""

    nis_code = forms.ChoiceField(
        label=_("Gemeente"),
        help_text=_(
            "Kies de gemeente uit de lijst; zonder coördinaten komt de praktijk op het midden van de gemeente."
        ),
    )
    more_places = forms.TypedMultipleChoiceField(
        label=_("Ook in"),
        required=False,
        help_text=_(
            "Alleen als de praktijk over meer gemeenten gespreid is (Ctrl- of Cmd-klik voor meer dan één)."
        ),
    )

    class Meta:
        model = Case
        exclude = ["municipality"]
        # Every language version of an annotatable text is stored in its one normal form.
        field_classes = {
            name: PlainTextField for name in language_versions_of(Case, *PLAIN_TEXT_FIELDS)
        }

    # When the form was opened: the case's `updated_at` then (`services.case_write`'s
    # `opened_at`). A form sent without it (a script) is not checked.
    geopend_op = OpenedAtField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.initial["geopend_op"] = self.instance.updated_at.isoformat()
        choices = case_places.municipality_choices()
        self.fields["nis_code"].choices = [("", "---------"), *choices]
        if "original_language" in self.fields:
            # A form sent without it (an older page, a script) keeps the case's language.
            self.fields["original_language"].required = False
        self.fields["more_places"].choices = choices
        if "researchers" in self.fields:
            # Named as authors in the case's reference: researchers only, by their names.
            field = self.fields["researchers"]
            field.queryset = researcher_choices(self.instance)
            field.label_from_instance = shown_name
            field.error_messages["invalid_choice"] = _(
                "Kies de onderzoekers uit de lijst (veld ‘Onderzoekers’): alleen wie de rol van "
                "onderzoeker heeft, kan als onderzoeker van een praktijk genoemd worden."
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                # A browser cuts text pasted past `maxlength` without a word, and the cut text
                # is saved: the length is checked on saving, named on the field, nothing lost.
                field.widget.attrs.pop("maxlength", None)

    def clean_researchers(self):
        """A researcher is named by first and last name in the case's reference: one added
        without them is refused, naming them (one named before stays until taken off)."""
        chosen = self.cleaned_data["researchers"]
        before = set(self.instance.researchers.all()) if self.instance.pk else set()
        if unnamed := without_a_full_name(user for user in chosen if user not in before):
            raise forms.ValidationError(unnamed_refusal(unnamed))
        return chosen

    def clean_geopend_op(self) -> datetime | None:
        try:
            opened_at = datetime.fromisoformat(self.cleaned_data["geopend_op"])
        except ValueError:
            return None
        return opened_at if timezone.is_aware(opened_at) else None

    def clean_original_language(self):
        return self.cleaned_data.get("original_language") or self.instance.original_language

    def _check_original_language(self, cleaned) -> None:
        """A case has no translation into its own original language
        (`WrittenIn.translations_into_original`): choosing the language of one of its
        translations as the original is refused until that translation is empty (in the same
        save or before)."""
        stored = stored_language(self.instance)
        if cleaned.get("original_language", stored) == stored:
            # Unchanged, the form has no column in the case's own language (a text stored
            # there before this rule is never shown, and never blocks a save).
            return
        probe = copy.copy(self.instance)
        columns = translation_columns(Case) | {"original_language"}
        for name, value in cleaned.items():
            if name not in columns:
                continue
            # A column the form did not send keeps its stored text (as the save will).
            if self[name].field.widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            ):
                continue
            setattr(probe, name, value)
        if filled := probe.translations_into_original():
            labels = get_text_list(
                [str(Case._meta.get_field(name).verbose_name) for name in filled], _("en")
            )
            self.add_error(
                "original_language",
                _(
                    "De oorspronkelijke taal kan geen taal zijn waarin de praktijk een vertaling "
                    "heeft: maak eerst %(fields)s leeg, of kies een andere taal."
                )
                % {"fields": labels},
            )

    def clean_keywords(self):
        names = self.cleaned_data["keywords"]
        validate_keyword_lengths(names)
        return names

    def clean(self):
        cleaned = super().clean()
        self._check_original_language(cleaned)
        if not {"latitude", "longitude"} & set(self.errors):
            latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
            if (latitude is None) != (longitude is None):
                missing = "latitude" if latitude is None else "longitude"
                self.add_error(missing, _("Geef breedte- en lengtegraad samen, of geen van beide."))
            elif cleaned.get("nis_code"):
                self._resolve_place(cleaned)
        return cleaned

    def _resolve_place(self, cleaned) -> None:
        try:
            place = case_places.resolve_place(
                nis=cleaned["nis_code"],
                latitude=cleaned.get("latitude"),
                longitude=cleaned.get("longitude"),
                fields={"nis": "nis_code", "name": "nis_code", "latitude": "latitude"},
            )
        except ValidationError as error:
            self.add_error(None, error)
            return
        # The coordinates stay as given, as in the import: without them the map places the
        # case at its municipality, and the data never hold a point nobody gave.
        self.instance.municipality = place.municipality.name


# --- the coding, with the framework's words beside each field -----------------------------

ORPHANED_WARNING = _(
    "Het tekstbewijs staat niet meer in de tekst; deze codering telt als interpretatie tot u een passage opnieuw verankert. "
    "Blijft ze een interpretatie, pas dan de onderbouwing aan (waarop steunt ze nu?) en bewaar: zo bevestigt u ze."
)
EVIDENCE_NEEDED = _(
    "‘Tekstbewijs’ vraagt minstens één passage uit de tekst van deze praktijk voor deze codering: voeg ze toe onder "
    "‘Tekstbewijs voor de codering’, of kies ‘interpretatie’."
)


class CodingForm(forms.ModelForm):
    """What the two coding forms share: the grounds, explained, and the flag of orphaned evidence."""

    # The name of the value in the help text and messages ("sterkte", "positie").
    value_name = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        help_text = _(
            "Tekstbewijs: een passage uit de tekst van deze praktijk draagt de codering (voeg ze toe onder ‘Tekstbewijs "
            "voor de codering’). Interpretatie: de lezing van wie codeert (onderzoekers of de redactie); zeg in de "
            "onderbouwing waarop ze steunt. Niet te bepalen: het materiaal laat geen %(value)s toe; laat de %(value)s leeg "
            "en zeg in de onderbouwing waarom."
        ) % {"value": self.value_name}
        if self.instance.pk and self.instance.evidence_orphaned:
            # The admin shows help text as HTML; the warning is escaped like any text.
            help_text = format_html(
                '<strong class="errornote coding-orphaned">{}</strong>{}',
                ORPHANED_WARNING,
                help_text,
            )
        self.fields["grounds"].help_text = help_text

    def coding_key(self) -> str | None:
        """The coding as evidence rows name it ("source:3", "field:2"), from what was submitted."""
        raise NotImplementedError

    # Set by the formset: a passage for this coding is anchored in the same submission.
    cited = False

    def save(self, commit=True):
        # The formset saves only a coding the researcher changed: saved as an interpretation
        # it is confirmed as one, saved otherwise it is settled; either way the flag of
        # orphaned evidence has been dealt with. Unless, still an interpretation, a passage
        # for it is anchored again in the same save: then it keeps the flag and returns to
        # "tekstbewijs" with its passage (`sync_grounds_with_evidence`, once the evidence
        # rows are saved).
        if not (self.cited and self.instance.grounds == Grounds.INTERPRETATION):
            self.instance.evidence_orphaned = False
        return super().save(commit)


# The rationale's translations (`diegem.lib.languages.translated`), edited beside it.
RATIONALE_COLUMNS = tuple(
    translation_column("rationale", language) for language in SourceCoding.TRANSLATION_LANGUAGES
)


class SourceCodingForm(CodingForm):
    value_name = _("sterkte")

    class Meta:
        model = SourceCoding
        fields = ["source", "grounds", "strength", "rationale", *RATIONALE_COLUMNS]
        widgets = {name: LongText(attrs={"rows": 2}) for name in ("rationale", *RATIONALE_COLUMNS)}
        field_classes = {name: PlainTextField for name in ("rationale", *RATIONALE_COLUMNS)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source = (
            self.instance.source
            if self.instance.source_id
            else _initial_object(self, "source", Source)
        )
        if source:
            self.fields["strength"].label = _("Sterkte van ‘%(name)s’") % {"name": source.name}
            self.fields[
                "strength"
            ].help_text = f"{source.summary} ({source.perspective}; {source.thinkers})"

    def clean(self):
        cleaned = super().clean()
        grounds, strength = cleaned.get("grounds"), cleaned.get("strength")
        if grounds == Grounds.UNDETERMINED and strength is not None:
            self.add_error(
                "strength",
                _(
                    "Bij de grond ‘niet te bepalen’ hoort geen sterkte: maak de sterkte leeg (—), of kies ‘tekstbewijs’ of ‘interpretatie’."
                ),
            )
        elif (
            grounds in (Grounds.EVIDENCE, Grounds.INTERPRETATION)
            and strength is None
            and "strength" not in self.errors
        ):
            self.add_error("strength", _("Kies een sterkte, of de grond ‘niet te bepalen’."))
        return cleaned

    def coding_key(self) -> str | None:
        source = self.cleaned_data.get("source")
        return f"source:{source.pk}" if source else None


# An example of holding both poles, where the framework text gives one.
HOLDS_BOTH_EXAMPLES = {
    "universeel-particularistisch": _(
        "Bijvoorbeeld ‘inclusief als het kan, categoriaal als het moet’."
    ),
}


class TensionPositionForm(CodingForm):
    value_name = _("positie")

    class Meta:
        model = TensionPosition
        fields = [
            "tension_field",
            "grounds",
            "position",
            "holds_both",
            "rationale",
            *RATIONALE_COLUMNS,
        ]
        widgets = {name: LongText(attrs={"rows": 2}) for name in ("rationale", *RATIONALE_COLUMNS)}
        field_classes = {name: PlainTextField for name in ("rationale", *RATIONALE_COLUMNS)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = (
            self.instance.tension_field
            if self.instance.tension_field_id
            else _initial_object(self, "tension_field", TensionField)
        )
        if field:
            self.fields["position"].label = _("Positie op ‘%(name)s’") % {"name": field.name}
            self.fields["position"].choices = [("", "—")] + [
                (
                    p.value,
                    f"{p.value:+d}: {describe_position(field, p.value, False)}"
                    if p.value
                    else f"0: {describe_position(field, 0, False)}",
                )
                for p in Position
            ]
            self.fields[
                "position"
            ].help_text = f"−2 {field.pole_a}: {field.pole_a_description} · +2 {field.pole_b}: {field.pole_b_description}"
            help_text = _(
                "De praktijk kiest geen plaats tussen ‘%(a)s’ en ‘%(b)s’ maar houdt beide vast."
            ) % {
                "a": field.pole_a,
                "b": field.pole_b,
            }
            example = HOLDS_BOTH_EXAMPLES.get(field.key)
            self.fields["holds_both"].help_text = f"{help_text} {example}" if example else help_text

    def clean(self):
        cleaned = super().clean()
        grounds, position, both = (
            cleaned.get("grounds"),
            cleaned.get("position"),
            cleaned.get("holds_both"),
        )
        if grounds == Grounds.UNDETERMINED:
            if position is not None:
                self.add_error(
                    "position",
                    _(
                        "Bij de grond ‘niet te bepalen’ hoort geen positie: maak de positie leeg (—), of kies ‘tekstbewijs’ of ‘interpretatie’."
                    ),
                )
            if both:
                self.add_error(
                    "holds_both",
                    _(
                        "Bij de grond ‘niet te bepalen’ houdt de praktijk ook niet beide polen vast: vink dit uit, of kies "
                        "‘tekstbewijs’ of ‘interpretatie’."
                    ),
                )
        elif (
            grounds in (Grounds.EVIDENCE, Grounds.INTERPRETATION) and "position" not in self.errors
        ):
            if position is None and not both:
                self.add_error(
                    "position",
                    _(
                        "Kies een positie of vink ‘houdt beide polen vast’ aan, of kies de grond ‘niet te bepalen’."
                    ),
                )
            elif position is not None and both:
                self.add_error(
                    "holds_both",
                    _(
                        "Kies een positie of vink ‘houdt beide polen vast’ aan: precies één van beide."
                    ),
                )
        return cleaned

    def coding_key(self) -> str | None:
        tension_field = self.cleaned_data.get("tension_field")
        return f"field:{tension_field.pk}" if tension_field else None


def _initial_object(form, name, model):
    try:
        value = model._meta.pk.to_python(form.initial.get(name))
    except ValidationError:
        return None
    if value is None:
        return None
    return model.objects.filter(pk=value).first()


class CodingFormSet(forms.BaseInlineFormSet):
    """The codings of a case: "tekstbewijs" only for a coding with a passage in the text,
    and a rationale for every coding once the case is in review or published.

    A passage counts when it is anchored and not deleted in this submission, or
    new or changed in it (its own row checks that it is in the text). The case
    admin hands over the evidence rows of the same submission
    (`evidence_formset`); without them, the anchored passages stored count.
    """

    evidence_formset = None
    # The case's status once this save's workflow step is taken, when it is taken before the
    # rows are written ("Offline halen"); else None: the status as stored.
    status_after_step = None

    def get_unique_error_message(self, unique_check):
        # Django names the column by its code name ("source"): say what two rows share.
        shared = tuple(field for field in unique_check if field != self.fk.name)
        if shared == ("source",):
            return _("Twee rijen coderen dezelfde bron: codeer elke bron één keer.")
        if shared == ("tension_field",):
            return _(
                "Twee rijen coderen hetzelfde spanningsveld: codeer elk spanningsveld één keer."
            )
        return super().get_unique_error_message(unique_check)

    def validate_unique(self):
        # Django says it once per repeated row: a source coded three times, once is enough.
        try:
            super().validate_unique()
        except ValidationError as error:
            raise ValidationError(list(dict.fromkeys(error.messages))) from None

    def clean(self):
        super().clean()
        status = self.status_after_step or self.instance.status
        cited = None
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            grounds = data.get("grounds")
            if cited is None and (grounds == Grounds.EVIDENCE or form.instance.evidence_orphaned):
                cited = self._cited_codings()  # read only when a coding claims evidence or lost it
            form.cited = form.coding_key() in (cited or set())
            if lacks_evidence(grounds, cited=form.cited):
                form.add_error("grounds", EVIDENCE_NEEDED)
            # No translation into the case's original language, when this save changes it.
            relabelled = self.instance.original_language != stored_language(self.instance)
            for column in form.instance.translations_into_original() if relabelled else ():
                form.add_error(
                    column if column in form.fields else None,
                    _(
                        "De praktijk is in het %(language)s geschreven en heeft geen vertaling in "
                        "die taal: maak deze motivering leeg, of kies een andere oorspronkelijke taal."
                    )
                    % {"language": LANGUAGE_NAMES_IN_DUTCH[self.instance.original_language]},
                )
            # The case's status as stored, or as "Offline halen" leaves it before the rows
            # are written; the other steps are taken after the save.
            if refusal := rationale_refusal(
                grounds=grounds, rationale=data.get("rationale"), status=status
            ):
                form.add_error("rationale", refusal)

    def _cited_codings(self) -> set[str]:
        if self.evidence_formset is None:
            rows = (
                CodingEvidence.objects.filter(case=self.instance).anchored()
                if self.instance.pk
                else []
            )
            return {_evidence_key(row) for row in rows}
        return cited_codings(self.evidence_formset)


def _evidence_key(evidence: CodingEvidence) -> str:
    return (
        f"source:{evidence.source_id}"
        if evidence.source_id
        else f"field:{evidence.tension_field_id}"
    )


def cited_codings(evidence_formset) -> set[str]:
    """The codings that the evidence rows of a submission give a passage in the text."""
    evidence_formset.is_valid()  # cleans each row once
    cited = set()
    for form in evidence_formset.forms:
        data = getattr(form, "cleaned_data", {})
        if evidence_formset.can_delete and evidence_formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # an empty row
        coding = data.get("coding") or form["coding"].value()
        if form.instance.pk and not {"passage", "case_field"} & set(form.changed_data):
            anchored = (
                form.instance.anchor_state == CodingEvidence.AnchorState.ANCHORED
            )  # stays as it is stored
        else:
            anchored = bool(
                (data.get("passage") or form["passage"].value() or "").strip()
            )  # its row checks it is in the text
        if coding and anchored:
            cited.add(coding)
    return cited


def stored_language(case: Case | None) -> str:
    """The case's original language as stored: the form's fields follow it, also when a form
    that changes it comes back with an error (the admin lays out the inlines again with the
    case as the form left it)."""
    if case is None or case._state.adding:  # a new case's form is laid out in Dutch
        return settings.LANGUAGE_CODE
    return getattr(case, "stored_original_language", case.original_language)


class CodingInline(admin.StackedInline):
    formset = CodingFormSet
    radio_fields = {"grounds": admin.HORIZONTAL}

    def get_fields(self, request, obj=None):
        """The rationale beside its translations into the languages other than the case's own
        (`obj` is the case): side by side in one row."""
        fields = [
            name for name in super().get_fields(request, obj) if name not in RATIONALE_COLUMNS
        ]
        original = stored_language(obj)
        others = [
            translation_column("rationale", language)
            for language in SourceCoding.TRANSLATION_LANGUAGES
            if language != original
        ]
        at = fields.index("rationale")
        return [*fields[:at], ("rationale", *others), *fields[at + 1 :]]


class SourceCodingInline(CodingInline):
    model = SourceCoding
    form = SourceCodingForm
    max_num = 4
    verbose_name_plural = _("Codering: vier bronnen van solidariteit")

    def get_extra(self, request, obj=None, **kwargs):
        return max(0, 4 - (obj.source_codings.count() if obj else 0))


class TensionPositionInline(CodingInline):
    model = TensionPosition
    form = TensionPositionForm
    max_num = 6
    verbose_name_plural = _("Codering: zes spanningsvelden")

    def get_extra(self, request, obj=None, **kwargs):
        return max(0, 6 - (obj.tension_positions.count() if obj else 0))


# --- evidence ---------------------------------------------------------------------------------


class EvidenceForm(forms.ModelForm):
    """Evidence entered as a coding, a text section and a copied passage."""

    coding = forms.ChoiceField(label=_("Voor de codering"))
    passage = PlainTextField(
        label=_("Passage"),
        widget=LongText(attrs={"rows": 2}),
        help_text=_("Kopieer letterlijk een zin of zinsdeel uit de gekozen tekstsectie."),
    )

    class Meta:
        model = CodingEvidence
        fields = ["coding", "case_field", "passage", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coding"].choices = (
            [("", "—")]
            + [
                (f"source:{s.pk}", _("bron: %(name)s") % {"name": s.name})
                for s in Source.objects.all()
            ]
            + [
                (f"field:{f.pk}", _("spanningsveld: %(name)s") % {"name": f.name})
                for f in TensionField.objects.all()
            ]
        )
        if self.instance.pk:
            self.initial["coding"] = (
                f"source:{self.instance.source_id}"
                if self.instance.source_id
                else f"field:{self.instance.tension_field_id}"
            )
            self.initial["passage"] = self.instance.quote_exact
        if self.instance.pk and self.instance.anchor_state == CodingEvidence.AnchorState.ORPHANED:
            self.fields["passage"].help_text = _(
                "Deze passage staat niet meer in de tekst: kies een nieuwe."
            )

    def clean(self):
        cleaned = super().clean()
        coding, field, passage = (
            cleaned.get("coding"),
            cleaned.get("case_field"),
            cleaned.get("passage"),
        )
        if coding:
            kind, _sep, pk = coding.partition(":")
            self.instance.source_id = int(pk) if kind == "source" else None
            self.instance.tension_field_id = int(pk) if kind == "field" else None
        unchanged = self.instance.pk and not {"passage", "case_field"} & set(self.changed_data)
        if field and passage and not unchanged:
            # An untouched passage follows the text on its own (re-anchored when the case
            # is saved, or orphaned); a new or changed one must be in the text as edited.
            # The inline formset hands over the parent as edited in this same
            # submission (unsaved, maybe new); the instance's own link is the stored one.
            case = cleaned.get("case") or self.instance.case
            # The case is saved after this form is cleaned, in its normal form:
            # anchor on that same form of the (possibly just edited) text.
            text = normalize_plain_text(getattr(case, field))
            try:
                self._anchor = (locate_passage(text, passage), text)
            except PassageNotFound as error:
                self.add_error("passage", error.message(_("de gekozen tekstsectie")))
        return cleaned

    def save(self, commit=True):
        if hasattr(self, "_anchor"):
            self.instance.anchor_to(*self._anchor)
        return super().save(commit)


# The item column of a coding row, per model: what a row is offered for and found again by.
ITEM_FIELD = {SourceCoding: "source", TensionPosition: "tension_field"}


def _row_found_again(case: Case, model):
    """How a row of the case's form that is gone is found under another id (`rows_gone_as_new`):
    a coding by its source or tension field, evidence by its coding, text and passage (the
    rows that are the same thing, in order)."""

    def pk(rows, **lookup):
        return list(rows.filter(case=case, **lookup).order_by("pk").values_list("pk", flat=True))

    def coding(value):
        field = ITEM_FIELD[model]
        key = value(field)
        return pk(model.objects, **{f"{field}_id": key}) if key.isdecimal() else []

    def evidence(value):
        kind, _sep, key = value("coding").partition(":")
        if not key.isdecimal() or kind not in ("source", "field"):
            return []
        return pk(
            CodingEvidence.objects,
            **{"source_id" if kind == "source" else "tension_field_id": key},
            case_field=value("case_field"),
            quote_exact=normalize_plain_text(value("passage")).strip(),
        )

    return coding if model in ITEM_FIELD else evidence if model is CodingEvidence else None


def _unsaved_rows(formset) -> services.Rows:
    """What an inline formset saves and deletes, not yet written (`case_write` writes it)."""
    return services.Rows(save=formset.save(commit=False), delete=formset.deleted_objects)


def _as_logged(message) -> str:
    """A change message as the admin's log entry renders it: a list of changes in words, or the text itself."""
    return LogEntry(
        change_message=message if isinstance(message, str) else json.dumps(message)
    ).get_change_message()


class EvidenceInline(admin.StackedInline):
    model = CodingEvidence
    form = EvidenceForm
    extra = 0
    verbose_name = _("tekstbewijs")
    verbose_name_plural = _("Tekstbewijs voor de codering")


class CaseTransitionInline(ReadOnlyInline):
    model = CaseTransition
    fields = ["created_at", "actor", "old_status", "new_status", "note"]
    verbose_name_plural = _("verloop")


# --- the case --------------------------------------------------------------------------------

# The name of the workflow buttons on the case form; their value is the action.
WORKFLOW_BUTTON = "_stap"


def _unpublishing(request, change: bool) -> bool:
    """Is this save "Offline halen"? Its step is taken before the rows are written."""
    return change and request.POST.get(WORKFLOW_BUTTON) == CaseAction.UNPUBLISH


@admin.register(Case)
class CaseAdmin(VersionAdmin, GuardedAdmin):
    form = CaseForm
    list_display = ["title", "kind", "domain", "municipality", "status", "coded", "updated_at"]
    list_filter = ["status", "kind", "domain", "researchers"]
    search_fields = ["title", "slug", "summary", "municipality", "neighbourhood", "initiative"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
    filter_horizontal = ["researchers"]
    date_hierarchy = "updated_at"
    list_select_related = ["domain"]
    inlines = [SourceCodingInline, TensionPositionInline, EvidenceInline, CaseTransitionInline]
    actions = ["submit_for_review", "publish", "return_to_draft", "unpublish"]
    change_form_template = "admin/cases/case/change_form.html"

    class Media:
        js = ["js/admin_filter_labels.js"]  # names the two-list widget's icons once it is built

    change_list_template = "admin/cases/case/change_list.html"
    object_history_template = "admin/cases/case/history.html"
    history_latest_first = True
    fieldsets = [
        (
            _("Wat en wie"),
            {"fields": ["title", "slug", "kind", "domain", "initiative", "website", "start_year"]},
        ),
        (
            _("Plaats"),
            {"fields": ["nis_code", "neighbourhood", "latitude", "longitude", "more_places"]},
        ),
        (
            _("Tekst"),
            {"fields": ["original_language", "summary", *(s.field for s in TEXT_SECTIONS)]},
        ),
        (_("Onderzoek"), {"fields": ["researchers", "keywords"]}),
        # `geopend_op` is hidden: when the form was opened (`CaseForm`).
        (
            _("Status"),
            {"fields": ["status", "published_at", "created_at", "updated_at", "geopend_op"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        """Every text beside its translations into the case's other languages, a row per text
        (the original first), and who translated into each language."""
        original = stored_language(obj)
        others = [code for code in Case.TRANSLATION_LANGUAGES if code != original]

        def side_by_side(names):
            return [
                (name, *(translation_column(name, code) for code in others))
                if name in Case.TRANSLATED_FIELDS
                else name
                for name in names
            ]

        fieldsets = [
            (title, {**options, "fields": side_by_side(options["fields"])})
            for title, options in self.fieldsets
        ]
        translators = tuple(f"translated_by_{code}" for code in others)
        fieldsets.insert(
            3,
            (
                _("Vertaling"),
                {
                    "fields": [translators],
                    "description": _(
                        "Wie de teksten in elke taal vertaalde; geen automatische vertaling. Een lege"
                        " vertaling toont de oorspronkelijke tekst, met die melding."
                    ),
                },
            ),
        )
        return fieldsets

    # The case is written in `save_related`, together with everything its form and
    # inline rows hold, by the one service that writes a case (`services.case_write`):
    # changed text re-anchors annotations and evidence, the grounds follow the
    # evidence, the search vector follows, one version is kept. A case whose own
    # fields did not change is not written (its `updated_at` stays).
    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_related` writes the case with its rows, in one `case_write`."""

    def has_delete_permission(self, request, obj=None):
        # A published case is taken offline first (its words leave "did you mean", the next
        # release names it withdrawn); deleted, it would skip all that.
        if obj is not None and obj.is_public:
            return False
        return super().has_delete_permission(request, obj)

    # A save that would leave a published case incomplete is refused by `case_write`, and
    # Django's view rolls it all back; asked once more, the form says why, above the form,
    # with everything typed still in it (`get_form`).
    # So is a save of a form opened before someone else's save (`CaseChangedMeanwhile`): asked
    # again, the form says who saved when, and holds the time of that save, so that saving it
    # once more, after a look, keeps this version.
    ask_again_after = (
        *GuardedAdmin.ask_again_after,
        services.PublishedCaseIncomplete,
        services.CaseChangedMeanwhile,
        # A name taken away between the form's check and the write: asked again, the form
        # names them beside the field.
        services.ResearcherUnnamed,
        # The coding changed while the case is double coded: asked again, the form says why.
        services.CodingDuringDoubleCoding,
    )

    def forget_attempt(self, request, messages_before: list | None, error: Exception) -> None:
        super().forget_attempt(request, messages_before, error)
        # The workflow step of the attempt was rolled back with it: asked again, it is taken
        # again. A step refused before the write ("Offline halen" by someone who may not) is
        # said beside the write's refusal, which it explains.
        step_refused = request.__dict__.pop("case_step_refused", None)
        if isinstance(
            error,
            services.PublishedCaseIncomplete
            | services.CaseChangedMeanwhile
            | services.CodingDuringDoubleCoding,
        ):
            request.case_write_refused = [e for e in (step_refused, error) if e is not None]

    def get_readonly_fields(self, request, obj=None):
        # A case once published keeps its address: citations, links and the releases point
        # at it (`case_write` keeps it too, for every entry point).
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "slug"] if obj is not None and obj.published_at else fields

    def get_prepopulated_fields(self, request, obj=None):
        return (
            {}
            if obj is not None and obj.published_at
            else super().get_prepopulated_fields(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "case_write_refused", None)
        if refused is None:
            return form
        meanwhile = next((e for e in refused if isinstance(e, services.CaseChangedMeanwhile)), None)

        class Refused(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if meanwhile is not None and self.is_bound:
                    self.data = self.data.copy()
                    self.data["geopend_op"] = meanwhile.updated_at.isoformat()

            def clean(self):
                super().clean()
                raise ValidationError([str(error) for error in refused])

        return Refused

    # Versions are taken by `services.case_write` once everything is saved, not by
    # django-reversion's per-save signal, which would miss keywords written in bulk
    # and keep rows deleted later in the same save.
    @contextmanager
    def create_revision(self, request):
        yield

    def save_related(self, request, form, formsets, change):
        # "Offline halen" moves the case before its edits are written: a published case may
        # not be left incomplete, the draft it becomes may (what the refusal advises).
        opened_at = form.cleaned_data.get("geopend_op")
        if _unpublishing(request, change):
            # Not written over unseen: asked before the step, which is a change of its own.
            services.case_unchanged_since(form.instance, opened_at, request.user)
            opened_at = None
            self._step(request, form.instance, CaseAction.UNPUBLISH)
        # The grounds as stored before this save: the change message names what the
        # evidence changed besides the form (a passage orphaned or anchored again).
        form.grounds_before = history.grounds_of(form.instance) if change else {}
        rows = {
            formset.model: _unsaved_rows(formset) for formset in formsets
        }  # the workflow log is read-only: none
        services.case_write(
            case=form.instance,
            codings=rows.get(SourceCoding),
            positions=rows.get(TensionPosition),
            evidence=rows.get(CodingEvidence),
            keywords=form.cleaned_data.get("keywords"),
            researchers=form.cleaned_data.get("researchers"),
            actor=request.user,
            opened_at=opened_at,
            # Said once everything is written (the grounds the evidence left are part of
            # it), as the log entry says it; a save that changed nothing is no new version.
            comment=lambda: _as_logged(
                self.construct_change_message(request, form, formsets, add=not change)
            ),
        )

    def construct_change_message(self, request, form, formsets, add=False):
        # Asked twice (the version's comment, then the log entry), said once.
        if not hasattr(form, "change_message"):
            form.change_message = history.change_message(
                form,
                formsets,
                grounds_before=form.grounds_before,
                grounds_after=history.grounds_of(form.instance),
                add=add,
            )
        return form.change_message

    def _create_formsets(self, request, obj, change):
        # The coding rows check "tekstbewijs" against the evidence rows of the same submission.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        evidence = next((formset for formset in formsets if formset.model is CodingEvidence), None)
        # "Offline halen" takes the case offline before its rows are written (`save_related`):
        # they are checked as a draft's.
        unpublishing = _unpublishing(request, change)
        for formset in formsets:
            if isinstance(formset, CodingFormSet):
                formset.evidence_formset = evidence
                if unpublishing and obj.is_public:
                    formset.status_after_step = Case.Status.DRAFT
        return formsets, inline_instances

    def get_object(self, request, object_id, from_field=None):
        case = super().get_object(request, object_id, from_field)
        if case is not None:  # before the form changes it (`stored_language`)
            case.stored_original_language = case.original_language
        return case

    def get_queryset(self, request):
        # A case its second coder codes blind is not theirs to open, list or compare
        # (`Case.objects.codings_visible_to`): its form, history and versions hold the coding.
        return (
            super()
            .get_queryset(request)
            .exclude(pk__in=blind_case_ids(request.user))
            .annotate(
                n_sources=Count("source_codings", distinct=True),
                n_positions=Count("tension_positions", distinct=True),
            )
        )

    @admin.display(description=_("gecodeerd"), boolean=True)
    def coded(self, obj) -> bool:
        return obj.n_sources == 4 and obj.n_positions == 6

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """Offer a row, pre-filled, for every source and tension field the case has no coding on
        yet. A row deleted by someone else since the form was opened comes back as a new row
        (`rows_gone_as_new`): the save is refused first (`CaseChangedMeanwhile`), and saved
        once more, the form keeps its version, as it does of the case's own fields."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        saved = obj is not None and obj.pk is not None
        posted = kwargs.get("data")
        if posted is not None and saved:
            kwargs["data"] = posted = rows_gone_as_new(
                posted, prefix, inline.model, _row_found_again(obj, inline.model)
            )
        item = ITEM_FIELD.get(inline.model)
        if item is None:
            return kwargs
        if posted is not None:
            # Each blank row as it was offered: what it posts for its item (the database may
            # lack or hold other codings by now, and Django pairs the offers with the rows by
            # place: an untouched row read as changed would be checked, and refused).
            try:
                first, total = (
                    int(posted[f"{prefix}-INITIAL_FORMS"]),
                    int(posted[f"{prefix}-TOTAL_FORMS"]),
                )
            except (KeyError, ValueError):
                return kwargs
            offered = (posted.get(f"{prefix}-{i}-{item}", "") for i in range(first, total))
            kwargs["initial"] = [
                {item: value} if value.isdecimal() else {}  # an emptied or odd one: no offer
                for value in itertools.islice(offered, MOST_ROWS)
            ]
            return kwargs
        if item == "source":
            coded = set(obj.source_codings.values_list("source_id", flat=True)) if saved else set()
            kwargs["initial"] = [
                {"source": s.pk} for s in Source.objects.all() if s.pk not in coded
            ]
        else:
            coded = (
                set(obj.tension_positions.values_list("tension_field_id", flat=True))
                if saved
                else set()
            )
            kwargs["initial"] = [
                {"tension_field": t.pk} for t in TensionField.objects.all() if t.pk not in coded
            ]
        return kwargs

    # --- workflow --------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if case is not None:
            extra_context["workflow"] = {
                "button": WORKFLOW_BUTTON,
                "actions": [
                    (action, CaseAction(action).label)
                    for action in services.allowed_actions(case, request.user)
                ],
                "missing": case.missing_for_publication(),
                "orphaned": orphaned_codings(case),
                "status": case.get_status_display(),
            }
            extra_context["double_coding"] = {
                "open": DoubleCodingRound.objects.unsettled().filter(case=case).first(),
                "may_request": not case.is_public
                and double_coding_rounds.is_researcher(request.user),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="cases_case_dashboard",
            ),
            path(
                "importeren/",
                self.admin_site.admin_view(self.import_view),
                name="cases_case_import",
            ),
            path(
                "importeren/sjabloon.<str:fmt>",
                self.admin_site.admin_view(self.import_template_view),
                name="cases_case_import_template",
            ),
            path(
                "<int:pk>/dubbel-coderen/",
                self.admin_site.admin_view(self.double_coding_request_view),
                name="cases_case_double_coding",
            ),
            path(
                "<int:pk>/versies/vergelijken/",
                self.admin_site.admin_view(self.compare_view),
                name="cases_case_compare",
            ),
            path(
                "<int:pk>/versies/<int:version_id>/terugzetten/",
                self.admin_site.admin_view(self.restore_view),
                name="cases_case_restore",
            ),
            *super().get_urls(),
        ]

    # The workflow buttons submit the case form itself (`_stap=<action>`): the
    # edits are validated and saved like any save, then the case moves. An
    # invalid form moves nothing and shows the errors with what was typed.
    def _step(self, request, case, action) -> None:
        """The workflow step of the button pressed, once per request (`response_change` says
        how it went)."""
        if hasattr(request, "case_step_refused"):
            return
        request.case_step_refused = None
        try:
            services.case_transition(case=case, action=action, actor=request.user)
        except (IllegalTransition, PermissionDenied) as error:  # CaseIncomplete among them
            request.case_step_refused = error

    def response_change(self, request, obj):
        action = request.POST.get(WORKFLOW_BUTTON)
        if not action:
            return super().response_change(request, obj)
        self._step(request, obj, action)
        try:
            if request.case_step_refused is not None:
                raise request.case_step_refused
        except services.CaseIncomplete as error:
            self.message_user(
                request,
                _(
                    "Uw wijzigingen zijn bewaard, maar ‘%(case)s’ is nog niet klaar om te publiceren: %(missing)s"
                )
                % {"case": obj, "missing": " ".join(error.missing)},
                messages.ERROR,
            )
        except (IllegalTransition, PermissionDenied) as error:
            self.message_user(
                request,
                _("Uw wijzigingen zijn bewaard, maar de stap is niet gezet: %(error)s")
                % {"error": error},
                messages.ERROR,
            )
        else:
            obj.refresh_from_db()
            self.message_user(
                request,
                _("‘%(case)s’ is bewaard en is nu: %(status)s.")
                % {"case": obj, "status": obj.get_status_display()},
                messages.SUCCESS,
            )
        return redirect("admin:cases_case_change", obj.pk)

    def _run(self, request, queryset, action: str) -> None:
        done = 0
        for case in queryset:
            try:
                services.case_transition(case=case, action=action, actor=request.user)
            except services.CaseIncomplete as error:
                self.message_user(request, f"{case}: {' '.join(error.missing)}", messages.ERROR)
            except (IllegalTransition, PermissionDenied) as error:
                self.message_user(request, f"{case}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d praktijk bijgewerkt.", "%(count)d praktijken bijgewerkt.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=CaseAction.SUBMIT.label, permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, CaseAction.SUBMIT)

    @admin.action(description=CaseAction.PUBLISH.label, permissions=["publish"])
    def publish(self, request, queryset):
        self._run(request, queryset, CaseAction.PUBLISH)

    @admin.action(description=CaseAction.RETURN_TO_DRAFT.label, permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._run(request, queryset, CaseAction.RETURN_TO_DRAFT)

    @admin.action(description=CaseAction.UNPUBLISH.label, permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(request, queryset, CaseAction.UNPUBLISH)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("cases.publish_case")

    # --- history: compare two versions, restore one -------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """Every saved version, newest first: pick two to compare, or one to restore."""
        case = self.get_object(request, unquote(object_id))  # None for an id that is no case's
        if case is None:
            raise Http404
        if not self.has_view_or_change_permission(request, case):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": case,
            "title": _("Versies van ‘%(case)s’") % {"case": case},
            "versions": history.versions_of(case),
            "can_restore": self.has_change_permission(request, case),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """django-reversion's own revert bypasses the services: use ours instead."""
        return redirect("admin:cases_case_history", object_id)

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied

    def compare_view(self, request, pk):
        case = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, case):
            raise PermissionDenied
        versions = history.versions_of(case)
        try:
            older = versions.get(pk=request.GET.get("van"))
            newer = versions.get(pk=request.GET.get("tot"))
        except (history.Version.DoesNotExist, ValueError):
            self.message_user(request, _("Kies twee versies om te vergelijken."), messages.ERROR)
            return redirect("admin:cases_case_history", case.pk)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "title": _("Twee versies van ‘%(case)s’ vergelijken") % {"case": case},
            "older": older,
            "newer": newer,
            "changes": history.compare(older, newer),
        }
        return TemplateResponse(request, "admin/cases/case/compare.html", context)

    def restore_view(self, request, pk, version_id):
        case = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        version = get_object_or_404(history.versions_of(case), pk=version_id)
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": case,
                "title": _("Een versie terugzetten"),
                "version": version,
                # A published case keeps its address (`case_write`): the restore does not move it.
                "changes": history.compare(
                    history.versions_of(case).first(),
                    version,
                    kept=("slug",) if case.published_at else (),
                ),
            }
            return TemplateResponse(request, "admin/cases/case/restore.html", context)
        try:
            services.case_restore(case=case, version=version, actor=request.user)
        except services.VersionIncomplete as error:
            self.message_user(
                request,
                _(
                    "Niet teruggezet: deze versie is onvolledig voor een gepubliceerde praktijk. %(missing)s"
                )
                % {"missing": " ".join(error.missing)},
                messages.ERROR,
            )
        except services.CodingDuringDoubleCoding as error:
            self.message_user(
                request, _("Niet teruggezet. %(why)s") % {"why": error}, messages.ERROR
            )
        else:
            self.message_user(
                request,
                _("De versie van %(date)s is teruggezet.")
                % {"date": services.version_moment(version)},
                messages.SUCCESS,
            )
        return redirect("admin:cases_case_change", case.pk)

    # --- double coding: ask a colleague ----------------------------------------------------------

    def double_coding_request_view(self, request, pk):
        """Ask a colleague to code this case independently (`double_coding_rounds.round_request`)."""
        case = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        form = RequestForm(request.POST or None, requester=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                round_ = double_coding_rounds.round_request(
                    case=case,
                    requested_by=request.user,
                    second_coder=form.cleaned_data["second_coder"],
                )
            except double_coding_rounds.RoundRefused as refusal:
                for message in refusal.messages:
                    form.add_error(refusal.field, message)
            else:
                self.message_user(
                    request,
                    _(
                        "%(coder)s is gevraagd ‘%(case)s’ onafhankelijk te coderen. Uw eigen onafhankelijke codering begint bij de huidige codering."
                    )
                    % {"coder": shown_name(form.cleaned_data["second_coder"]), "case": case},
                    messages.SUCCESS,
                )
                return redirect("admin:cases_doublecodinground_coding", round_.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "title": _("Dubbel laten coderen: ‘%(case)s’") % {"case": case},
            "form": form,
            "open_round": DoubleCodingRound.objects.unsettled().filter(case=case).first(),
        }
        return TemplateResponse(request, "admin/cases/case/double_coding_request.html", context)

    # --- dashboard and import ----------------------------------------------------------------------

    def dashboard_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Dashboard van de casestudies"),
            **dashboard(request.user),
        }
        return TemplateResponse(request, "admin/cases/case/dashboard.html", context)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = exchange.ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = exchange.import_cases(
                form.file_content(),
                filename=form.file_name(),
                actor=request.user,
                dry_run=not form.cleaned_data["confirm"],
            )
            if report.saved:
                self.message_user(
                    request,
                    _("Geïmporteerd: %(summary)s") % {"summary": report.summary},
                    messages.SUCCESS,
                )
                return redirect("admin:cases_case_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Praktijken importeren"),
            "form": form,
            "report": report,
            "confirm_form": exchange.confirm_form(form, report),
            "guide": exchange.column_guide(with_languages=True),
        }
        return TemplateResponse(request, "admin/cases/case/import.html", context)

    def import_template_view(self, request, fmt):
        """An empty import file to fill in: the header and one example row, as CSV or XLSX."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        table = exchange.template_table()
        if fmt == "csv":
            out = io.StringIO()
            exchange.write_csv(table, out)
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        elif fmt == "xlsx":
            response = HttpResponse(exchange.write_xlsx(table, "praktijken"), content_type=XLSX)
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="praktijken-sjabloon.{fmt}"'
        return response


@admin.register(DoubleCodingRound)
class DoubleCodingRoundAdmin(GuardedAdmin):
    """Double-coding rounds: the list, a coder's blind form, and the disagreement view with the consensus.

    The list names cases and coders only. A coder reaches their own independent
    coding; neither sees the other's until both are submitted (the disagreement
    view). Rounds are asked for on a case's page, and never deleted.
    """

    list_display = ["case", "requester", "colleague", "state", "created_at"]
    list_select_related = ["case", "requested_by", "second_coder"]
    search_fields = ["case__title"]

    # Coders by the names the choice list showed them with, never by their login.
    @admin.display(description=_("gevraagd door"), ordering="requested_by__last_name")
    def requester(self, obj) -> str:
        return shown_name(obj.requested_by)

    @admin.display(description=_("tweede codeerder"), ordering="second_coder__last_name")
    def colleague(self, obj) -> str:
        return shown_name(obj.second_coder)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_codings=Count(
                    "codings", filter=Q(codings__submitted_at__isnull=True), distinct=True
                )
            )
        )

    @admin.display(description=_("stand"))
    def state(self, obj) -> str:
        if obj.cancelled_at:
            return _("stopgezet")
        if obj.settled_at:
            return _("consensus vastgelegd")
        if obj.open_codings:
            return ngettext(
                "%(count)d codering nog niet ingediend",
                "%(count)d coderingen nog niet ingediend",
                obj.open_codings,
            ) % {"count": obj.open_codings}
        return _("klaar voor consensus")

    def get_urls(self):
        return [
            path(
                "<int:pk>/coderen/",
                self.admin_site.admin_view(self.coding_view),
                name="cases_doublecodinground_coding",
            ),
            path(
                "<int:pk>/verschillen/",
                self.admin_site.admin_view(self.disagreement_view),
                name="cases_doublecodinground_disagreement",
            ),
            path(
                "<int:pk>/stopzetten/",
                self.admin_site.admin_view(self.cancel_view),
                name="cases_doublecodinground_cancel",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A round has no form of its own: its coders go to their coding, or to the disagreements."""
        round_ = self.get_object(request, unquote(object_id))
        if round_ is None or not self.has_view_or_change_permission(request, round_):
            raise Http404
        own = round_.codings.unsubmitted().filter(coder=request.user).exists()
        if own and round_.settled_at is None and round_.cancelled_at is None:
            return redirect("admin:cases_doublecodinground_coding", round_.pk)
        return redirect("admin:cases_doublecodinground_disagreement", round_.pk)

    def coding_view(self, request, pk):
        """One coder's own independent coding, blind: the case text, the framework and the form."""
        round_ = get_object_or_404(
            DoubleCodingRound.objects.select_related("case", "case__domain"), pk=pk
        )
        coding = get_object_or_404(IndependentCoding, round=round_, coder=request.user)
        sources, fields = list(Source.objects.all()), list(TensionField.objects.all())
        stored = [
            *((row.source, row) for row in coding.sources.select_related("source")),
            *((row.tension_field, row) for row in coding.positions.select_related("tension_field")),
        ]
        # Submitted, or the round stopped: the coding is shown, never changed.
        closed = double_coding_rounds.coding_closed(coding)
        read_only = closed is not None
        refused = closed if request.method == "POST" else None
        form = JudgementsForm(
            request.POST if request.method == "POST" and not read_only else None,
            initial=JudgementsForm.initial_for(stored, sources=sources, tension_fields=fields),
            sources=sources,
            tension_fields=fields,
            complete=request.method == "POST" and "_indienen" in request.POST,
        )
        if refused:
            # Sent from a form opened before it was submitted (another tab) or the round
            # stopped: say so and when, and show what was typed. Nothing is saved.
            form = JudgementsForm.as_typed(request.POST, sources=sources, tension_fields=fields)
        elif read_only:
            for field in form.fields.values():
                field.disabled = True
        elif request.method == "POST" and form.is_valid():
            by_source, by_field = form.entries()
            try:
                double_coding_rounds.coding_save(
                    coding=coding, actor=request.user, sources=by_source, fields=by_field
                )
                if "_indienen" in request.POST:
                    double_coding_rounds.coding_submit(coding=coding, actor=request.user)
            except double_coding_rounds.RoundRefused as refusal:
                # Submitted from another tab, or the round stopped, at this very moment?
                coding = IndependentCoding.objects.select_related("round").get(pk=coding.pk)
                refused = double_coding_rounds.coding_closed(coding)
                read_only = refused is not None
                for message in [] if refused else refusal.messages:
                    form.add_error(None, message)
            else:
                submitted = "_indienen" in request.POST
                self.message_user(
                    request,
                    _("Uw codering is ingediend.") if submitted else _("Uw codering is bewaard."),
                    messages.SUCCESS,
                )
                if submitted and not round_.codings.unsubmitted().exists():
                    return redirect("admin:cases_doublecodinground_disagreement", round_.pk)
                return redirect("admin:cases_doublecodinground_coding", round_.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "round": round_,
            "coding": coding,
            "read_only": read_only,
            "refused": refused,
            "case": round_.case,
            "form": form,
            "title": _("Uw onafhankelijke codering van ‘%(case)s’") % {"case": round_.case},
            "framework": {"sources": sources, "fields": fields},
        }
        return TemplateResponse(request, "admin/cases/doublecodinground/coding.html", context)

    def cancel_view(self, request, pk):
        """Stop an open round (a coder left): asked once more, then `round_cancel`."""
        round_ = get_object_or_404(DoubleCodingRound.objects.select_related("case"), pk=pk)
        if not self.has_view_or_change_permission(request, round_):
            raise PermissionDenied
        refusal = None
        if request.method == "POST":
            try:
                double_coding_rounds.round_cancel(round=round_, actor=request.user)
            except double_coding_rounds.RoundRefused as error:
                refusal = error
            else:
                self.message_user(
                    request,
                    _(
                        "De dubbele codering van ‘%(case)s’ is stopgezet; de onafhankelijke coderingen blijven bewaard."
                    )
                    % {"case": round_.case},
                    messages.SUCCESS,
                )
                return redirect("admin:cases_case_change", round_.case_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "round": round_,
            "refusal": refusal,
            "title": _("Dubbele codering stopzetten: ‘%(case)s’") % {"case": round_.case},
        }
        return TemplateResponse(request, "admin/cases/doublecodinground/cancel.html", context)

    def disagreement_view(self, request, pk):
        """Both codings side by side once both are submitted, and the consensus form."""
        round_ = get_object_or_404(
            DoubleCodingRound.objects.select_related("case", "requested_by", "second_coder"), pk=pk
        )
        if not self.has_view_or_change_permission(request, round_):
            raise PermissionDenied
        waiting = list(round_.codings.unsubmitted().select_related("coder"))
        if waiting:
            # Nobody sees either independent coding before both are in: blind both ways.
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "round": round_,
                "title": _("Nog niet beide coderingen ingediend"),
                "waiting": waiting,
            }
            return TemplateResponse(request, "admin/cases/doublecodinground/waiting.html", context)
        rows = double_coding_rounds.comparison(round_)
        is_coder = request.user.pk in (round_.requested_by_id, round_.second_coder_id)
        refused = double_coding_rounds.round_closed(round_) if request.method == "POST" else None
        form = None
        if is_coder and round_.settled_at is None and round_.cancelled_at is None:
            form = JudgementsForm(
                request.POST if request.method == "POST" else None,
                initial=double_coding_rounds.consensus_initial(rows),
                complete=True,
            )
            if request.method == "POST" and form.is_valid():
                by_source, by_field = form.entries()
                try:
                    double_coding_rounds.round_settle(
                        round=round_, actor=request.user, sources=by_source, fields=by_field
                    )
                except double_coding_rounds.RoundRefused as refusal:
                    round_.refresh_from_db()  # a colleague may have settled it at this moment
                    refused = double_coding_rounds.round_closed(round_)
                    for message in [] if refused else refusal.messages:
                        form.add_error(None, message)
                else:
                    self.message_user(
                        request,
                        _(
                            "De consensus is de codering van ‘%(case)s’ geworden; de onafhankelijke coderingen blijven bewaard."
                        )
                        % {"case": round_.case},
                        messages.SUCCESS,
                    )
                    return redirect("admin:cases_case_change", round_.case_id)
        if refused and is_coder:
            # Settled or stopped since this form was opened (a colleague was first, a form
            # opened earlier): say by whom and when, and show what was typed beside both
            # codings to compare or copy. Nothing is saved.
            form = JudgementsForm.as_typed(request.POST, complete=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "round": round_,
            "rows": rows,
            "agreed": sum(1 for row in rows if row.agree),
            "form": form,
            "refused": refused,
            "may_settle": form is not None and not refused,
            # Each source and field: the two judgements, and the consensus form's fields for it.
            "pairs": list(zip(rows, [fields for _k, _i, fields in form.rows()], strict=True))
            if form
            else [(row, None) for row in rows],
            "title": _("Verschillen en consensus: ‘%(case)s’") % {"case": round_.case},
        }
        return TemplateResponse(request, "admin/cases/doublecodinground/disagreement.html", context)


@admin.register(CaseTransition)
class CaseTransitionAdmin(ReadOnlyAdmin):
    """The workflow log: read-only."""

    list_display = ["created_at", "case", "actor", "old_status", "new_status"]
    list_filter = ["new_status"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__title", "note"]


# taggit's own Tag admin renamed, deleted and "merged" keywords behind the cases' backs: their
# search text and versions kept the old names, and its merge changed no case. Keywords are
# written on the case (case_write); here they are only read, with how many cases carry each.
admin.site.unregister(Tag)


@admin.register(Tag)
class KeywordAdmin(ReadOnlyAdmin):
    """The keywords in use: read-only, each with its number of cases (written on the case)."""

    list_display = ["name", "case_count"]
    search_fields = ["name"]
    ordering = ["name"]
    fields = ["name", "slug"]
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cases=Count("cases_keywordedcase_items"))

    @admin.display(description=_("praktijken"), ordering="cases")
    def case_count(self, tag) -> int:
        return tag.cases


admin.site.site_header = _("Praktijkenbank DieGem – beheer")
admin.site.site_title = _("Praktijkenbank DieGem")
admin.site.index_title = _("Werkbank")
