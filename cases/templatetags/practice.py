"""For "Waar staat uw praktijk?": `{% load practice %}`."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def describe_placement(item, placement) -> str:
    """A visitor's answer on an item in words ("weet ik niet" when there is none)."""
    return item.describe(placement)


@register.simple_tag
def practice_select(field) -> str:
    """One of the tool's twenty selects, with its label and errors, as includes/field.html writes
    a field: built here in one pass rather than by the widget templates or a template loop over
    the options, which cost more than the rest of the page (`make bench`)."""
    current = field.value()
    current = "" if current is None else str(current)
    errors = field.errors
    error_id = f"{field.auto_id}_error"
    described = (
        format_html(' aria-invalid="true" aria-describedby="{}"', error_id) if errors else ""
    )
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == current else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<div class="field{}"><label for="{}">{}</label>'
        '<select name="{}" id="{}"{}>{}</select>{}</div>',
        " field--error" if errors else "",
        field.id_for_label,
        field.label,
        field.html_name,
        field.id_for_label,
        described,
        options,
        format_html_join(
            "", '<p class="field-error" id="{}">{}</p>', ((error_id, e) for e in errors)
        ),
    )
