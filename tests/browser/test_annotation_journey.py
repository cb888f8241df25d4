"""A member annotates a selected passage, a reviewer approves it, a reader sees it."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from annotations.models import Annotation
from annotations.roles import REVIEWERS_GROUP
from frameworks.models import Section
from tests.browser.conftest import PASSWORD, log_in
from tests.factories import (
    ensure_framework,
    make_annotation,
    make_member,
    make_organisation,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_annotates_reviewer_approves_reader_sees(
    live_server, browser: Browser, screenshot_dir, csp_violations, page: Page
):
    ensure_framework()
    make_member(
        make_organisation("Buurtwerk De Brug"),
        username="lid@example.org",
        password=PASSWORD,
        first_name="Lina",
    )
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,))
    section = Section.objects.get(key="ontmoeting")
    url = live_server.url + section.get_absolute_url()

    # The member selects the first paragraph and writes a note on it.
    member = page
    log_in(member, live_server.url, "lid@example.org")
    member.goto(url)
    paragraph = member.locator("p.annotated__text").first
    passage = paragraph.inner_text()
    paragraph.select_text()
    bar = member.locator(".selection-bar")
    expect(bar).to_be_visible()
    bar.get_by_role("link", name="Kanttekening schrijven bij deze passage").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Kanttekening schrijven")
    expect(member.locator(".passage-preview mark")).to_have_text(passage)
    member.get_by_label("doener").check()
    member.get_by_label("voorbeeld").check()
    member.get_by_label("Kanttekening", exact=True).fill(
        "In **onze buurt** ontmoeten mensen elkaar op de markt."
    )
    member.get_by_role("button", name="Indienen voor moderatie").click()
    expect(member.locator(".message--success")).to_contain_text("wacht nu op een moderator")
    expect(member.locator("article.note--pending")).to_contain_text("wacht op moderatie")
    annotation = Annotation.objects.get()
    assert section.body[annotation.position_start : annotation.position_end] == passage

    # The reviewer approves it from the queue.
    context = browser.new_context()
    reviewer = context.new_page()
    log_in(reviewer, live_server.url, "moderator")
    reviewer.goto(f"{live_server.url}/moderatie/")
    item = reviewer.locator(f"#item-{annotation.pk}")
    expect(item).to_contain_text("onze buurt")
    item.get_by_label("Goedkeuren").check()
    item.get_by_role("button", name="Beslissen").click()
    expect(reviewer.locator(".message--success")).to_contain_text("goedgekeurd")
    context.close()

    # An anonymous reader sees it in the margin, beside the highlighted passage.
    context = browser.new_context()
    reader = context.new_page()
    reader.goto(url)
    note = reader.locator(f"#kanttekening-{annotation.pk}")
    expect(note).to_contain_text("onze buurt")
    expect(note).to_contain_text("Lina")
    row = reader.locator("div.annotated__row", has=note)
    expect(row.locator("mark.hl")).to_have_text(passage)
    text_box, note_box = row.locator("p.annotated__text").bounding_box(), note.bounding_box()
    assert note_box["x"] > text_box["x"] + text_box["width"] - 1  # in the margin, to the right
    assert abs(note_box["y"] - text_box["y"]) < 40  # at the height of its paragraph
    reader.screenshot(path=str(screenshot_dir / "annotation-in-the-margin.png"), full_page=True)
    context.close()
    assert csp_violations == []


def test_margin_follows_the_paragraph_on_narrow_screens(live_server, browser: Browser):
    ensure_framework()
    section = Section.objects.get(key="ontmoeting")

    annotation = make_annotation(target=section, body="Smal scherm")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + section.get_absolute_url())
    note = page.locator(f"#kanttekening-{annotation.pk}")
    paragraph = page.locator("div.annotated__row", has=note).locator("p.annotated__text")
    text_box, note_box = paragraph.bounding_box(), note.bounding_box()
    assert note_box["y"] >= text_box["y"] + text_box["height"] - 1  # under its paragraph
    assert re.search(r"Smal scherm", note.inner_text())
    context.close()


def test_a_selection_across_paragraphs_with_notes_between_them(live_server, page: Page):
    ensure_framework()

    make_member(make_organisation("Buurtwerk"), username="lid2@example.org", password=PASSWORD)
    section = Section.objects.get(key="ontmoeting")
    make_annotation(target=section, body="Een bestaande noot tussen de alinea's.")
    log_in(page, live_server.url, "lid2@example.org")
    page.goto(live_server.url + section.get_absolute_url())
    # From the last words of the first paragraph to the first words of the second.
    page.evaluate(
        """() => {
        const [first, second] = document.querySelectorAll('p.annotated__text');
        const end = first.lastChild, start = second.firstChild;
        const range = document.createRange();
        range.setStart(end, Math.max(0, end.textContent.length - 12));
        range.setEnd(start, 10);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }"""
    )
    page.locator(".selection-bar").get_by_role("link").click()
    expect(page.locator(".passage-preview mark")).to_be_visible()
    page.get_by_label("denker").check()
    page.get_by_label("associatie").check()
    page.get_by_label("Kanttekening", exact=True).fill("Over twee alinea's heen.")
    page.get_by_role("button", name="Indienen voor moderatie").click()
    expect(page.locator(".message--success")).to_be_visible()
    annotation = Annotation.objects.get(body="Over twee alinea's heen.")
    assert "\n\n" in section.body[annotation.position_start : annotation.position_end]
    assert "noot" not in annotation.quote_exact
