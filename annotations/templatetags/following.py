"""The follow button that case, framework, source and tension-field pages show to members.

`cases` and `frameworks` do not import this app; their templates load this tag instead:
`{% load following %}{% follow_button case %}`.
"""

from django import template
from django.utils.translation import gettext_lazy as _

from annotations.notification_services import follow_key, follow_kind
from annotations.reader_facts import follows, reader_facts

register = template.Library()

# Per kind of target: the button, and the sentence while one follows it.
LABELS = {
    "praktijk": (_("Volg deze praktijk"), _("U volgt deze praktijk.")),
    "kader": (_("Volg dit deel van het kader"), _("U volgt dit deel van het kader.")),
    "bron": (_("Volg deze bron"), _("U volgt deze bron.")),
    "spanningsveld": (_("Volg dit spanningsveld"), _("U volgt dit spanningsveld.")),
    "organisatie": (
        _("Volg de bijdragen van uw organisatie"),
        _("U volgt de bijdragen van uw organisatie."),
    ),
}


@register.inclusion_tag("annotations/includes/follow_form.html", takes_context=True)
def follow_button(context, target) -> dict:
    """A form to follow `target`, or to stop, for a signed-in member; nothing for anyone else.

    Nothing (and no CSRF token) for anonymous readers, so their pages stay cacheable.
    No query where the page named its target to the header (`follow_target`: read with the
    reader's facts), else one small one.
    """
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return {"show": False}
    if not reader_facts(user).member:
        return {"show": False}
    kind = follow_kind(target)
    return _form(context, kind, target, following=follows(user, kind, target.pk))


@register.inclusion_tag("annotations/includes/follow_form.html", takes_context=True)
def unfollow_button(context, target) -> dict:
    """The form to stop following, where the page already knows the user follows `target` (no query)."""
    return _form(context, follow_kind(target), target, following=True, in_list=True)


def _form(context, kind: str, target, *, following: bool, in_list: bool = False) -> dict:
    button, state = LABELS[kind]
    return {
        "show": True,
        "kind": kind,
        "key": follow_key(target),
        "following": following,
        "next": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "button": button,
        "state": state,
        # In a list of follows: only the button, named after what it stops following.
        "in_list": in_list,
        "name": str(target),
    }
