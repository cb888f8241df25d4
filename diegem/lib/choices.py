"""`get_FOO_display()` that translates a field's labels once per language, not on each call.

Django's own builds a dict of every choice of the field on each call, and hashing a lazy
label translates it: a margin note asks for its voice, kind and status, some twenty
translations for three words, half of what rendering the note costs. A model that shows its
choices on busy pages mixes in `DisplayedChoices`.
"""

from functools import cache

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@cache
def _labels(field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


class DisplayedChoices(models.Model):
    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        try:
            return _labels(field, get_language()).get(value, force_str(value, strings_only=True))
        except TypeError:  # a value that cannot be a key: Django's own way
            return super()._get_FIELD_display(field)
