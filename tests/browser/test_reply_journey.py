"""A member opens a note's thread and replies, a reviewer approves, a reader sees the thread."""

import pytest
from playwright.sync_api import Browser, expect

from annotations.models import Annotation
from annotations.roles import REVIEWERS_GROUP
from tests.browser.conftest import PASSWORD, VIEWPORTS, horizontal_overflow, log_in
from tests.factories import (
    ensure_framework,
    make_annotation,
    make_case,
    make_member,
    make_organisation,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_replies_reviewer_approves_reader_sees_the_thread(
    live_server, browser: Browser, viewport_page, csp_violations
):
    ensure_framework()
    viewport = VIEWPORTS[viewport_page.viewport_name]
    member = make_member(
        make_organisation("Buurtwerk De Brug"),
        username="lid@example.org",
        password=PASSWORD,
        first_name="Lina",
    )
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,))
    case = make_case(title="Buurtrestaurant")
    note_author = make_member(
        make_organisation("Kookhuis Oost"), username="auteur", password=PASSWORD, first_name="Ann"
    )
    note = make_annotation(target=case, author=note_author, body="Koken brengt mensen samen.")
    case_url = live_server.url + case.get_absolute_url()

    # The member opens the note's thread in the margin and replies there.
    page = viewport_page
    log_in(page, live_server.url, "lid@example.org")
    page.goto(case_url)
    thread = page.locator(f"#kanttekening-{note.pk} details.thread")
    thread.locator("summary").click()
    thread.get_by_label("planner").check()
    thread.get_by_label("Uw antwoord").fill("Ook in **ons buurthuis** werkt dat zo.")
    thread.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".message--success")).to_contain_text("wacht nu op een moderator")
    reply = Annotation.objects.replies().get()
    assert reply.author == member
    mine = page.locator(f"#antwoord-{reply.pk}")
    expect(mine).to_contain_text("ons buurthuis")
    expect(mine).to_contain_text("wacht op moderatie")
    assert horizontal_overflow(page) == 0

    # The reviewer approves it from the queue, where it shows the note it answers.
    context = browser.new_context(viewport=viewport)
    reviewer = context.new_page()
    log_in(reviewer, live_server.url, "moderator")
    reviewer.goto(f"{live_server.url}/moderatie/")
    item = reviewer.locator(f"#item-{reply.pk}")
    expect(item.locator("figure")).to_contain_text("Koken brengt mensen samen.")
    item.get_by_label("Goedkeuren").check()
    item.get_by_role("button", name="Beslissen").click()
    expect(reviewer.locator(".message--success")).to_contain_text("goedgekeurd")
    context.close()

    # An anonymous reader sees it in the thread on the case page and on the note's page.
    context = browser.new_context(viewport=viewport)
    reader = context.new_page()
    reader.goto(case_url)
    thread = reader.locator(f"#kanttekening-{note.pk} details.thread")
    expect(thread.locator("summary")).to_have_text("1 antwoord")
    thread.locator("summary").click()
    expect(thread.locator(f"#antwoord-{reply.pk}")).to_contain_text("ons buurthuis")
    expect(
        reader.locator(f"#kanttekening-{note.pk}").get_by_role("button", name="Kopieer link")
    ).to_be_visible()
    assert horizontal_overflow(reader) == 0
    reader.locator(f"#kanttekening-{note.pk}").get_by_role(
        "link", name="Link naar deze kanttekening"
    ).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Buurtrestaurant")
    expect(reader.locator(f"#antwoord-{reply.pk}")).to_contain_text("Lina")
    expect(reader.get_by_role("button", name="Kopieer link")).to_be_visible()
    assert horizontal_overflow(reader) == 0
    context.close()

    # The note's author hears of the reply in their thread: the header's count, the list.
    context = browser.new_context(viewport=viewport)
    author = context.new_page()
    log_in(author, live_server.url, "auteur")
    author.goto(case_url)
    expect(author.locator("summary .unread-count")).to_have_text("1 ongelezen melding")
    author.goto(f"{live_server.url}/meldingen/")
    item = author.locator("li.notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Nieuwe reactie bij Buurtrestaurant")
    expect(item).to_contain_text("u schreef in dit gesprek")
    expect(item).to_contain_text("ons buurthuis")
    assert horizontal_overflow(author) == 0
    item.get_by_role("link", name="Buurtrestaurant").click()
    expect(author.locator(f"#antwoord-{reply.pk}")).to_contain_text("ons buurthuis")
    context.close()
    assert csp_violations == []
