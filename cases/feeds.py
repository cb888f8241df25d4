"""An Atom feed of newly published cases."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from diegem.lib.languages import version_text


class EntriesInTheirLanguage(Atom1Feed):
    """An Atom feed whose entries say their language (`xml:lang`) where it is not the feed's."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language") and item["language"] != self.feed["language"]:
            attributes["xml:lang"] = item["language"]
        return attributes


def entry_language(case: Case) -> str:
    """The language an entry shows a case in: the page's where its title and summary are both
    translated into it, else the original (an entry never mixes two languages)."""
    language = case.language_of("title")
    return language if case.language_of("summary") == language else case.original_language


class LatestCasesFeed(Feed):
    feed_type = EntriesInTheirLanguage
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
        return version_text(item, "title", entry_language(item))

    def item_description(self, item: Case) -> str:
        return version_text(item, "summary", entry_language(item))

    def item_extra_kwargs(self, item: Case) -> dict:
        return {"language": entry_language(item)}

    def item_pubdate(self, item: Case):
        return item.published_at

    def item_updateddate(self, item: Case):
        return item.updated_at

    def item_categories(self, item: Case):
        return [item.domain.shown.name]
