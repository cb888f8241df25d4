"""The sitemap: published cases and the framework pages, nothing else."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import Case
from frameworks.models import Section, Source, TensionField


class CaseSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Case.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Case):
        return item.updated_at


class FrameworkSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.6

    def items(self):
        return [*Section.objects.all(), *Source.objects.all(), *TensionField.objects.all()]


class StaticSitemap(Sitemap):
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
