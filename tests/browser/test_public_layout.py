"""Every public page fits a phone and a laptop: no sideways scrolling, no filter box over the
results, charts read in the right order, the logged-in header on one row."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import Page, expect

from annotations import workshop_sessions as sessions
from annotations.models import Status
from annotations.roles import REVIEWERS_GROUP
from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from frameworks.models import Section, Source, TensionField
from tests.browser.conftest import collect_console_errors, horizontal_overflow, log_in
from tests.factories import (
    make_annotation,
    make_case,
    make_member,
    make_organisation,
    make_reply,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-wachtwoord-7"
FOUR = "/vergelijken/?praktijk=torekes&praktijk=mater-dei&praktijk=chiro-brussel&praktijk=spring-global-mail"

# The box of an element and everything drawn inside it (a child may spill out of its parent).
DRAWN_BOX = """(selector) => {
  const root = document.querySelector(selector);
  // An SVG clips what it draws to its own box: its shapes' boxes (a map's neighbours) do not count.
  const drawn = [root, ...root.querySelectorAll('*')].filter(e => !(e.parentElement && e.parentElement.closest('svg')));
  const rects = drawn.map(e => e.getBoundingClientRect()).filter(r => r.width && r.height);
  return {left: Math.min(...rects.map(r => r.left)), right: Math.max(...rects.map(r => r.right)),
          top: Math.min(...rects.map(r => r.top)), bottom: Math.max(...rects.map(r => r.bottom))};
}"""


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", verbosity=0)


def public_pages() -> list[str]:
    pages = ["/", "/kader/"]
    pages += [section.get_absolute_url() for section in Section.objects.all()]
    pages += [source.get_absolute_url() for source in Source.objects.all()]
    pages += [field.get_absolute_url() for field in TensionField.objects.all()]
    pages += [
        "/praktijken/",
        "/praktijken/?q=buurt&domein=wonen&bron-ontmoeting=2&consensus-conflict-van=-1&consensus-conflict-tot=1&sortering=nieuw",
        "/praktijken/?soort=pilot&bron-strijd=1&economisch-cultureel-van=1&afstand-nabijheid-tot=2",
        # An error: the end of a range before its start.
        "/praktijken/?domein=ruimtevaart&onderhandelbaar-niet-onderhandelbaar-van=2&onderhandelbaar-niet-onderhandelbaar-tot=-2",
        # Chips of values nobody chose from the list, one word of 199 letters each.
        f"/praktijken/?plaats={'a' * 199}&trefwoord={'b' * 199}",
        "/praktijken/?bron-strijd=2&consensus-conflict-van=-2&consensus-conflict-beide=ja",
        "/kaart/",
        "/kaart/?domein=wonen&afstand-nabijheid-beide=ja",
    ]
    pages += [case.get_absolute_url() for case in Case.objects.published().order_by("title")]
    pages += [
        "/zoeken/?q=buurt",
        "/zoeken/?q=solidair",
        "/vergelijken/?praktijk=torekes&praktijk=mater-dei",
        FOUR,
        "/overzicht/",
        # Restricted to "alleen met tekstbewijs": the same pages, other counts and notes.
        "/?grond=tekstbewijs",
        "/praktijken/?grond=tekstbewijs&bron-ontmoeting=2&afstand-nabijheid-van=1",
        "/bronnen/ontmoeting/?grond=tekstbewijs",
        "/spanningsvelden/consensus-conflict/?grond=tekstbewijs",
        f"{FOUR}&grond=tekstbewijs",
        "/overzicht/?grond=tekstbewijs",
        "/literatuur/",
        "/literatuur/werk/?stem=denker&werk=Durkheim+%281984%29",
        "/data/",
        "/organisaties/",
        "/account/aanmelden/",
        "/account/wachtwoord-vergeten/",
        "/uw-praktijk/",
        "/uw-praktijk/?bron-ontmoeting=1&gewenst-bron-ontmoeting=3&consensus-conflict=-2"
        "&gewenst-consensus-conflict=1&onderhandelbaar-niet-onderhandelbaar=beide",
    ]
    return pages


def overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def test_every_public_page_fits_the_screen(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    pages = public_pages()
    assert (
        len([p for p in pages if p.startswith("/praktijken/") and "?" not in p]) == 1 + 4
    )  # the list and each pilot
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at {page.viewport_name}"
        if path.startswith(("/praktijken/", "/kaart/")) and page.locator("form#filters").count():
            filters, results = (
                page.evaluate(DRAWN_BOX, "form#filters"),
                page.evaluate(DRAWN_BOX, "section.results"),
            )
            assert not overlap(filters, results), (
                f"{path}: filters {filters} over results {results}"
            )
            if page.viewport_name == "desktop":
                assert results["right"] <= filters["left"], path  # side by side
            # (On a phone the filters are a closed panel: tests/browser/test_filter_panel_journey.py.)
    assert errors == []

    # A page that does not exist: the 404 itself is the only error the console reports.
    response = page.goto(live_server.url + "/praktijken/bestaat-niet/")
    assert response.status == 404
    assert horizontal_overflow(page) == 0
    assert [e for e in errors if "404" not in e] == []

    page.goto(live_server.url + "/praktijken/?consensus-conflict-van=1&bron-strijd=1")
    page.screenshot(
        path=str(screenshot_dir / f"case-list-{page.viewport_name}.png"), full_page=True
    )


def test_the_tension_field_chart_reads_from_pole_a_to_pole_b(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    page.goto(live_server.url + "/spanningsvelden/consensus-conflict/")
    chart = page.locator("figure.spectrum-chart")
    labels = chart.locator(".spectrum-chart__label")
    expect(labels).to_have_text(
        [
            "sterk consensus (0)",
            "eerder consensus (1)",
            "in het midden (0)",
            "eerder conflict (1)",
            "sterk conflict (0)",
            "houdt beide polen vast (0)",
        ]
    )
    boxes = [labels.nth(i).bounding_box() for i in range(6)]
    pole_a = chart.locator(".spectrum-chart__pole--a").bounding_box()
    pole_b = chart.locator(".spectrum-chart__pole--b").bounding_box()
    both = chart.locator(".spectrum-chart__column--both").bounding_box()
    if page.viewport_name == "desktop":
        # Columns left to right under the axis, all on one line; 'both poles' right of the axis.
        assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
        assert len({round(b["y"]) for b in boxes[:5]}) == 1
        assert pole_a["x"] < boxes[1]["x"] and pole_b["x"] + pole_b["width"] <= both["x"]
    else:
        # Rows top to bottom: pole A above the first, pole B below the last, then 'both poles' apart.
        tops = [b["y"] for b in boxes]
        assert tops == sorted(tops) and len(set(tops)) == 6
        assert pole_a["y"] + pole_a["height"] <= boxes[0]["y"]
        assert boxes[4]["y"] + boxes[4]["height"] <= pole_b["y"]
        assert pole_b["y"] + pole_b["height"] < both["y"]
    # The cases are named in text that can be read without hovering (touch has no hover).
    names = chart.locator("a.dot")
    expect(names).to_have_text(["Spring Global Mail", "Chiro Brussel"])
    for i in range(2):
        expect(names.nth(i)).to_be_visible()
        assert names.nth(i).bounding_box()["width"] > 40
    # And the table still gives the same data as text.
    expect(page.locator("table.data-table tbody tr", has_text="eerder conflict")).to_contain_text(
        "Chiro Brussel"
    )
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"tension-field-{page.viewport_name}.png"), full_page=True
    )
    assert errors == []


def test_overview_and_comparison_hide_nothing(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    page.goto(live_server.url + "/overzicht/")
    matrices = page.locator("section[aria-labelledby='heat-title'] table")
    expect(matrices).to_have_count(6)
    width = page.evaluate("document.documentElement.clientWidth")
    for i in range(6):
        box = matrices.nth(i).bounding_box()
        expect(matrices.nth(i)).to_be_visible()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, i
        # No cell is cut off by its table or a scroll box.
        assert matrices.nth(i).evaluate("t => t.scrollWidth <= t.clientWidth + 1"), i
    sources = page.locator("table.source-table")
    assert sources.evaluate("t => t.getBoundingClientRect().right") <= width
    page.screenshot(path=str(screenshot_dir / f"overview-{page.viewport_name}.png"), full_page=True)

    page.goto(live_server.url + FOUR)
    if page.viewport_name == "desktop":
        expect(page.locator("table.compare-table")).to_be_visible()
        expect(page.locator("table.compare-table thead th")).to_have_text(
            ["A Torekes", "B Mater Dei", "C Chiro Brussel", "D Spring Global Mail"]
        )
        expect(page.locator(".compare-rows")).to_be_hidden()
    else:
        expect(page.locator("table.compare-table")).to_be_hidden()
        domain = page.locator(".compare-rows dt", has_text="Domein")
        expect(domain).to_be_visible()
        values = page.locator(".compare-rows dl").first.locator("dd")
        expect(values.nth(5)).to_have_text("B Mater Dei: Leren")
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"compare-four-{page.viewport_name}.png"), full_page=True
    )
    assert errors == []


def test_logged_in_header_holds_every_role_on_one_row(
    live_server, viewport_page: Page, screenshot_dir
):
    call_command("loaddata", "framework", verbosity=0)
    user = make_member(
        make_organisation("Buurtwerk De Brug"),
        username="alles",
        password=PASSWORD,
        first_name="Alexandra",
        last_name="Vandenbroucke",
    )
    user.groups.add(
        Group.objects.get(name=REVIEWERS_GROUP), Group.objects.get(name=RESEARCHERS_GROUP)
    )
    user.is_staff = True
    user.save()
    page = viewport_page
    errors = collect_console_errors(page)
    page.goto(live_server.url + "/account/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill("alles")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.goto(live_server.url + "/praktijken/")

    header = page.locator("header.site-header")
    main_links = header.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")
    expect(main_links).to_have_text(["Praktijken", "Het kader", "Overzicht", "Uw praktijk"])
    toggle = header.locator("summary.account__toggle")
    expect(toggle).to_have_text("Aangemeld als Alexandra Vandenbroucke")
    tops = [main_links.nth(i).bounding_box()["y"] for i in range(4)]
    if page.viewport_name == "desktop":
        tops.append(toggle.bounding_box()["y"])
        assert max(tops) - min(tops) <= 1, tops  # one row: no wrap
        assert len({round(y) for y in tops}) == 1
    else:
        assert max(tops) - min(tops) <= 1, tops
    assert horizontal_overflow(page) == 0

    # The menu opens from the keyboard (a details element: no script needed) and fits the screen.
    toggle.focus()
    page.keyboard.press("Enter")
    menu = header.locator("ul.account__menu")
    expect(menu).to_be_visible()
    items = menu.locator(".account__item")
    expect(items).to_have_text(
        [
            "Meldingen",
            "Mijn kanttekeningen",
            "Bewaarde praktijken",
            "Instellingen",
            "Moderatie",
            "Werkbank",
            "Afmelden",
        ]
    )
    boxes = [items.nth(i).bounding_box() for i in range(7)]
    width = page.evaluate("document.documentElement.clientWidth")
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes)
    # Afmelden (a POST button) sits and looks like the links above it.
    assert (
        len({round(b["x"]) for b in boxes}) == 1 and len({round(b["height"]) for b in boxes}) == 1
    )
    link_style, button_style = (
        items.nth(i).evaluate(
            "e => { const s = getComputedStyle(e); return [s.color, s.fontSize, s.fontWeight, s.backgroundColor, s.paddingLeft]; }"
        )
        for i in (0, 6)
    )
    assert link_style == button_style
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(screenshot_dir / f"header-every-role-{page.viewport_name}.png"))
    page.keyboard.press("Tab")
    expect(items.first).to_be_focused()

    # The workbench asks for /favicon.ico: no 404 in its console.
    page.goto(live_server.url + "/beheer/")
    page.wait_for_load_state("networkidle")
    assert errors == []

    # Signing out from the menu is a POST and ends the session.
    page.goto(live_server.url + "/praktijken/")
    header.locator("summary.account__toggle").click()
    header.get_by_role("button", name="Afmelden").click()
    expect(header.get_by_role("link", name="Aanmelden")).to_be_visible()


def test_every_public_page_reflows_at_320_px(live_server, browser, seeded):
    """WCAG's reflow width (1280 px at 400%): a case page's heading of one long word
    ("Burgerschapspraktijken") and the tool's poles with their descriptions fit too."""
    context = browser.new_context(viewport={"width": 320, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in public_pages():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at 320 px"
    context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_the_overview_fits_the_narrowest_phones(live_server, browser, seeded, width):
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/overzicht/")
    assert horizontal_overflow(page) == 0
    context.close()


def test_a_workshop_with_a_long_name_fits_the_screen(live_server, viewport_page: Page):
    """The facilitator's list and screen and a participant's page hold a practice's name of long
    words (Dutch runs words together) without sideways scrolling."""
    call_command("loaddata", "framework", verbosity=0)
    member = make_member(make_organisation("Buurtwerk De Brug"), username="lid", password=PASSWORD)
    long_words = "Wijkgezondheidscentrum Rabot-Blaisantvest Samenlevingsopbouwondersteuningscentrum"
    workshops = [
        sessions.open_workshop(user=member, title=long_words),
        sessions.open_workshop(user=member, title="Buurthuis"),
    ]
    page = viewport_page
    errors = collect_console_errors(page)
    log_in(page, live_server.url, "lid")
    for language in ("", "/fr", "/en"):
        for path in (
            "/werkvorm/sessies/",
            f"/werkvorm/{workshops[0].code}/scherm/",
            f"/werkvorm/{workshops[0].code}/",
        ):
            response = page.goto(live_server.url + language + path)
            assert response.status == 200, path
            assert horizontal_overflow(page) == 0, (
                f"{language}{path} scrolls sideways at {page.viewport_name}"
            )
    page.goto(live_server.url + "/werkvorm/sessies/")
    rows = page.locator("table.workshop-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=long_words)).to_have_count(1)
    assert errors == []


LONG_WORDS = "Buurtgezondheidscentrum Samenlevingsopbouwondersteuningscentrum"


def test_long_names_of_cases_and_practices_fit_the_screen(live_server, viewport_page: Page):
    """Dutch runs words together: a case's title (in the table under a tension field's chart, the
    list of a source, the comparison, the map's list, the tool's result) and a practitioner's
    name for their practice wrap, whatever their words."""
    call_command("loaddata", "framework", verbosity=0)
    make_case(
        title=LONG_WORDS, slug="lang", strengths={"strijd": 2}, positions={"consensus-conflict": 1}
    )
    make_case(title="Buurthuis", slug="buurthuis")
    page = viewport_page
    for language in ("", "/fr", "/en"):
        for path in (
            "/spanningsvelden/consensus-conflict/",
            "/bronnen/strijd/",
            "/vergelijken/?praktijk=lang&praktijk=buurthuis",
            "/kaart/",
            "/praktijken/lang/",
            f"/uw-praktijk/?bron-strijd=1&naam={LONG_WORDS}",
        ):
            response = page.goto(live_server.url + language + path)
            assert response.status == 200, path
            expect(page.get_by_text(LONG_WORDS).locator("visible=true").first).to_be_visible()
            assert horizontal_overflow(page) == 0, (
                f"{language}{path} scrolls sideways at {page.viewport_name}"
            )


def test_a_message_naming_what_a_member_typed_wraps(live_server, viewport_page: Page):
    """ "Bewaard bij …" names the practice as typed: a name of long words wraps in the message."""
    call_command("loaddata", "framework", verbosity=0)
    make_member(make_organisation("Buurtwerk"), username="lid", password=PASSWORD)
    page = viewport_page
    log_in(page, live_server.url, "lid")
    name = f"Buurtwerking {LONG_WORDS}{'x' * 40}"
    page.goto(live_server.url + f"/uw-praktijk/?bron-ontmoeting=1&naam={name}")
    page.locator("#practice-save-form").get_by_role("button", name="Bewaren").click()
    expect(page.locator(".message--success")).to_contain_text(f"Bewaard bij {name}")
    assert horizontal_overflow(page) == 0, f"the message at {page.viewport_name}"


def test_what_members_write_wraps_whatever_its_words(live_server, viewport_page: Page):
    """A word without spaces or a bare web address in a note, its source or a reply (pasted, or
    Dutch run together) wraps in the margin, the member's own list, the moderation queue and
    the search results: none of them scrolls sideways."""
    call_command("loaddata", "framework", verbosity=0)
    case = make_case(title="Buurthuis", slug="buurthuis")
    author = make_member(make_organisation("Buurtwerk"), username="lid", password=PASSWORD)
    reviewer = make_user("moderator", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    word = "Langwoord" + "x" * 300
    address = "https://example.org/" + "a" * 250
    body = f"{word} en {address}"
    approved = make_annotation(
        target=case, author=author, body=body, attribution="B" * 200, link=address
    )
    make_reply(approved, author=author, body=body)
    make_annotation(target=case, author=author, body=body, status=Status.PENDING)
    page = viewport_page
    checks = [
        (None, "/praktijken/buurthuis/"),
        (None, f"/zoeken/?q={word}"),
        (None, f"/kanttekeningen/{approved.pk}/"),
        ("lid", "/praktijken/buurthuis/"),
        ("lid", "/kanttekeningen/mijn/"),
        ("lid", f"/kanttekeningen/{approved.pk}/intrekken/"),
        ("moderator", f"/kanttekeningen/{approved.pk}/melden/"),
        ("moderator", "/moderatie/"),
    ]
    for username, path in checks:
        if username:
            page.context.clear_cookies()
            log_in(page, live_server.url, username)
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        expect(page.get_by_text(word).locator("visible=true").first).to_be_visible()
        assert horizontal_overflow(page) == 0, f"{path} as {username} at {page.viewport_name}"
