"""The key to the grounds markers and the "alleen met tekstbewijs" toggle: `{% load grounds %}`."""

from django import template

from cases.filters import EVIDENCE_ONLY, GROUNDS_PARAM, evidence_only

register = template.Library()


@register.inclusion_tag("includes/grounds_toggle.html", takes_context=True)
def grounds_toggle(context, toggle: bool = True, anchor: str = "") -> dict:
    """What ● and ○ mean, and (unless `toggle` is false) two links: every coding, or evidence only.

    Both links keep the page's other parameters and drop its page number (the
    restriction changes what there is to page through); `anchor` is where on the
    page they land (an id), for a toggle far down a page.
    """
    request = context["request"]
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop(GROUNDS_PARAM, None)
    fragment = f"#{anchor}" if anchor else ""
    all_url = (f"{request.path}?{query.urlencode()}" if query else request.path) + fragment
    query[GROUNDS_PARAM] = EVIDENCE_ONLY
    return {
        "toggle": toggle,
        "evidence_only": evidence_only(request.GET),
        "all_url": all_url,
        "evidence_url": f"{request.path}?{query.urlencode()}{fragment}",
    }
