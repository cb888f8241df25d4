"""A page is read (GET, HEAD); a form is sent (POST). Any other method gets a 405 that says so in
the reader's language, and the `Allow` header names what the address takes."""

import pytest
from django.test import Client
from django.urls import reverse

from diegem.data_releases import release_cut
from tests.factories import make_annotation, make_case, make_member
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

# Pages the page cache keeps (`public_page_cache`), and the open data it keeps: read only.
READ_ONLY = [
    "/praktijken/",
    "/praktijken/buurtkeuken/",
    "/kader/",
    "/bronnen/ontmoeting/",
    "/spanningsvelden/consensus-conflict/",
    "/overzicht/",
    "/kaart/",
    "/vergelijken/",
    "/methode/",
    "/organisaties/",
    "/uw-praktijk/",
    "/praktijken/feed/",
    "/data/praktijken.csv",
    "/data/praktijken-lang.csv",
    "/data/praktijken.xlsx",
    "/data/praktijken-lang.xlsx",
    "/data/praktijken.json",
    "/data/versies/1/diegem-praktijkenbank-v1.zip",
    "/sitemap.xml",
    "/",
    "/zoeken/",
]


@pytest.mark.parametrize("url", READ_ONLY)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_page_is_only_read(client, framework, url, method):
    make_case(slug="buurtkeuken")
    if "/versies/" in url:
        release_cut(title="Eerste")
    assert client.get(url).status_code == 200, url
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    page = parse(response)
    assert texts(page, "//h1") == ["Dit kan op dit adres niet"]
    assert texts(page, "//main//p")[0] == (
        "Deze pagina kan alleen bekeken worden. Er is niets bewaard."
    )
    assert page.xpath("//main//a/@href")[0] == url


def test_a_made_up_method_is_refused_too(client, framework):
    response = client.generic("FOO", reverse("case-list"))
    assert response.status_code == 405
    assert texts(parse(response), "//h1") == ["Dit kan op dit adres niet"]


# Addresses that only take a form.
FORM_ONLY = ["/volgen/", "/account/afmelden/", "/uw-praktijk/bewaren/"]


@pytest.mark.parametrize("url", FORM_ONLY)
def test_an_address_that_takes_a_form_says_so_when_opened(framework, url):
    client = Client()
    client.force_login(make_member())
    response = client.get(url)
    assert response.status_code == 405
    assert response["Allow"].split(", ")[0] == "POST"  # logging out also answers OPTIONS
    assert texts(parse(response), "//main//p")[0] == (
        "Dit adres neemt alleen formulieren aan die vanaf de pagina zelf verstuurd worden. "
        "Ga terug naar de pagina met het formulier."
    )


def test_the_405_page_speaks_the_language_of_the_address(client, framework):
    make_case(slug="buurtkeuken")
    for prefix, title in (
        ("/fr", "Ce n’est pas possible à cette adresse"),
        ("/en", "That is not possible at this address"),
    ):
        response = client.delete(f"{prefix}/praktijken/buurtkeuken/")
        assert response.status_code == 405
        page = parse(response)
        assert page.get("lang") == prefix[1:]
        assert texts(page, "//h1") == [title]


def test_a_page_with_its_own_form_says_it_takes_both(framework):
    author = make_member()
    note = make_annotation(target=make_case(), author=author)
    client = Client()
    client.force_login(author)
    response = client.put(reverse("annotation-withdraw", args=[note.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert texts(parse(response), "//main//p")[0] == (
        "Op dit adres kan een pagina bekeken en haar formulier verstuurd worden, niets anders. "
        "Er is niets bewaard."
    )


@pytest.mark.parametrize(
    "accept", ["application/ld+json", "application/json, text/plain, */*", "application/json"]
)
def test_a_client_that_prefers_data_gets_the_405_as_it_was(client, framework, accept):
    response = client.delete(reverse("case-list"), headers={"Accept": accept})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.content == b""
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_a_browser_or_a_client_without_preference_gets_the_page(client, framework, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.delete(reverse("case-list"), headers=headers)
    assert texts(parse(response), "//h1") == ["Dit kan op dit adres niet"]
    assert "Accept" in response["Vary"]


def test_without_a_csrf_token_the_csrf_check_refuses_first(framework):
    """What a browser or curl gets for a DELETE without the site's token: the CSRF page (403),
    before any view is asked; the 405 above is for a request that carries a valid token."""
    response = Client(enforce_csrf_checks=True).delete(reverse("case-list"))
    assert response.status_code == 403
