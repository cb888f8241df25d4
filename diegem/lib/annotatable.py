"""The annotatable-text interface, at the bottom of the stack so every app can use it.

Annotations anchor to plain text by Unicode code point. This module holds
what the framework text, the cases and the annotations must agree on: how a
text is normalised before it is stored, how it splits into paragraphs, how a
revision of it is named, and the event sent when such a text changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django import forms
from django.dispatch import Signal

text_changed = Signal()
"""An annotatable text changed; sent inside the transaction that changed it.

Sent by the services that change such a text, through `announce_text_changes`:
sender is the model class, with keyword arguments `instance`, `field` and
`old_text`. A domain event sent explicitly, not a model save signal: it lets this
bottom layer announce a change without importing the apps above that care.

Its subscribers, in the order they run (tests/site/test_receivers.py holds this
list to the receivers connected):

- sender `cases.Case`:
  1. `cases.receivers.reanchor_evidence_on_text_change`: the passages cited as
     evidence for the coding are found again, or orphaned;
  2. `annotations.receivers.reanchor_on_text_change`: the annotations on that
     text are found again, or orphaned.
- sender `frameworks.Section`:
  1. `annotations.receivers.reanchor_on_text_change`: as for a case.

(The words of "did you mean" follow a section's title as well as its text: they listen to
`diegem.lib.search.words_changed`, which `section_save` sends first.)
"""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def normalize_plain_text(text: str) -> str:
    """The one form annotatable text is stored in.

    Browsers submit textareas with CRLF line ends but the DOM shows LF, so
    offsets only agree when the stored text uses LF. Trailing spaces on a line
    and around the whole text carry no meaning and are dropped.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("\n", text)
    return text.strip()


def text_revision(text: str) -> str:
    """A short, stable name for one version of a text: a hash of its content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a text: `text == full_text[start:end]` (code points)."""

    start: int
    end: int
    text: str


def paragraph_spans(text: str) -> list[Paragraph]:
    """The paragraphs of a plain text with their code point offsets."""
    spans = []
    position = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        stripped = chunk.strip()
        if stripped:
            start = position + (len(chunk) - len(chunk.lstrip()))
            spans.append(Paragraph(start, start + len(stripped), stripped))
        if match:
            position = match.end()
    return spans


def announce_text_changes(instance, old_texts: dict[str, str]) -> list[str]:
    """Send `text_changed` for every field whose text differs from `old_texts`.

    Call it inside the transaction that saved `instance`, so that listeners
    (re-anchoring) commit or roll back with the edit. Returns the changed fields.
    """
    changed = [field for field, old in old_texts.items() if getattr(instance, field) != old]
    for field in changed:
        text_changed.send(
            sender=type(instance), instance=instance, field=field, old_text=old_texts[field]
        )
    return changed


class PlainTextField(forms.CharField):
    """Text in the one form it is stored in (see `normalize_plain_text`).

    Browsers submit textareas with CRLF line ends, and spreadsheets keep them in
    cells; compared with the stored LF text every untouched text would count as
    changed, and the history would record edits nobody made.
    """

    def to_python(self, value):
        return normalize_plain_text(super().to_python(value))

    def has_changed(self, initial, data):
        return normalize_plain_text(initial or "") != self.to_python(data)


class LongText(forms.Textarea):
    """A textarea without `maxlength`. A browser cuts text pasted past it without a word, and
    sends the cut text: the form's own check of the length names the field instead, and keeps
    everything typed (the field's `max_length` still holds)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("maxlength", None)
        return context
