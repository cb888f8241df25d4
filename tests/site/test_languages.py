"""The address says the language: Dutch without a prefix, French under /fr/, English under /en/;
the browser's wishes change nothing; the switcher and the alternates lead to the same page in
the other languages; data has one address in every language."""

import re

import lxml.etree
import lxml.html
import pytest
from django.test import override_settings
from django.utils import translation

from cases import exchange
from diegem.data_releases import release_cut
from tests.factories import make_case
from tests.html import parse, texts
from tests.site.release_helpers import members

pytestmark = pytest.mark.django_db


def without_nonces(content: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', content)


def parse_lang(content: bytes) -> str:
    return lxml.html.document_fromstring(content).get("lang")


def main_menu(tree) -> list[str]:
    nav = tree.xpath("//nav[contains(@class, 'site-nav')]")[0]
    return [" ".join(link.text_content().split()) for link in nav.xpath(".//a")]


@pytest.mark.parametrize(
    ("address", "language", "menu"),
    [
        ("/", "nl", ["Praktijken", "Het kader", "Overzicht", "Uw praktijk"]),
        ("/fr/", "fr", ["Pratiques", "Le cadre", "Vue d’ensemble", "Votre pratique"]),
        ("/en/", "en", ["Practices", "The framework", "Overview", "Your practice"]),
        ("/praktijken/", "nl", ["Praktijken", "Het kader", "Overzicht", "Uw praktijk"]),
        ("/fr/praktijken/", "fr", ["Pratiques", "Le cadre", "Vue d’ensemble", "Votre pratique"]),
        ("/en/kader/", "en", ["Practices", "The framework", "Overview", "Your practice"]),
    ],
)
def test_the_address_says_the_language(client, framework, address, language, menu):
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    tree = parse(response)
    assert tree.get("lang") == language
    assert main_menu(tree) == menu


@pytest.mark.parametrize("wish", ["fr", "en-GB,en;q=0.9", "fr-BE, fr;q=0.8, en;q=0.5"])
def test_the_browsers_wish_changes_nothing(client, framework, wish):
    """A Dutch address is Dutch for every reader (a shared link, a cached page, a citation)."""
    client.cookies["django_language"] = "en"
    response = client.get("/praktijken/", HTTP_ACCEPT_LANGUAGE=wish)
    assert response["Content-Language"] == "nl"
    assert parse(response).get("lang") == "nl"
    assert "Accept-Language" not in response.get("Vary", "")
    french = client.get("/fr/praktijken/", HTTP_ACCEPT_LANGUAGE="en")
    assert parse(french).get("lang") == "fr"


def test_an_unknown_language_is_not_found(client, framework):
    assert client.get("/de/praktijken/").status_code == 404
    assert client.get("/nl/praktijken/").status_code == 404  # Dutch has no prefix


@pytest.mark.parametrize(
    ("address", "status", "location"),
    [
        ("/fr", 301, "/fr/"),
        ("/en", 301, "/en/"),
        ("/fr/praktijken", 301, "/fr/praktijken/"),
        ("/de", 404, None),
        ("/nl", 404, None),
    ],
)
def test_a_language_typed_without_its_slash_leads_to_its_home(
    client, framework, address, status, location
):
    response = client.get(address)
    assert (response.status_code, response.get("Location")) == (status, location)


def test_the_switcher_leads_to_the_same_page_with_its_query(client, framework):
    tree = parse(client.get("/fr/praktijken/?domein=wonen&q=buurt"))
    switcher = tree.xpath("//nav[contains(@class, 'languages')]")[0]
    assert switcher.get("aria-label") == "Langue"
    links = [
        (link.get("href"), link.get("hreflang"), link.get("lang"), link.get("aria-current"))
        for link in switcher.xpath(".//a")
    ]
    assert links == [
        ("/praktijken/?domein=wonen&q=buurt", "nl", "nl", None),
        ("/fr/praktijken/?domein=wonen&q=buurt", "fr", "fr", "true"),
        ("/en/praktijken/?domein=wonen&q=buurt", "en", "en", None),
    ]
    assert [link.text_content() for link in switcher.xpath(".//a")] == [
        "Nederlands",
        "Français",
        "English",
    ]


def test_the_switcher_on_the_login_page_leads_on_to_the_page_in_that_language(client, framework):
    tree = parse(client.get("/fr/account/aanmelden/?next=/fr/praktijken/%3Fdomein%3Dwonen"))
    switcher = tree.xpath("//nav[contains(@class, 'languages')]")[0]
    assert [link.get("href") for link in switcher.xpath(".//a")] == [
        "/account/aanmelden/?next=/praktijken/%3Fdomein%3Dwonen",
        "/fr/account/aanmelden/?next=/fr/praktijken/%3Fdomein%3Dwonen",
        "/en/account/aanmelden/?next=/en/praktijken/%3Fdomein%3Dwonen",
    ]
    # Signed in from the English version, the member lands on the English page.
    english = parse(client.get("/en/account/aanmelden/?next=/en/praktijken/"))
    assert english.xpath("//input[@name='next']/@value") == ["/en/praktijken/"]
    # Only a page of this site with a version in that language is followed into it.
    for onward in [
        "//elders.example/fr/",
        "/fr/%5Celders.example/",  # not a page: left alone
        "/data/praktijken.csv",  # one address in every language
    ]:
        page = parse(client.get(f"/fr/account/aanmelden/?next={onward}"))
        hrefs = page.xpath("//nav[contains(@class, 'languages')]//a/@href")
        assert hrefs[2] == f"/en/account/aanmelden/?next={onward}"


def test_a_backslash_after_the_prefix_never_makes_a_link_to_another_site(client, framework):
    page = parse(client.get("/fr/%5Celders.example/"))
    hrefs = page.xpath("//nav[contains(@class, 'languages')]//a/@href")
    assert hrefs == ["/elders.example/", "/fr/elders.example/", "/en/elders.example/"]


def test_every_page_names_its_versions_in_the_other_languages(client, framework):
    case = make_case(title="Een buurtmoestuin", slug="een-buurtmoestuin")
    tree = parse(client.get(f"/en{case.get_absolute_url()}"))
    alternates = [
        (link.get("hreflang"), link.get("href"))
        for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")
    ]
    assert alternates == [
        ("nl", "http://testserver/praktijken/een-buurtmoestuin/"),
        ("x-default", "http://testserver/praktijken/een-buurtmoestuin/"),
        ("fr", "http://testserver/fr/praktijken/een-buurtmoestuin/"),
        ("en", "http://testserver/en/praktijken/een-buurtmoestuin/"),
    ]


def test_links_on_a_page_stay_in_its_language(client, framework):
    case = make_case(title="Een buurtmoestuin", slug="een-buurtmoestuin")
    tree = parse(client.get("/fr/praktijken/"))
    hrefs = tree.xpath("//main//a/@href")
    assert "/fr/praktijken/een-buurtmoestuin/" in hrefs
    assert case.get_absolute_url() not in hrefs
    assert tree.xpath("//a[contains(@class, 'brand')]/@href") == ["/fr/"]


@pytest.mark.parametrize(
    "address",
    ["/api/kanttekeningen/", "/data/praktijken.csv", "/data/kader.qdc", "/sitemap.xml"],
)
def test_data_has_one_address_in_every_language(client, framework, address):
    make_case()
    assert client.get(address).status_code == 200
    assert client.get(f"/fr{address}").status_code == 404
    assert client.get(f"/en{address}").status_code == 404


def test_data_names_pages_by_their_dutch_address_whatever_the_browser_wishes(client, framework):
    """The identifiers in the open data never change with a reader's language."""
    case = make_case(slug="een-buurtmoestuin")
    data = client.get(
        f"/api/praktijken/{case.slug}/kanttekeningen/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert data["id"] == "http://testserver/api/praktijken/een-buurtmoestuin/kanttekeningen/"


@override_settings(PAGE_CACHE_SECONDS=600)
def test_the_page_cache_keeps_each_language_apart(client, framework):
    dutch = client.get("/kader/").content
    french = client.get("/fr/kader/").content
    english = client.get("/en/kader/").content
    assert parse_lang(dutch) == "nl" and parse_lang(french) == "fr" and parse_lang(english) == "en"
    # Served again from the cache, each in its own language (a fresh nonce each time).
    assert without_nonces(client.get("/fr/kader/").content) == without_nonces(french)
    assert without_nonces(client.get("/kader/").content) == without_nonces(dutch)


def test_a_form_answers_in_the_language_of_its_page(client, framework):
    response = client.post(
        "/fr/account/aanmelden/", {"username": "niemand", "password": "verkeerd"}
    )
    assert response.status_code == 200
    tree = parse(response)
    summary = texts(tree, "//main//*[contains(@class, 'form-errors')]/p")
    assert summary == ["La connexion a échoué. Vérifiez ceci :"]
    assert texts(tree, "//main//*[contains(@class, 'form-errors')]//li") == [
        "Saisissez un nom d’utilisateur et un mot de passe valides. Remarquez que chacun de ces "
        "champs est sensible à la casse (différenciation des majuscules/minuscules)."
    ]
    assert tree.xpath("//main//input[@name='username']/@value") == ["niemand"]


def test_the_sitemap_names_every_page_in_every_language(client, framework):
    make_case(slug="een-buurtmoestuin")
    xml = client.get("/sitemap.xml").content.decode()
    tree = lxml.etree.fromstring(xml.encode())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = tree.xpath("//s:loc/text()", namespaces=ns)
    assert [loc for loc in locations if "een-buurtmoestuin" in loc] == [
        "http://testserver/praktijken/een-buurtmoestuin/",
        "http://testserver/fr/praktijken/een-buurtmoestuin/",
        "http://testserver/en/praktijken/een-buurtmoestuin/",
    ]
    (french,) = tree.xpath(
        "//s:url[s:loc='http://testserver/fr/praktijken/een-buurtmoestuin/']", namespaces=ns
    )
    assert [
        (link.get("hreflang"), link.get("href")) for link in french.xpath("x:link", namespaces=ns)
    ] == [
        ("nl", "http://testserver/praktijken/een-buurtmoestuin/"),
        ("fr", "http://testserver/fr/praktijken/een-buurtmoestuin/"),
        ("en", "http://testserver/en/praktijken/een-buurtmoestuin/"),
        ("x-default", "http://testserver/praktijken/een-buurtmoestuin/"),
    ]


@pytest.mark.parametrize(
    ("language", "placeholder"), [("fr", "&lt;clé&gt;"), ("en", "&lt;key&gt;")]
)
def test_the_open_data_page_writes_its_placeholders_in_its_language(
    client, framework, language, placeholder
):
    body = client.get(f"/{language}/data/").content.decode()
    assert placeholder in body
    assert [word for word in ("sleutel", "nummer van de praktijk") if word in body] == []


def test_the_sitemap_names_the_sites_own_pages_and_every_release(client, framework):
    make_case()
    release_cut(title="Eerste")
    tree = lxml.etree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    dutch = {
        loc.removeprefix("http://testserver")
        for loc in tree.xpath("//s:loc/text()", namespaces=ns)
        if not loc.startswith(("http://testserver/fr/", "http://testserver/en/"))
    }
    pages = [
        "/",
        "/kader/",
        "/praktijken/",
        "/kaart/",
        "/overzicht/",
        "/uw-praktijk/",
        "/methode/",
        "/literatuur/",
        "/organisaties/",
        "/data/",
        "/data/versies/1/",
    ]
    assert [page for page in pages if page not in dutch] == []
    assert "http://testserver/en/data/versies/1/" in tree.xpath("//s:loc/text()", namespaces=ns)


@pytest.mark.parametrize(
    ("address", "status", "language", "dutch_link"),
    [
        # A path that would begin with two slashes never becomes a link to another site.
        ("/fr//elsewhere.example/x/", 404, "fr", "/elsewhere.example/x/"),
        # Only the exact codes are languages: /fr-be/ is a Dutch address (not found).
        ("/fr-be/praktijken/", 404, "nl", "/fr-be/praktijken/"),
        ("/en-gb/kader/", 404, "nl", "/en-gb/kader/"),
    ],
)
def test_odd_addresses_get_safe_switcher_links(
    client, framework, address, status, language, dutch_link
):
    response = client.get(address)
    assert response.status_code == status
    assert response["Content-Language"] == language
    switcher = parse(response).xpath("//nav[contains(@class, 'languages')]//a/@href")
    assert switcher[0] == dutch_link


def test_a_release_is_the_same_whatever_the_workbench_language(framework):
    """Frozen, citable data never depends on the interface a researcher cut it from."""
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    with translation.override("fr"):
        release = release_cut(title="Eerste versie")
    files = members(bytes(release.archive))
    text = b"".join(files[name] for name in ("CITATION.cff", "README.md", "praktijken.json"))
    assert b"/fr/" not in text
    assert b"/praktijken/de-tafel/" in files["praktijken.json"]
    assert b"/data/versies/1/" in files["CITATION.cff"]


def test_an_import_reads_the_datas_dutch_words_from_any_workbench(framework):
    """The words a file may use (besides the codes) are the data's, whatever the interface."""
    with translation.override("fr"):
        assert exchange.strengths().parse("sterk") == 3
        assert exchange.kinds().parse("pilootcase") == "pilot"


@pytest.mark.parametrize("page", ["", "/fr", "/en"])
def test_a_case_is_cited_by_its_dutch_address_on_every_page(client, framework, page):
    case = make_case(slug="een-buurtmoestuin")
    tree = parse(client.get(page + case.get_absolute_url()))
    cited = " ".join(tree.xpath("string(//*[contains(@class, 'cite')])").split())
    assert "http://testserver/praktijken/een-buurtmoestuin/" in cited
    assert "/fr/praktijken/" not in cited and "/en/praktijken/" not in cited
    bibtex = client.get(f"{page}/praktijken/een-buurtmoestuin/citeer.bib").content.decode()
    assert "url = {http://testserver/praktijken/een-buurtmoestuin/}" in bibtex


def test_robots_keep_out_of_the_workbench_in_every_language(client, framework):
    assert client.get("/robots.txt").content.decode() == (
        "User-agent: *\n"
        "Disallow: /beheer/\n"
        "Disallow: /fr/beheer/\n"
        "Disallow: /en/beheer/\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )
