"""URLs of the practice bank. Names are flat and site-wide (no namespaces)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter, reverse_lazy
from django.views.generic import RedirectView

from annotations import qdpx_views
from annotations import urls as annotations_urls
from cases import views as case_views
from cases.feeds import LatestCasesFeed
from diegem import accounts, release_views, views
from diegem.benchmark import hello
from diegem.lib.caching import public_page_cache as cached
from diegem.lib.citation import FormatConverter
from diegem.lib.locking import login_attempts_in_turn
from diegem.sitemaps import SITEMAPS
from frameworks import views as framework_views

register_converter(FormatConverter, "citeformat")

# Data and what machines ask for: one address each, the same in every language.
data = [
    # Built once per content version and kept on disk, not in the page cache, which would hold
    # tens of megabytes per file in memory at 10,000 cases (cases.open_data_files).
    path(
        "data/praktijken.csv",
        case_views.export_data_file,
        {"name": "praktijken.csv"},
        name="export-cases-csv",
    ),
    path(
        "data/praktijken-lang.csv",
        case_views.export_data_file,
        {"name": "praktijken-lang.csv"},
        name="export-codings-csv",
    ),
    path(
        "data/praktijken.xlsx",
        case_views.export_data_file,
        {"name": "praktijken.xlsx"},
        name="export-cases-xlsx",
    ),
    path(
        "data/praktijken-lang.xlsx",
        case_views.export_data_file,
        {"name": "praktijken-lang.xlsx"},
        name="export-codings-xlsx",
    ),
    path(
        "data/praktijken.json",
        case_views.export_data_file,
        {"name": "praktijken.json"},
        name="export-cases-json",
    ),
    path(
        "data/betrouwbaarheid.csv",
        cached(case_views.export_reliability_csv),
        name="export-reliability-csv",
    ),
    path("data/kader.qdc", cached(case_views.export_codebook), name="export-codebook"),
    path(
        "data/kader.<str:language>.qdc",
        cached(case_views.export_codebook),
        name="export-codebook-language",
    ),
    # Built once per content version and kept on disk, not in the page cache (qdpx_views).
    path("data/praktijken.qdpx", qdpx_views.export_project, name="export-project"),
    # Not in the page cache: a release is binary, frozen, and carries its own long cache lifetime.
    path(
        "data/versies/<int:number>/diegem-praktijkenbank-v<int:file_number>.zip",
        release_views.release_download,
        name="release-download",
    ),
    path("sitemap.xml", cached(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # For load balancers: never cached, says only healthy or not (diegem.lib.health).
    path("gezond/", views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page links to (the admin links none).
    # The unhashed static name, not static(): a permanent redirect outlives a deploy,
    # a hashed name does not.
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True),
        name="favicon",
    ),
    # The workbench's QDPX project with drafts; before the admin, whose last pattern takes every path.
    path(
        "beheer/cases/case/qdpx-project/",
        admin.site.admin_view(qdpx_views.export_draft_project),
        name="export-draft-project",
    ),
    path("", include(annotations_urls.data_urlpatterns)),
]

# Pages: Dutch without a prefix, the same pages in French under /fr/ and in English under /en/
# (diegem.lib.languages).
pages = [
    path("", cached(views.home), name="home"),
    path("kader/", cached(framework_views.overview), name="framework"),
    path("kader/<slug:key>/", cached(framework_views.section_detail), name="section-detail"),
    path("bronnen/<slug:key>/", cached(case_views.source_detail), name="source-detail"),
    path(
        "spanningsvelden/<slug:key>/",
        cached(case_views.tension_field_detail),
        name="tension-field-detail",
    ),
    path("zoeken/", cached(views.search), name="search"),
    path("vergelijken/", cached(case_views.case_compare), name="case-compare"),
    path("overzicht/", cached(case_views.overview), name="overview"),
    path("praktijken/", cached(case_views.case_list), name="case-list"),
    path("kaart/", cached(case_views.case_map), name="case-map"),
    path("praktijken/feed/", cached(LatestCasesFeed()), name="case-feed"),
    path("praktijken/<slug:slug>/", cached(case_views.case_detail), name="case-detail"),
    path(
        "praktijken/<slug:slug>/citeer.<citeformat:fmt>",
        cached(case_views.case_cite),
        name="case-cite",
    ),
    path("uw-praktijk/", cached(case_views.practice_placement), name="practice"),
    path("literatuur/", cached(views.bibliography), name="bibliography"),
    path("literatuur/werk/", cached(views.bibliography_work), name="bibliography-work"),
    path("data/", cached(views.open_data), name="open-data"),
    path("methode/", cached(case_views.methods), name="methods"),
    path("data/versies/<int:number>/", cached(release_views.release_detail), name="release-detail"),
    path(
        "data/versies/<int:number>/citeer.<citeformat:fmt>",
        cached(release_views.release_cite),
        name="release-cite",
    ),
    path("", include("annotations.urls")),
    # Accounts: Django's auth views with Dutch templates (diegem.accounts).
    path(
        "account/aanmelden/",
        login_attempts_in_turn(
            auth_views.LoginView.as_view(
                authentication_form=accounts.LoginForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("account/afmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/wachtwoord-vergeten/",
        accounts.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path(
        "account/wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/wachtwoord-kiezen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "account/wachtwoord-gekozen/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "account/welkom/<uidb64>/<token>/",
        accounts.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("beheer/", admin.site.urls),
]

urlpatterns = data + i18n_patterns(*pages, prefix_default_language=False)

if settings.BENCHMARK:
    urlpatterns.insert(0, path("_bench/hello/", hello))
