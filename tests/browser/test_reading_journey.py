"""A member proposes another reading of a coding, a reviewer approves it, a researcher answers
and changes the coding; the case page shows the new value and the reading "verwerkt"."""

import pytest
from playwright.sync_api import Browser, Page, expect

from annotations.models import Annotation
from annotations.roles import REVIEWERS_GROUP
from cases.roles import RESEARCHERS_GROUP
from tests.browser.conftest import PASSWORD, VIEWPORTS, axe_clean, horizontal_overflow, log_in
from tests.factories import ensure_framework, make_case, make_member, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reading_is_proposed_approved_answered_and_processed(
    live_server, browser: Browser, viewport_page: Page, screenshot_dir, csp_violations
):
    ensure_framework()
    case = make_case(
        title="Buurtkeuken",
        slug="buurtkeuken",
        practice="Buren koken elke vrijdag samen.\n\nIedereen is welkom aan tafel.",
        strengths={"ontmoeting": 2},
    )
    make_member(
        make_organisation("Buurtwerk De Brug"), username="lid", password=PASSWORD, first_name="Lina"
    )
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,))
    make_user("onderzoeker", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    base = live_server.url
    viewport = VIEWPORTS[viewport_page.viewport_name]
    name = viewport_page.viewport_name

    # The member finds "Andere lezing voorstellen" beside the coding and proposes "sterk".
    member = viewport_page
    log_in(member, base, "lid")
    member.goto(f"{base}/praktijken/buurtkeuken/")
    coding = member.locator("#codering-ontmoeting")
    coding.get_by_role("link", name="Andere lezing voorstellen").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(
        "Een andere lezing van ‘Ontmoeting’"
    )
    expect(member.locator(".coding-now")).to_contain_text("matig")
    axe_clean(member)
    assert horizontal_overflow(member) == 0
    member.get_by_label("sterk", exact=True).check()
    member.get_by_label("doener").check()
    member.get_by_label("Uw argument").fill("Iedereen schuift **elke week** aan.")
    member.get_by_label("Tekstsectie (optioneel)").select_option(label="De praktijk")
    member.get_by_label("Passage (optioneel)").fill("elke vrijdag samen")
    member.screenshot(path=screenshot_dir / f"reading-propose-{name}.png", full_page=True)
    member.get_by_role("button", name="Indienen voor moderatie").click()
    expect(member.locator(".message--success")).to_contain_text("wacht nu op een moderator")
    annotation = Annotation.objects.readings().get()

    # The reviewer sees the coding now and the proposal, and approves.
    context = browser.new_context(viewport=viewport, is_mobile=name == "phone")
    reviewer = context.new_page()
    log_in(reviewer, base, "moderator")
    reviewer.goto(f"{base}/moderatie/")
    item = reviewer.locator(f"#item-{annotation.pk}")
    expect(item.locator(".reading-context")).to_have_text(
        "Andere lezing van Ontmoeting: nu matig → voorgesteld sterk"
    )
    assert horizontal_overflow(reviewer) == 0
    item.get_by_label("Goedkeuren").check()
    item.get_by_role("button", name="Beslissen").click()
    expect(reviewer.locator(".message--success")).to_contain_text("goedgekeurd")
    context.close()

    # The researcher opens it from the case page, answers and changes the coding.
    context = browser.new_context(viewport=viewport, is_mobile=name == "phone")
    researcher = context.new_page()
    log_in(researcher, base, "onderzoeker")
    researcher.goto(f"{base}/praktijken/buurtkeuken/")
    readings = researcher.locator("#codering-ontmoeting details.readings")
    readings.locator("summary").click()
    readings.get_by_role("link", name="Beantwoorden").click()
    expect(researcher.get_by_role("heading", level=1)).to_contain_text(f"Lezing {annotation.pk}")
    axe_clean(researcher)
    assert horizontal_overflow(researcher) == 0
    researcher.get_by_label("interpretatie").check()
    researcher.get_by_label("Onderbouwing").fill("Er wordt elke week samen gekookt en gegeten.")
    researcher.get_by_label("Antwoord aan de lezer (optioneel)").fill("Dank u, we *volgen* u.")
    researcher.get_by_role("button", name="Codering aanpassen").click()
    expect(researcher.locator(".message--success")).to_contain_text("De codering is aangepast")

    # The history names the reading as the reason.
    researcher.goto(f"{base}/beheer/cases/case/{case.pk}/history/")
    expect(researcher.locator("#change-history")).to_contain_text(
        f"Codering van Ontmoeting: matig → sterk, naar aanleiding van lezing #{annotation.pk} "
        "van Buurtwerk De Brug."
    )
    context.close()

    # Anyone sees the new value and the reading "verwerkt", with the answer.
    context = browser.new_context(viewport=viewport, is_mobile=name == "phone")
    reader = context.new_page()
    reader.goto(f"{base}/praktijken/buurtkeuken/")
    coding = reader.locator("#codering-ontmoeting")
    expect(coding.locator(".strength__label")).to_have_text("sterk")
    summary = coding.locator("details.readings summary")
    expect(summary).to_have_text("1 lezing: 1x sterk")
    summary.click()
    reading = reader.locator(f"#lezing-{annotation.pk}")
    expect(reading).to_contain_text("verwerkt")
    expect(reading.locator(".reading__answer em")).to_have_text("volgen")
    expect(reading.locator(".reading__passage a")).to_contain_text("elke vrijdag samen")
    assert horizontal_overflow(reader) == 0
    axe_clean(reader)
    reader.screenshot(path=screenshot_dir / f"reading-processed-{name}.png", full_page=True)
    context.close()
    assert csp_violations == []
