"""What the site header shows: the search box's limit, and for a signed-in user their links."""

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from annotations.models import Annotation, Membership, Notification
from diegem.lib.prepared import PreparedQuery
from diegem.lib.search import MAX_QUERY_LENGTH

register = template.Library()


@register.simple_tag
def max_query_length() -> int:
    """The `maxlength` of every search box: as much as a search reads."""
    return MAX_QUERY_LENGTH


def _offers(user_id: int):
    user = get_user_model()(pk=user_id)
    unread = (
        Notification.objects.shown_to(user)
        .unread()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
            wrote=Exists(Annotation.objects.filter(author=OuterRef("pk"))),
            notified=Exists(Notification.objects.filter(recipient=OuterRef("pk"))),
            unread=Coalesce(Subquery(unread), 0),
        )
        .values("member", "wrote", "notified", "unread")
    )


# Read on every page a signed-in reader gets: compiled once per process (diegem.lib.prepared).
_OFFERS = PreparedQuery(_offers)


@register.simple_tag
def account_offers(user) -> dict:
    """Which of the user's own pages the header links to, and their unread notifications, in one query.

    "Mijn kanttekeningen": for members of an organisation (the only ones who may write) and
    for anyone who has written before (a former member still sees their notes); moderators
    and researchers without either would only meet a page that refuses them their first note.
    "Bewaarde praktijken": for members, whose organisation keeps them.
    "Meldingen" and "Instellingen": for members and for anyone who has notifications (a
    researcher hears of readings of their cases); the count is of unread notifications the
    user may still see (`Notification.objects.shown_to`).
    """
    [row] = _OFFERS.rows(user_id=user.pk) or [
        {"member": False, "wrote": False, "notified": False, "unread": 0}
    ]
    return {
        "annotations": row["member"] or row["wrote"],
        "practices": row["member"],
        "notifications": row["member"] or row["notified"],
        "unread": row["unread"],
    }
