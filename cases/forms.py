"""Form fields the workbench's forms share (the case form in the admin, the import)."""

from django import forms

from frameworks.annotatable import normalize_plain_text


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
