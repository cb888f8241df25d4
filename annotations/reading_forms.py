"""Forms of readings of a coding: propose one, answer it, change the coding because of it. Every error names its field."""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from annotations.forms import AnnotationContentForm, PageFieldsMixin
from cases.models import Grounds
from diegem.lib.annotatable import LongText, PlainTextField
from diegem.lib.visible_text import has_visible_text


def _note_field(name: str, **changes) -> forms.Field:
    """A field of the note form (the same limits and widget), with its own words."""
    field = copy.deepcopy(AnnotationContentForm.base_fields[name])
    for attribute, value in changes.items():
        setattr(field, attribute, value)
    return field


class ReadingForm(PageFieldsMixin, forms.Form):
    """Another value for one coding, the argument for it, and optionally a passage of the case's text."""

    value = forms.ChoiceField(label=_("Uw lezing"), widget=forms.RadioSelect)
    voice = _note_field("voice")
    body = _note_field(
        "body",
        label=_("Uw argument"),
        help_text=_(
            "Waarom leest u deze codering anders? Markdown mag: *cursief*, **vet**, "
            "[tekst](https://…), lijstjes met - ."
        ),
    )
    case_field = forms.ChoiceField(label=_("Tekstsectie (optioneel)"), required=False)
    passage = forms.CharField(
        label=_("Passage (optioneel)"),
        widget=LongText(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Kopieer de zin of het zinsdeel uit die tekstsectie waarop uw lezing steunt."),
    )

    field_order = ["value", "voice", "body", "case_field", "passage"]

    def __init__(self, *args, values, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = values
        self.fields["case_field"].choices = [("", _("geen passage")), *sections]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Schrijf uw argument."))
        return body

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("passage") or "").strip() and not cleaned.get("case_field"):
            self.add_error(
                "case_field",
                _("Kies de tekstsectie waaruit de passage komt, of laat de passage leeg."),
            )
        return cleaned


class ReadingEditForm(PageFieldsMixin, forms.Form):
    """The author reworks the argument of their reading (the coding and the value stay)."""

    voice = _note_field("voice")
    body = ReadingForm.base_fields["body"]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    clean_body = ReadingForm.clean_body


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Antwoord van de onderzoekers"),
        widget=LongText(attrs={"rows": 5}),
        max_length=settings.ANNOTATION_BODY_MAX_LENGTH,
        help_text=_(
            "Staat openbaar bij de lezing. Markdown mag: *cursief*, **vet**, [tekst](https://…)."
        ),
    )

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not has_visible_text(answer):
            raise forms.ValidationError(_("Schrijf een antwoord."))
        return answer


class ProcessForm(forms.Form):
    """The coding changed to the reading's value: how it is known, and why."""

    grounds = forms.ChoiceField(
        label=_("Grond van de nieuwe codering"),
        choices=[
            (Grounds.INTERPRETATION, Grounds.INTERPRETATION.label),
            (Grounds.EVIDENCE, Grounds.EVIDENCE.label),
        ],
        initial=Grounds.INTERPRETATION,
        widget=forms.RadioSelect,
        required=False,
    )
    rationale = PlainTextField(
        label=_("Onderbouwing"),
        widget=LongText(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Waarom deze waarde, en waarop ze steunt. Staat openbaar bij de codering."),
    )
    answer = forms.CharField(
        label=_("Antwoord aan de lezer (optioneel)"),
        widget=LongText(attrs={"rows": 4}),
        max_length=settings.ANNOTATION_BODY_MAX_LENGTH,
        required=False,
        help_text=_("Staat openbaar bij de lezing. Laat leeg om een eerder antwoord te houden."),
    )
