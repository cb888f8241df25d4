"""What the site header shows: the search box's limit, and for a signed-in user their links."""

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from annotations.models import Annotation, Membership
from diegem.lib.search import MAX_QUERY_LENGTH

register = template.Library()


@register.simple_tag
def max_query_length() -> int:
    """The `maxlength` of every search box: as much as a search reads."""
    return MAX_QUERY_LENGTH


@register.simple_tag
def offers_my_annotations(user) -> bool:
    """Whether the header links to "Mijn kanttekeningen": for members of an organisation
    (the only ones who may write) and for anyone who has written before (a former member
    still sees their notes). One query; moderators and researchers without either would
    only meet a page that refuses them their first note.
    """
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Exists(Membership.objects.filter(user=OuterRef("pk")))
            | Exists(Annotation.objects.filter(author=OuterRef("pk")))
        )
        .exists()
    )
