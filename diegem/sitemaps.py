"""The sitemap: published cases, the framework pages, the public pages of the site and the
data releases, nothing else (no search, list filters or a result of the tool); each page in every
language, naming its versions in the others (hreflang, Dutch the x-default)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import Case
from diegem.releases import Release
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
            "case-map",
            "overview",
            "practice",
            "methods",
            "bibliography",
            "organisations",
            "open-data",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ReleaseSitemap(LanguagesSitemap):
    changefreq = "yearly"  # a release never changes
    priority = 0.5

    def items(self):
        return Release.objects.listed().only("number", "cut_at")

    def location(self, item: Release) -> str:
        return reverse("release-detail", args=[item.number])

    def lastmod(self, item: Release):
        return item.cut_at


SITEMAPS = {
    "cases": CaseSitemap,
    "framework": FrameworkSitemap,
    "pages": StaticSitemap,
    "releases": ReleaseSitemap,
}
