"""A researcher puts a coding on text evidence, on a laptop and on a phone.

Choosing "tekstbewijs" without a passage is refused at the coding, with nothing
lost; with a passage added under "Tekstbewijs voor de codering" it is saved, and
the versions and the dashboard say how the coding is known.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from cases.models import Case, CodingEvidence, SourceCoding
from cases.roles import RESEARCHERS_GROUP
from tests.browser.conftest import WCAG_AA, collect_console_errors, horizontal_overflow
from tests.cases.conftest import EVIDENCE_NEEDED
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user) -> None:
    """The page's browser carries a session of `user` (signing in is another journey's subject)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_researcher_puts_a_coding_on_text_evidence(live_server, viewport_page, screenshot_dir):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    signed_in(
        page, live_server, make_user("onderzoeker", groups=(RESEARCHERS_GROUP,), is_staff=True)
    )
    # A case not coded yet: its row on the dashboard lists every missing coding.
    make_case(title="Wederopbouw Gemeenschapshuis", status=Case.Status.DRAFT, coded=False)
    case = make_case(
        title="Zwembad Actie",
        status=Case.Status.DRAFT,
        practice="Buren koken samen in het buurthuis.\n\nZe voeren actie tegen de sluiting van het zwembad.",
    )
    page.goto(f"{live_server.url}/beheer/cases/case/{case.pk}/change/")

    # The third source row is Strijd: its grounds are offered beside its strength, explained.
    struggle = page.locator("#source_codings-2")
    expect(struggle.locator("select[name$='-source'] option:checked")).to_have_text("Strijd")
    expect(struggle.locator(".field-grounds")).to_contain_text(
        "Niet te bepalen: het materiaal laat geen sterkte toe"
    )

    # Tekstbewijs without a passage: refused at the coding, nothing lost.
    struggle.locator("input[value='tekstbewijs']").check()
    struggle.locator("textarea[name$='-rationale']").fill(
        "De tekst noemt de actie tegen de sluiting."
    )
    page.locator("#id_summary").fill("Buren koken samen en komen op voor hun zwembad.")
    page.locator("input[name='_continue']").click()
    struggle = page.locator("#source_codings-2")
    expect(struggle.locator(".field-grounds .errorlist")).to_have_text(EVIDENCE_NEEDED)
    expect(struggle.locator("input[value='tekstbewijs']")).to_be_checked()
    expect(struggle.locator("textarea[name$='-rationale']")).to_have_value(
        "De tekst noemt de actie tegen de sluiting."
    )
    expect(page.locator("#id_summary")).to_have_value(
        "Buren koken samen en komen op voor hun zwembad."
    )
    assert SourceCoding.objects.get(case=case, source__key="strijd").grounds == "interpretatie"
    page.screenshot(
        path=str(screenshot_dir / f"grounds-refused-{page.viewport_name}.png"), full_page=True
    )

    # The passage, added under "Tekstbewijs voor de codering": now it saves.
    page.locator("#evidence-group .add-row a").click()
    page.locator("#id_evidence-0-coding").select_option(label="bron: Strijd")
    page.locator("#id_evidence-0-case_field").select_option("practice")
    page.locator("#id_evidence-0-passage").fill("Ze voeren actie tegen de sluiting")
    page.locator("input[name='_continue']").click()
    expect(page.locator(".messagelist")).to_contain_text("gewijzigd")
    expect(page.locator("#source_codings-2 input[value='tekstbewijs']")).to_be_checked()
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.rationale) == (
        "tekstbewijs",
        "De tekst noemt de actie tegen de sluiting.",
    )
    assert (
        CodingEvidence.objects.filter(
            case=case, source__key="strijd", anchor_state="anchored"
        ).count()
        == 1
    )

    # The versions name the change of grounds.
    page.get_by_role("link", name="Versies", exact=True).first.click()
    expect(page.locator("#change-history tbody tr").first).to_contain_text(
        "Samenvatting gewijzigd; Strijd: grond interpretatie → tekstbewijs, onderbouwing gewijzigd; "
        "Tekstbewijs voor Strijd toegevoegd: ‘Ze voeren actie tegen de sluiting’."
    )
    page.screenshot(
        path=str(screenshot_dir / f"grounds-versions-{page.viewport_name}.png"), full_page=True
    )

    # The dashboard counts how the case's ten codings are known.
    page.goto(f"{live_server.url}/beheer/cases/case/dashboard/")
    row = page.locator("section", has=page.locator("#domain-wonen")).locator(
        "tbody tr", has_text="Zwembad Actie"
    )
    expect(row.locator("td.dashboard__grounds")).to_have_text(
        "1 tekstbewijs · 9 interpretatie · 0 niet te bepalen"
    )
    page.screenshot(
        path=str(screenshot_dir / f"grounds-dashboard-{page.viewport_name}.png"), full_page=True
    )
    assert horizontal_overflow(page) == 0  # the table fits a phone too
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

    assert errors == []
