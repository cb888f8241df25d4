"""The follow button that case, framework, source and tension-field pages show to members.

`cases` and `frameworks` do not import this app; their templates load this tag instead:
`{% load following %}{% follow_button case %}`.
"""

from django import template
from django.utils.translation import gettext_lazy as _

from annotations.notification_services import follow_key, follow_kind
from annotations.reader_facts import follows, reader_facts

register = template.Library()

# What the follow view says of a change made with a page's own follow form stands beside that
# form, not at the top of the page: the view returns to the form's message (`#volgen-bericht`),
# which takes the focus there, so a keyboard is back at the button and a screen reader reads it.
# (A button in the list of follows returns to the page's messages, `#berichten`: its row is gone.)
MESSAGE_TAG = "volgen"
MESSAGE_ID = "volgen-bericht"

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
    messages = context.get("messages")
    # Only a storage that holds messages is read (reading marks it used), as base.html does.
    said = own_messages(messages) if messages and not in_list else []
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
        "message_id": MESSAGE_ID,
        "message": said[-1] if said else None,
    }


def own_messages(messages) -> list:
    """The messages of a change made with a page's follow form (shown beside it)."""
    return [m for m in messages if MESSAGE_TAG in (m.extra_tags or "").split()]
