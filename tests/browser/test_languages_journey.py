"""In French and English: a member switches language, reads a case in French and annotates the
French text; the note stays on the French text. The pages of the other languages are
accessible and fit a phone."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from annotations.models import Annotation
from tests.browser.conftest import PASSWORD, VIEWPORTS, axe_clean, horizontal_overflow
from tests.factories import make_case, make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_french_speaking_member_switches_reads_and_annotates(
    live_server, viewport_page: Page, csp_violations, screenshot_dir
):
    page = viewport_page
    case = make_case(
        title="Samen koken in de buurt",
        slug="samen-koken",
        practice="Buren koken elke vrijdag samen in het buurthuis.\n\nDaarna eten ze samen.",
        title_fr="Cuisiner ensemble dans le quartier",
        summary_fr="Des voisins cuisinent ensemble.",
        practice_fr=(
            "Des voisins cuisinent ensemble chaque vendredi à la maison de quartier.\n\n"
            "Ensuite ils mangent ensemble."
        ),
        translated_by_fr="Marie Dupont",
    )
    make_member(make_organisation("Chiro Brussel"), username="camille", password=PASSWORD)

    # From a Dutch page to the same page in French.
    page.goto(f"{live_server.url}/praktijken/")
    page.get_by_role("navigation", name="Taal").get_by_role("link", name="Français").click()
    expect(page).to_have_url(f"{live_server.url}/fr/praktijken/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("navigation", name="Menu principal")).to_contain_text("Pratiques")
    assert horizontal_overflow(page) == 0

    # Signing in keeps French, and leads back to the page.
    page.get_by_role("link", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    page.get_by_label("Nom d’utilisateur").fill("camille")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/fr/praktijken/")

    # The case in French: its French text, who translated it; the text is not marked Dutch.
    page.get_by_role("link", name="Cuisiner ensemble dans le quartier").first.click()
    expect(page).to_have_url(f"{live_server.url}/fr/praktijken/samen-koken/")
    expect(page.locator("h1")).to_have_text("Cuisiner ensemble dans le quartier")
    assert page.locator("h1").get_attribute("lang") is None
    expect(page.locator("p.translator")).to_contain_text("Marie Dupont")
    paragraph = page.locator("#praktijk p.annotated__text").first
    expect(paragraph).to_contain_text("Des voisins cuisinent ensemble")
    assert paragraph.get_attribute("lang") is None
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    # Annotating a passage, in French.
    passage = paragraph.inner_text()
    paragraph.select_text()
    page.get_by_role("link", name="Rédiger une annotation sur ce passage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rédiger une annotation")
    expect(page.get_by_label("Langue de votre annotation")).to_have_value("fr")
    page.get_by_label("acteur de terrain").check()
    page.get_by_label("exemple").check()
    page.get_by_label("Annotation", exact=True).fill("Chez nous aussi, on cuisine ensemble.")
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.get_by_role("button", name="Soumettre à la modération").click()
    expect(page.locator(".message--success")).to_contain_text("modérat")
    note = page.locator("article.note--pending")
    expect(note).to_contain_text("en attente de modération")
    assert note.locator(".note__body").get_attribute("lang") is None  # French, as the page
    page.screenshot(
        path=str(screenshot_dir / f"french-member-{page.viewport_name}.png"), full_page=True
    )

    annotation = Annotation.objects.get()
    assert (annotation.original_language, annotation.text_language) == ("fr", "fr")
    assert case.practice_fr[annotation.position_start : annotation.position_end] == passage

    # The Dutch page shows the Dutch original, and no note on the French text in its margin.
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="Nederlands").click()
    expect(page).to_have_url(
        f"{live_server.url}/praktijken/samen-koken/#kanttekening-{annotation.pk}"
    )
    expect(page.locator("#praktijk p.annotated__text").first).to_contain_text("Buren koken")
    expect(page.locator(f"#kanttekening-{annotation.pk}")).to_have_count(0)
    assert horizontal_overflow(page) == 0
    # Back in French, the note stands beside its passage.
    page.get_by_role("navigation", name="Taal").get_by_role("link", name="Français").click()
    expect(page.locator(f"#kanttekening-{annotation.pk} .note__body")).to_contain_text(
        "Chez nous aussi"
    )
    assert csp_violations == []


PAGES = [
    "/",
    "/kader/",
    "/kader/ontmoeting/",
    "/bronnen/ontmoeting/",
    "/spanningsvelden/consensus-conflict/",
    "/praktijken/?domein=wonen",
    "/kaart/",
    "/praktijken/torekes/",
    "/zoeken/?q=ontmoeting",
    "/vergelijken/?praktijk=torekes&praktijk=mater-dei&praktijk=chiro-brussel",
    "/overzicht/",
    "/uw-praktijk/?bron-ontmoeting=1&gewenst-bron-ontmoeting=3",
    "/methode/",
    "/data/",
    "/literatuur/",
    "/literatuur/werk/?stem=denker&werk=Durkheim+%281984%29",
    "/organisaties/",
    "/account/aanmelden/",
    "/praktijken/bestaat-niet/",
]


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", verbosity=0)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_pages_in_french_and_english_are_accessible_and_fit(
    live_server, browser: Browser, seeded, language, screen
):
    context = browser.new_context(viewport=VIEWPORTS[screen], is_mobile=screen == "phone")
    page = context.new_page()
    for path in PAGES:
        page.goto(f"{live_server.url}/{language}{path}")
        assert page.locator("html").get_attribute("lang") == language, path
        assert horizontal_overflow(page) == 0, path
        axe_clean(page)
    context.close()


def test_switching_language_keeps_what_the_reader_chose_since_the_page_loaded(
    live_server, viewport_page: Page, seeded
):
    """The tool changes the address as the reader answers (no reload): the switcher takes
    the address as it is at the click."""
    page = viewport_page
    page.goto(f"{live_server.url}/fr/uw-praktijk/")
    page.locator("select[name='bron-ontmoeting']").select_option("1")
    page.locator("select[name='gewenst-bron-ontmoeting']").select_option("3")
    expect(page).to_have_url(re.compile(r"gewenst-bron-ontmoeting=3"))
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/uw-praktijk/\?.*gewenst-bron-ontmoeting=3"))
    expect(page.locator("select[name='bron-ontmoeting']")).to_have_value("1")
    expect(page.locator("select[name='gewenst-bron-ontmoeting']")).to_have_value("3")
