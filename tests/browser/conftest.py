"""Playwright on the system Chromium against Django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Django's live server runs in a thread; Playwright's sync API runs an event loop
# in the test thread, which Django would otherwise take for async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = _chromium()
    if not path:
        pytest.fail(
            "Chromium not found: `make test` installs Debian's chromium, or set CHROMIUM_PATH."
        )
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir(pytestconfig) -> Path:
    """Where journeys leave their screenshots: pytest-playwright's --output folder."""
    path = Path(pytestconfig.getoption("--output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def csp_violations(request, page):
    """Console errors about the Content-Security-Policy, collected during the test.

    On the test's `page`, and on its `viewport_page` when it walks one (the journeys at both
    screen sizes): otherwise those journeys would be watched on a page they never use.
    """
    found: list[str] = []
    watched = [page]
    if "viewport_page" in request.fixturenames:
        watched.append(request.getfixturevalue("viewport_page"))
    for one in watched:
        one.on(
            "console",
            lambda message: (
                found.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
    return found


# The two screens every journey is walked on: a laptop and a phone.
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(VIEWPORTS))
def viewport_page(request, browser):
    """A page at one of the two screen sizes: parametrises a test over both."""
    context = browser.new_context(
        viewport=VIEWPORTS[request.param], is_mobile=request.param == "phone"
    )
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.fixture
def console_errors(page):
    """Every console error and uncaught page error during the test (should stay empty)."""
    return collect_console_errors(page)


def collect_console_errors(page) -> list[str]:
    """Start collecting the console errors and page errors of `page`; returns the live list."""
    found: list[str] = []
    page.on(
        "console", lambda message: found.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0: no sideways scrolling).

    Measured against the root's clientWidth, not window.innerWidth: with mobile
    emulation Chromium widens the layout viewport (innerWidth) to fit content that is
    too wide, so innerWidth grows with the overflow and the difference stays 0.
    """
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# --- shared by the journeys ---------------------------------------------------------------------

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# The password of the accounts the journeys log in with.
PASSWORD = "een-lang-wachtwoord-7"


def axe_clean(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it now stands."""
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/account/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
