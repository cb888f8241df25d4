"""Form fields the workbench's forms share (the case form in the admin, the import)."""

from django import forms
from django.utils.translation import gettext as _

from frameworks.annotatable import normalize_plain_text

KEYWORD_MAX_LENGTH = 100  # taggit's tag names (and slugs)


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


def validate_keyword_lengths(names: list[str]) -> None:
    """Refuse a keyword longer than the database holds (a 500 otherwise)."""
    too_long = [name for name in names if len(name) > KEYWORD_MAX_LENGTH]
    if too_long:
        raise forms.ValidationError(
            _("Een trefwoord is hoogstens %(max)d tekens lang: ‘%(name)s…’") % {"max": KEYWORD_MAX_LENGTH, "name": too_long[0][:30]}
        )
