"""Filters for the plain-text bodies of sections and cases."""

import re

from django import template

register = template.Library()

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines; the template escapes each."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text or "") if part.strip()]
