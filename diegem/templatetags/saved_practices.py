"""The tool's result page offers a member to keep it: `{% load saved_practices %}`.

A site-level tag (as the header's): the tool lives in `cases`, which knows no organisation, and
its template loads this tag, which may. For an anonymous visitor it renders nothing and asks for no CSRF token, so the public result page sets no cookie and
stays in the page cache.
"""

from django import template

from annotations.practice_views import organisation_of, save_form_for

register = template.Library()


@register.inclusion_tag("annotations/practices/includes/save_form.html", takes_context=True)
def save_practice_form(context, profile) -> dict:
    user = context["request"].user
    organisation = organisation_of(user) if user.is_authenticated else None
    if organisation is None or not profile:
        return {"show": False}
    return {
        "show": True,
        "organisation": organisation,
        "profile": profile,
        "form": save_form_for(organisation, profile),
    }
