"""An Atom feed of newly published cases."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class LatestCasesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Praktijkenbank DieGem: nieuwe praktijken")
    subtitle = _(
        "Nieuw gepubliceerde casestudies en pilootcases over solidariteit in superdiversiteit."
    )
    link = reverse_lazy("case-list")

    def items(self):
        return (
            Case.objects.published().select_related("domain").order_by("-published_at", "-pk")[:20]
        )

    def item_title(self, item: Case) -> str:
        return item.title

    def item_description(self, item: Case) -> str:
        return item.summary

    def item_pubdate(self, item: Case):
        return item.published_at

    def item_updateddate(self, item: Case):
        return item.updated_at

    def item_categories(self, item: Case):
        return [item.domain.name]
