"""What the site header shows: the search box's limit, and for a signed-in user their links."""

from django import template

from annotations.notification_services import follow_kind
from annotations.reader_facts import reader_facts
from annotations.templatetags.following import own_messages
from diegem.lib.search import MAX_QUERY_LENGTH

register = template.Library()


@register.simple_tag
def max_query_length() -> int:
    """The `maxlength` of every search box: as much as a search reads."""
    return MAX_QUERY_LENGTH


@register.simple_tag
def account_offers(user, follow_target=None) -> dict:
    """Which of the user's own pages the header links to, and their unread notifications, in one query.

    "Mijn kanttekeningen": for members of an organisation (the only ones who may write) and
    for anyone who has written before (a former member still sees their notes); moderators
    and researchers without either would only meet a page that refuses them their first note.
    "Bewaarde praktijken": for members, whose organisation keeps them.
    "Meldingen" and "Instellingen": for members and for anyone who has notifications (a
    researcher hears of readings of their cases); the count is of unread notifications the
    user may still see (`Notification.objects.shown_to`).
    `follow_target`: what the page's follow button offers (a view's `follow_target`), asked
    about in the same query, before the button asks.
    """
    following = (follow_kind(follow_target), follow_target.pk) if follow_target else None
    facts = reader_facts(user, following=following)
    return {
        "annotations": facts.member or facts.wrote,
        "practices": facts.member,
        "notifications": facts.member or facts.notified,
        "unread": facts.unread,
    }


@register.simple_tag
def page_messages(messages) -> list:
    """The messages shown at the top of the page: all but those a follow form shows beside it.

    Asked only where there are messages (`{% if messages %}`): reading the storage marks it used.
    """
    beside = own_messages(messages)
    return [m for m in messages if not any(m is b for b in beside)]
