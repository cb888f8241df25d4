"""Every public page: Dutch, titled, one h1, a strict Content-Security-Policy."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cases.models import Case
from frameworks.models import Section, Source, TensionField
from tests.factories import make_case
from tests.html import parse

pytestmark = pytest.mark.django_db


def public_urls() -> list[str]:
    urls = [
        reverse("home"),
        reverse("framework"),
        reverse("case-list"),
        reverse("case-list") + "?domein=wonen",
        reverse("bibliography"),
        reverse("organisations"),
    ]
    urls += [section.get_absolute_url() for section in Section.objects.all()]
    urls += [source.get_absolute_url() for source in Source.objects.all()]
    urls += [field.get_absolute_url() for field in TensionField.objects.all()]
    urls += [case.get_absolute_url() for case in Case.objects.published()]
    return urls


def test_every_public_page_is_dutch_titled_and_has_one_h1(client, framework):
    make_case(title="Een buurtmoestuin", keywords=("moestuin",))
    urls = public_urls()
    assert len(urls) > 30
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        tree = parse(response)
        assert tree.get("lang") == "nl", url
        assert tree.findtext(".//title").strip(), url
        assert len(tree.xpath("//h1")) == 1, url
        assert tree.xpath("//main"), url


def test_every_public_page_has_a_csp_without_unsafe_inline(client, framework):
    make_case()
    for url in public_urls() + [reverse("robots"), reverse("sitemap"), reverse("case-feed")]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy, url
        assert "script-src 'self'" in policy, (
            url
        )  # plus this request's nonce where a page has a script
        assert "default-src 'self'" in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_no_inline_script_or_style_on_public_pages(client, framework):
    make_case()
    for url in public_urls():
        tree = parse(client.get(url))
        assert not tree.xpath("//*[@style]"), url
        assert not tree.xpath("//style"), url
        for script in tree.xpath("//script"):
            # Data islands are inert; executable scripts are files with the nonce.
            assert script.get("type") == "application/json" or (
                script.get("src") and script.get("nonce")
            ), url
        assert not [attr for attr in tree.xpath("//@*") if attr.attrname.startswith("on")], url


def test_unknown_pages_are_a_dutch_404(client, framework):
    for url in [
        "/praktijken/bestaat-niet/",
        "/bronnen/geluk/",
        "/spanningsvelden/links-rechts/",
        "/kader/hoofdstuk-9/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "bestaat niet" in response.content.decode(), url


def test_favicon_ico_redirects_for_good_to_the_site_icon(client):
    # Browsers ask for /favicon.ico on every page that links no icon (the admin's).
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    assert client.head("/favicon.ico").status_code == 301
