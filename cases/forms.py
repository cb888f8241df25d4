"""What the workbench's forms share (the case form in the admin, the import)."""

from django import forms
from django.utils.translation import gettext as _

KEYWORD_MAX_LENGTH = 100  # taggit's tag names (and slugs)


def validate_keyword_lengths(names: list[str]) -> None:
    """Refuse a keyword longer than the database holds (a 500 otherwise)."""
    too_long = [name for name in names if len(name) > KEYWORD_MAX_LENGTH]
    if too_long:
        raise forms.ValidationError(
            _("Een trefwoord is hoogstens %(max)d tekens lang: ‘%(name)s…’")
            % {"max": KEYWORD_MAX_LENGTH, "name": too_long[0][:30]}
        )
