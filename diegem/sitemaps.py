"""The sitemap: published cases and the framework pages, nothing else; each page in every
language, naming its versions in the others (hreflang, Dutch the x-default)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import Case
from frameworks.models import Section, Source, TensionField


class LanguagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class CaseSitemap(LanguagesSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Case.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Case):
        return item.updated_at


class FrameworkSitemap(LanguagesSitemap):
    changefreq = "yearly"
    priority = 0.6

    def items(self):
        return [*Section.objects.all(), *Source.objects.all(), *TensionField.objects.all()]


class StaticSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return [
            "home",
            "framework",
            "case-list",
            "overview",
            "bibliography",
            "organisations",
            "open-data",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"cases": CaseSitemap, "framework": FrameworkSitemap, "pages": StaticSitemap}
