"""URLs of the practice bank. Names are flat and site-wide (no namespaces)."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from cases import views as case_views
from cases.feeds import LatestCasesFeed
from diegem import views
from diegem.sitemaps import SITEMAPS
from frameworks import views as framework_views

urlpatterns = [
    path("", views.home, name="home"),
    path("kader/", framework_views.overview, name="framework"),
    path("kader/<slug:key>/", framework_views.section_detail, name="section-detail"),
    path("bronnen/<slug:key>/", case_views.source_detail, name="source-detail"),
    path("spanningsvelden/<slug:key>/", case_views.tension_field_detail, name="tension-field-detail"),
    path("zoeken/", views.search, name="search"),
    path("vergelijken/", case_views.case_compare, name="case-compare"),
    path("overzicht/", case_views.overview, name="overview"),
    path("praktijken/", case_views.case_list, name="case-list"),
    path("praktijken/feed/", LatestCasesFeed(), name="case-feed"),
    path("praktijken/<slug:slug>/", case_views.case_detail, name="case-detail"),
    path("literatuur/", views.bibliography, name="bibliography"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", include("annotations.urls")),
    path("beheer/", admin.site.urls),
]
