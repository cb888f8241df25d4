"""axe-core finds no WCAG 2.1 A/AA violation on the public pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/kader/",
    "/kader/ontmoeting/",
    "/bronnen/encounter/",
    "/spanningsvelden/consensus-conflict/",
    "/praktijken/",
    "/praktijken/?domein=wonen&bron-encounter=2",
    "/praktijken/torekes/",
    "/praktijken/bestaat-niet/",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", "framework", "pilots", verbosity=0)


@pytest.mark.parametrize("path", PAGES)
def test_public_page_has_no_wcag_violations(live_server, page: Page, seeded, path):
    page.goto(live_server.url + path)
    results = Axe().run(page, options=WCAG_AA)
    violations = results.response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
