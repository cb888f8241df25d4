"""Template tags through which pages of other apps show annotations.

`cases` and `frameworks` do not import this app; their templates load these
tags instead: `{% load margin %}`.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from annotations import margin
from annotations.api import CONTENT_TYPE
from annotations.services import existing_reader_key
from diegem.lib.caching import request_content_version
from diegem.lib.templatetags.languages import lang_attr

register = template.Library()


@register.simple_tag(takes_context=True)
def margin_filter(context) -> margin.MarginFilter:
    """The reader's voice and kind filter, read from the URL."""
    return margin.MarginFilter.from_request(context["request"])


@register.simple_tag(takes_context=True)
def case_margin(context, case, margin_filter) -> list[margin.AnnotatedText]:
    """Every text section of the case with its highlighted passages and notes."""
    request = context["request"]
    # Before the notes: a kept note is never older than its key.
    version = request_content_version(request)
    return margin.case_margin(
        case, request.user, margin_filter, existing_reader_key(request), version
    )


@register.simple_tag(takes_context=True)
def section_margin(context, section, margin_filter) -> margin.AnnotatedText:
    request = context["request"]
    request_content_version(request)  # before the notes, as above
    return margin.section_margin(section, request.user, margin_filter, existing_reader_key(request))


@register.simple_tag(takes_context=True)
def section_echoes(context, section) -> margin.Echoes:
    """The pilots' notes that the research text prints beside this section, where they stand
    public: `echoes.notes`, read when needed, and `echoes.shared`."""
    request = context["request"]
    request_content_version(request)  # before the notes, as above
    return margin.Echoes(section, request.user, existing_reader_key(request))


@register.simple_tag
def paragraph(block: margin.Block, target) -> str:
    """A paragraph of an annotated text with its highlights (`Block.text_html`), marked `lang`
    when its text is in another language than the page's."""
    return block.text_html(lang_attr(target))


@register.simple_tag
def case_annotations_link(case) -> str:
    """`<link rel="alternate">` to the case's W3C AnnotationCollection, for clients and crawlers."""
    if not case.is_public:
        return ""
    return format_html(
        '<link rel="alternate" type="{}" href="{}">',
        CONTENT_TYPE,
        reverse("api-case-annotations", args=[case.slug]),
    )


@register.simple_tag
def section_annotations_link(section) -> str:
    return format_html(
        '<link rel="alternate" type="{}" href="{}">',
        CONTENT_TYPE,
        reverse("api-section-annotations", args=[section.key]),
    )


@register.filter
def still_public(note) -> bool:
    """A note of a margin is shown unless it stood in a kept place and is no longer public
    (`annotations.margin.KeptNote.gone`)."""
    return not getattr(note, "gone", False)
