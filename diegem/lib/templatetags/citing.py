"""Filters for a citation (diegem.lib.citation) in templates: `templates/includes/cite.html` uses them."""

from django import template

from diegem.lib import citation as citing

register = template.Library()


@register.filter
def reference_html(citation: citing.Citation):
    """The formatted reference, escaped, the title in italics."""
    return citing.reference_html(citation)


@register.filter
def version_label(citation: citing.Citation) -> str:
    """ "Versie van 5 december 2026" or "Versie 3 van 2 december 2026"."""
    return citing.version_label(citation)
