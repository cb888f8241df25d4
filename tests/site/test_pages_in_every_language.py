"""Every public page in French and English: its language said, no interface string left in
Dutch (checked against the catalogues), the same Content-Security-Policy as in Dutch. Text in
another language than the page's (content not translated yet) says so with `lang`."""

import re
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.catalogues import read_po
from tests.factories import make_case
from tests.html import parse
from tests.site.test_pages import public_urls

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "diegem" / "locale"
# Where a message is cut into the pieces a page shows whole: placeholders, tags, line ends.
BREAKS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]*>|\n|\s[·—–]\s")
ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "content")


@cache
def dutch_left_over(language: str) -> tuple[frozenset, frozenset]:
    """The Dutch a page in `language` must not show: of every message whose translation differs,
    the pieces of two words or more (found anywhere in the page's text), and the one-word
    messages (found as a whole text or attribute). A piece any translation keeps (a name, the
    title of a book or of the dataset) is not one."""
    catalogue = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    kept = "\n".join(catalogue.values())
    pieces, words = set(), set()
    for key, translation in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.rpartition("\x04")[2]  # without a context
        if msgid == translation:
            continue
        for piece in BREAKS.split(msgid):
            piece = " ".join(piece.split()).strip(" .,:;!?()“”‘’\"'")
            if len(piece) < (3 if " " not in piece else 12) or piece in kept:
                continue
            (pieces if " " in piece else words).add(piece)
    return frozenset(pieces), frozenset(words)


def shown_text(tree, language: str) -> tuple[str, list[str]]:
    """The page's text in its own language (not inside an element whose `lang` says otherwise,
    not a script, not `<code>`: the data's own names, as a file has them), as one string and as
    its separate texts and attribute values. Not the `<title>`, where a text in another
    language (a case's title) cannot say so."""
    others = f"//body//*[@lang and @lang != '{language}'] | //script | //style | //code"
    for element in tree.xpath(others):
        element.drop_tree()
    separate = [" ".join(text.split()) for text in tree.xpath("//body//text()")]
    for attribute in ATTRIBUTES:
        separate += [" ".join(value.split()) for value in tree.xpath(f"//body//@{attribute}")]
    separate = [text for text in separate if text]
    return " ".join(separate), separate


def left_over_dutch(tree, language: str) -> list[str]:
    pieces, words = dutch_left_over(language)
    whole, separate = shown_text(tree, language)
    found = [piece for piece in pieces if re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", whole)]
    found += [text for text in separate if text.strip(" .,:;·") in words]
    return sorted(set(found))


def every_public_page() -> list[str]:
    """Every kind of public page: those test_pages checks, and the tools, lists and forms."""
    case = make_case(title="Een buurtmoestuin", slug="een-buurtmoestuin", keywords=("moestuin",))
    other = make_case(title="Een buurtkeuken", slug="een-buurtkeuken")
    return public_urls() + [
        "/zoeken/?q=buurt",
        "/zoeken/?q=buurtmoestuinn",
        f"/vergelijken/?praktijk={case.slug}&praktijk={other.slug}",
        "/overzicht/",
        "/kaart/",
        "/uw-praktijk/",
        "/uw-praktijk/?bron-ontmoeting=1&gewenst-bron-ontmoeting=3&consensus-conflict=beide",
        "/uw-praktijk/?bron-ontmoeting=9",
        "/methode/",
        "/data/",
        "/account/aanmelden/",
        "/account/wachtwoord-vergeten/",
        "/werkvorm/",
        "/praktijken/bestaat-niet/",
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_public_page_speaks_the_language_of_its_address(client, framework, language):
    urls = every_public_page()
    assert len(urls) > 30
    for url in urls:
        response = client.get(f"/{language}{url}")
        assert response.status_code == (404 if "bestaat-niet" in url else 200), url
        assert response["Content-Language"] == language
        tree = parse(response)
        assert tree.get("lang") == language, url
        assert left_over_dutch(tree, language) == [], url


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_content_security_policy_is_the_same_in_every_language(client, framework, language):
    make_case()

    def policy(url: str) -> str:
        return re.sub(r"'nonce-[^']+'", "'nonce'", client.get(url)["Content-Security-Policy"])

    for url in public_urls():
        assert policy(f"/{language}{url}") == policy(url), url


def test_the_check_finds_dutch_left_in_a_french_page(client, framework):
    """The check above can fail: a Dutch interface string in a French page is found, and a
    Dutch passage marked as such is not."""
    tree = parse(client.get("/fr/"))
    main = tree.xpath("//main")[0]
    main.append(lxml.html.fragment_fromstring("<p>Kanttekening schrijven</p>"))
    main.append(lxml.html.fragment_fromstring('<p lang="nl">Alle praktijken</p>'))
    main.append(
        lxml.html.fragment_fromstring('<button aria-label="Zoek in de praktijkenbank">?</button>')
    )
    assert left_over_dutch(tree, "fr") == ["Kanttekening schrijven", "Zoek in de praktijkenbank"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_passages_note_in_dutch_says_so_on_a_page_in_another_language(client, language):
    """The researchers' notes beside a coding's passages (the seed's "kantnoot bij 1.1 …") are
    written in the case's language and not translated: a page in another language marks them."""
    call_command("seed", verbosity=0)
    tree = parse(client.get(f"/{language}/praktijken/torekes/"))
    notes = tree.xpath("//ul[contains(@class,'evidence')]/li/span[@class='muted']/span")
    assert notes and any("kantnoot" in note.text_content() for note in notes)
    assert {note.get("lang") for note in notes} == {"nl"}


@pytest.mark.parametrize(("language", "marked"), [("", []), ("fr", ["nl"]), ("en", ["nl"])])
def test_a_cases_initiative_and_keywords_say_they_are_dutch(client, framework, language, marked):
    """Keywords and an initiative's name are Dutch words whatever the page's language: on a
    French or English page screen readers read them as Dutch (WCAG 3.1.2)."""
    prefix = f"/{language}" if language else ""
    make_case(
        title="Een buurtmoestuin",
        slug="een-buurtmoestuin",
        keywords=("volkstuintjes",),
        initiative="Samenlevingsopbouw Rabot",
    )
    make_case(title="Een buurtkeuken", slug="een-buurtkeuken", initiative="Buurtwerk")
    case = parse(client.get(f"{prefix}/praktijken/een-buurtmoestuin/"))
    assert case.xpath("//a[text()='volkstuintjes']/@lang") == marked
    assert case.xpath("//dd[contains(., 'Samenlevingsopbouw Rabot')]/@lang") == marked
    compare = parse(
        client.get(f"{prefix}/vergelijken/?praktijk=een-buurtmoestuin&praktijk=een-buurtkeuken")
    )
    assert compare.xpath("//td[text()='Samenlevingsopbouw Rabot']/@lang") == marked
    assert compare.xpath("//dd//span[text()='Samenlevingsopbouw Rabot']/@lang") == marked
    listing = parse(client.get(f"{prefix}/praktijken/?trefwoord=volkstuintjes"))
    # The chip's label, and again in its link's words ("Filtre … retirer").
    chip = listing.xpath("//li[@class='chip']//span[text()='volkstuintjes']/@lang")
    assert chip == marked * 2
    assert listing.xpath("//option[@value='volkstuintjes']/@lang") == marked
