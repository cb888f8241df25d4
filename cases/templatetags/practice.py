"""For "Waar staat uw praktijk?": `{% load practice %}`."""

from django import template

register = template.Library()


@register.filter
def describe_placement(item, placement) -> str:
    """A visitor's answer on an item in words ("weet ik niet" when there is none)."""
    return item.describe(placement)
