"""Independent double coding, on a laptop and on a phone.

A researcher asks a colleague to code a case in review; the colleague codes it blind
(the case text and the framework, no first coding) and submits; the researcher submits
their own; the disagreement view shows both side by side, agreement in words; they settle
a consensus, and the case is published with it.
"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from cases.models import Case, DoubleCodingRound, SourceCoding
from cases.roles import RESEARCHERS_GROUP
from frameworks.models import Source, TensionField
from tests.browser.conftest import axe_clean, collect_console_errors, horizontal_overflow
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = "ALLEEN-DE-EERSTE-CODEERDER"


def signed_in(page, live_server, user) -> None:
    """The page's browser carries a session of `user` (and no other)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def fill_everything(page, strength: str, position: str, rationale: str) -> None:
    for source in Source.objects.all():
        page.locator(f"input[name='bron-{source.key}-grond'][value='interpretatie']").check()
        page.locator(f"select[name='bron-{source.key}-waarde']").select_option(strength)
        page.locator(f"textarea[name='bron-{source.key}-onderbouwing']").fill(rationale)
    for field in TensionField.objects.all():
        page.locator(f"input[name='veld-{field.key}-grond'][value='interpretatie']").check()
        page.locator(f"select[name='veld-{field.key}-waarde']").select_option(position)
        page.locator(f"textarea[name='veld-{field.key}-onderbouwing']").fill(rationale)


def test_double_coding_journey(live_server, viewport_page, screenshot_dir, csp_violations):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    researcher = make_user(
        "onderzoeker",
        groups=(RESEARCHERS_GROUP,),
        is_staff=True,
        first_name="Rita",
        last_name="Onderzoek",
    )
    colleague = make_user(
        "collega", groups=(RESEARCHERS_GROUP,), is_staff=True, first_name="Cas", last_name="Collega"
    )
    case = make_case(title="Buurtkeuken", status=Case.Status.IN_REVIEW, strengths={"strijd": 3})
    SourceCoding.objects.filter(case=case).update(rationale=f"Eerste lezing {MARKER}.")

    # The researcher asks a colleague, from the case's page.
    signed_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/beheer/cases/case/{case.pk}/change/")
    page.get_by_role("link", name="Dubbel laten coderen").click()
    axe_clean(page)
    page.get_by_label("Tweede codeerder").select_option(label="Cas Collega")
    page.get_by_role("button", name="Vraag de dubbele codering").click()
    round_ = DoubleCodingRound.objects.get(case=case)
    # Their own coding starts from the case's coding: submit it as it is.
    expect(page.locator("select[name='bron-strijd-waarde']")).to_have_value("3")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".messagelist")).to_contain_text("Uw codering is ingediend.")

    # The colleague codes blind: the text and the framework, not the first coding.
    signed_in(page, live_server, colleague)
    page.goto(f"{live_server.url}/beheer/cases/doublecodinground/")
    page.get_by_role("link", name="Buurtkeuken").click()
    expect(page.get_by_role("heading", name="Buurtkeuken", exact=True)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(MARKER)
    expect(page.locator("select[name='bron-strijd-waarde']")).to_have_value("")
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    # Submitting half done is refused, naming what lacks, keeping what was typed.
    page.locator("input[name='bron-strijd-grond'][value='interpretatie']").check()
    page.locator("select[name='bron-strijd-waarde']").select_option("1")
    page.locator("textarea[name='bron-strijd-onderbouwing']").fill("Weinig strijd.")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".form-errors")).to_contain_text(
        "Ontmoeting: kies een grond (en een waarde), of ‘niet te bepalen’."
    )
    expect(page.locator("textarea[name='bron-strijd-onderbouwing']")).to_have_value(
        "Weinig strijd."
    )
    axe_clean(page)
    fill_everything(page, "1", "0", "Mijn lezing.")
    page.locator("select[name='bron-strijd-waarde']").select_option("1")
    page.get_by_role("button", name="Indienen").click()

    # Both are in: the disagreement view, side by side, agreement said in words.
    expect(page).to_have_url(
        f"{live_server.url}/beheer/cases/doublecodinground/{round_.pk}/verschillen/"
    )
    expect(page.locator("#source-strijd")).to_have_text("Strijd: verschil")
    expect(page.locator("#source-ontmoeting")).to_have_text("Ontmoeting: overeenstemming")
    expect(page.locator("body")).to_contain_text(MARKER)  # now both may see both
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(
        path=str(screenshot_dir / f"double-coding-differences-{page.viewport_name}.png"),
        full_page=True,
    )
    # The consensus: prefilled where they agree; they settle Strijd on 2.
    strijd = page.locator("section.judgement").filter(has=page.locator("#source-strijd"))
    strijd.locator("input[name='bron-strijd-grond'][value='interpretatie']").check()
    strijd.locator("select[name='bron-strijd-waarde']").select_option("2")
    strijd.locator("textarea[name='bron-strijd-onderbouwing']").fill("Samen: matig.")
    page.get_by_role("button", name="Consensus vastleggen").click()
    expect(page.locator(".messagelist")).to_contain_text("De consensus is de codering")

    # Published with the consensus.
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator(".messagelist")).to_contain_text("is nu: gepubliceerd")
    assert SourceCoding.objects.get(case=case, source__key="strijd").strength == 2
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("body")).to_contain_text("Samen: matig.")
    assert errors == []
    assert csp_violations == []
