"""`{% language_versions as versions %}`: this page in every language of the site
(`diegem.lib.languages`), for the switcher and the `hreflang` alternates of every page."""

from django import template
from django.utils.html import format_html

from diegem.lib import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[languages.LanguageVersion]:
    request = context.get("request")
    return [] if request is None else languages.language_versions(request)


@register.filter
def lang_attr(obj, field: str = "") -> str:
    """` lang="nl"` on an element holding a text of `obj` in another language than the page's:
    `<p{{ case|lang_attr:"summary" }}>{{ case.summary }}</p>`."""
    language = languages.other_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""
