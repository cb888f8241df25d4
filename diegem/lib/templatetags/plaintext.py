"""Filters for the plain-text bodies of sections and cases."""

from django import template

from diegem.lib.annotatable import paragraph_spans

register = template.Library()


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines; the template escapes each."""
    return [paragraph.text for paragraph in paragraph_spans(text or "")]
