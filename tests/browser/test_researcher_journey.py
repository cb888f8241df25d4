"""A researcher enters a case, codes it with evidence, publishes it, and readers see it."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, CaseTransition, CodingEvidence
from cases.roles import RESEARCHERS_GROUP
from tests.factories import ensure_framework, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "een-lang-wachtwoord-9"


def test_researcher_enters_codes_and_publishes_a_case(
    live_server, page: Page, screenshot_dir, csp_violations
):
    ensure_framework()
    make_user("onderzoeker", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    page.goto(f"{live_server.url}/beheer/login/?next=/beheer/cases/case/add/")
    page.get_by_label("Gebruikersnaam").fill("onderzoeker")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile("/beheer/cases/case/add/"))

    # Identity, place, text: in the order a researcher thinks.
    page.locator("#id_title").press_sequentially("Repair Café Kiel")
    expect(page.locator("#id_slug")).to_have_value("repair-cafe-kiel")
    page.locator("#id_domain").select_option(label="Vrije tijd")
    page.locator("#id_initiative").fill("Buurtwerk Kiel")
    page.locator("#id_nis_code").select_option(label="Antwerpen (Antwerpen)")
    page.locator("#id_summary").fill("Buren herstellen samen kapotte spullen en leren van elkaar.")
    page.locator("#id_practice").fill(
        "Elke eerste zaterdag herstellen vrijwilligers fietsen en lampen.\n\nNieuwkomers leren er technische woorden in het Nederlands."
    )

    # The coding, with the framework's words beside each field.
    expect(page.locator("#source_codings-group")).to_contain_text(
        "Alledaagse, vaak toevallige ontmoetingen"
    )
    for i in range(4):
        page.locator(f"#id_source_codings-{i}-strength").select_option("2")
        page.locator(f"#id_source_codings-{i}-rationale").fill("Zo gezien in het veldwerk.")
    for i in range(6):
        page.locator(f"#id_tension_positions-{i}-position").select_option("0")
        page.locator(f"#id_tension_positions-{i}-rationale").fill("Zo gezien in het veldwerk.")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".messagelist")).to_contain_text("toegevoegd")
    expect(page.locator("section.workflow h2")).to_contain_text("concept")

    # Evidence: a passage of the case's own text supporting a coding.
    page.locator("#evidence-group .add-row a").click()
    page.locator("#id_evidence-0-coding").select_option(label="bron: Ontmoeting")
    page.locator("#id_evidence-0-case_field").select_option("practice")
    page.locator("#id_evidence-0-passage").fill("herstellen vrijwilligers fietsen")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".messagelist")).to_contain_text("gewijzigd")
    assert CodingEvidence.objects.count() == 1

    # The workflow: offer for review, then publish.
    page.get_by_role("button", name="Ter nalezing aanbieden").click()
    expect(page.locator("section.workflow h2")).to_contain_text("ter nalezing")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator("section.workflow h2")).to_contain_text("gepubliceerd")
    case = Case.objects.get(slug="repair-cafe-kiel")
    assert case.status == Case.Status.PUBLISHED
    assert CaseTransition.objects.filter(case=case).count() == 2
    page.screenshot(path=str(screenshot_dir / "workbench-published.png"), full_page=True)

    # A reader sees it, with the evidence beside the profile.
    reader = page.context.browser.new_context().new_page()
    reader.goto(f"{live_server.url}/praktijken/repair-cafe-kiel/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Repair Café Kiel")
    expect(reader.locator("li.source--ontmoeting ul.evidence")).to_contain_text(
        "herstellen vrijwilligers fietsen"
    )
    reader.context.close()
    assert csp_violations == []
