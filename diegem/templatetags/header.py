"""What the site header shows a signed-in user."""

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from annotations.models import Annotation, Membership

register = template.Library()


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
            Exists(Membership.objects.filter(user=OuterRef("pk"))) | Exists(Annotation.objects.filter(author=OuterRef("pk")))
        )
        .exists()
    )
