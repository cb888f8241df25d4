"""A researcher takes a draft from the workbench to the public site, on a laptop and on a phone.

The walkthrough's journey e: open a draft, edit it, code it, add evidence, offer it
for review, publish it, read it publicly. A workflow button saves what was typed
before it moves the case (defect 3).
"""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseTransition, CodingEvidence
from cases.roles import RESEARCHERS_GROUP
from tests.browser.conftest import collect_console_errors
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "een-lang-wachtwoord-9"


def test_a_researcher_takes_a_draft_to_the_public_site(live_server, viewport_page, screenshot_dir):
    page = viewport_page
    errors = collect_console_errors(page)
    # The admin's missing /favicon.ico is being fixed elsewhere: the only error this journey may see.
    favicon_misses: list[str] = []
    page.on(
        "console",
        lambda m: (
            favicon_misses.append(m.text)
            if m.type == "error" and m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    ensure_framework()
    make_user("onderzoeker", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    case = make_case(
        title="Buurtkeuken Rabot",
        slug="buurtkeuken-rabot",
        status=Case.Status.DRAFT,
        coded=False,
        summary="Een oude samenvatting.",
        practice="Elke vrijdag koken buren samen in het buurthuis.\n\nZe leren elkaars recepten en talen.",
    )
    change = f"{live_server.url}/beheer/cases/case/{case.pk}/change/"

    page.goto(f"{live_server.url}/beheer/login/?next=/beheer/cases/case/{case.pk}/change/")
    page.get_by_label("Gebruikersnaam").fill("onderzoeker")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(change)
    expect(page.locator("section.workflow h2")).to_have_text("Werkstroom: concept")

    # Enter in a field saves, like any admin form; it is no workflow step.
    page.locator("#id_initiative").fill("Buurtwerk Rabot")
    page.locator("#id_initiative").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("gewijzigd")
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT
    page.goto(change)

    # Edit, code and add evidence, then go straight to "Ter nalezing aanbieden" without saving first.
    page.locator("#id_summary").fill("Buren koken samen en leren elkaars talen.")
    for i in range(4):
        page.locator(f"#id_source_codings-{i}-strength").select_option("2")
        page.locator(f"#id_source_codings-{i}-rationale").fill("Zo gezien in het veldwerk.")
    for i in range(6):
        page.locator(f"#id_tension_positions-{i}-position").select_option("0")
        page.locator(f"#id_tension_positions-{i}-rationale").fill("Zo gezien in het veldwerk.")
    page.locator("#evidence-group .add-row a").click()
    page.locator("#id_evidence-0-coding").select_option(label="bron: Ontmoeting")
    page.locator("#id_evidence-0-case_field").select_option("practice")
    page.locator("#id_evidence-0-passage").fill("koken buren samen")
    page.get_by_role("button", name="Ter nalezing aanbieden").click()

    expect(page.locator(".messagelist")).to_have_text(
        "‘Buurtkeuken Rabot’ is bewaard en is nu: ter nalezing."
    )
    expect(page.locator("section.workflow h2")).to_have_text("Werkstroom: ter nalezing")
    expect(page.locator("#id_summary")).to_have_value("Buren koken samen en leren elkaars talen.")
    assert CodingEvidence.objects.filter(case=case, quote_exact="koken buren samen").exists()

    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator("section.workflow h2")).to_have_text("Werkstroom: gepubliceerd")
    assert [
        (t.old_status, t.new_status)
        for t in CaseTransition.objects.filter(case=case).order_by("pk")
    ] == [
        ("draft", "in_review"),
        ("in_review", "published"),
    ]

    # The versions page sits in the admin's frame: its breadcrumbs bar looks like the form's.
    bar = "nav ol.breadcrumbs"
    form_bar = page.locator(bar).evaluate("e => getComputedStyle(e).backgroundColor")
    page.get_by_role("link", name="Versies", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/history/$"))
    assert page.locator(bar).evaluate("e => getComputedStyle(e).backgroundColor") == form_bar
    assert form_bar not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    page.screenshot(
        path=str(screenshot_dir / f"workbench-versions-{page.viewport_name}.png"), full_page=True
    )

    # A reader sees the case, with its evidence under the coding it supports.
    reader = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    reader.goto(f"{live_server.url}/praktijken/buurtkeuken-rabot/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Buurtkeuken Rabot")
    expect(reader.locator("main")).to_contain_text("Buren koken samen en leren elkaars talen.")
    expect(reader.locator("li.source--ontmoeting ul.evidence")).to_contain_text("koken buren samen")
    reader.context.close()

    unexpected = list(errors)
    for miss in favicon_misses:
        unexpected.remove(miss)
    assert unexpected == []
