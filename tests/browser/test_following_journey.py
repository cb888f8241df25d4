"""A member follows a case; a reviewer approves another member's note on it; the follower is told."""

import re

import pytest
from playwright.sync_api import Browser, expect

from annotations.models import Annotation
from annotations.roles import REVIEWERS_GROUP
from tests.browser.conftest import (
    PASSWORD,
    collect_console_errors,
    horizontal_overflow,
    log_in,
)
from tests.factories import make_annotation, make_case, make_member, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_follower_hears_of_a_note_approved_on_the_case_they_follow(
    live_server, browser: Browser, viewport_page, screenshot_dir
):
    case = make_case(title="Kookploeg Noord")
    follower = viewport_page
    errors = collect_console_errors(follower)
    make_member(
        make_organisation("Jeugdwerk Elders"),
        username="volger",
        password=PASSWORD,
        first_name="Vera",
    )
    author = make_member(
        make_organisation("Buurtwerk De Brug"), username="schrijver", first_name="Sara"
    )
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,))
    note = make_annotation(
        target=case,
        author=author,
        status="pending",
        body="Elke zaterdag schuiven er nieuwe buren aan.",
    )

    # The follower follows the case from its page.
    log_in(follower, live_server.url, "volger")
    follower.goto(live_server.url + case.get_absolute_url())
    follower.get_by_role("button", name="Volg deze praktijk").click()
    expect(follower.locator(".message--success")).to_contain_text("U volgt nu ‘Kookploeg Noord’")
    expect(follower.get_by_role("button", name="Niet meer volgen")).to_be_visible()
    expect(follower.locator("summary .unread-count")).to_have_count(0)

    # A reviewer approves the other member's note.
    context = browser.new_context()
    reviewer = context.new_page()
    log_in(reviewer, live_server.url, "moderator")
    reviewer.goto(f"{live_server.url}/moderatie/")
    item = reviewer.locator(f"#item-{note.pk}")
    item.get_by_label("Goedkeuren").check()
    item.get_by_role("button", name="Beslissen").click()
    expect(reviewer.locator(".message--success")).to_contain_text("goedgekeurd")
    context.close()
    assert Annotation.objects.get(pk=note.pk).status == "approved"

    # The follower sees the count in the header, and the notification in the list.
    follower.goto(live_server.url + "/")
    count = follower.locator("summary .unread-count")
    expect(count).to_have_text("1 ongelezen melding")
    assert horizontal_overflow(follower) == 0
    follower.locator("summary.account__toggle").click()
    follower.get_by_role("link", name="Meldingen").click()
    expect(follower.get_by_role("heading", level=1)).to_have_text("Meldingen")
    item = follower.locator("li.notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Nieuwe kanttekening bij Kookploeg Noord")
    expect(item).to_contain_text("Elke zaterdag schuiven er nieuwe buren aan.")
    expect(item).to_contain_text("u volgt deze praktijk")
    expect(item.locator(".notification__new")).to_have_text("nieuw")
    # Viewing them marks them read: the header's count is gone.
    expect(follower.locator("summary .unread-count")).to_have_count(0)
    assert horizontal_overflow(follower) == 0
    follower.screenshot(
        path=str(screenshot_dir / f"notifications-{follower.viewport_name}.png"), full_page=True
    )

    # The settings name the case among what the follower follows.
    follower.goto(live_server.url + "/account/instellingen/")
    expect(follower.locator(".follow-list")).to_contain_text("Kookploeg Noord")
    assert horizontal_overflow(follower) == 0
    follower.go_back()

    # The link leads to the note in the case's margin.
    item.get_by_role("link", name="Kookploeg Noord").click()
    expect(follower.locator(f"#kanttekening-{note.pk}")).to_contain_text("nieuwe buren")
    assert errors == []


@pytest.mark.parametrize(
    ("address", "follow", "name"),
    [
        ("case", "Volg deze praktijk", "Kookploeg Noord"),
        ("/kader/ontmoeting/", "Volg dit deel van het kader", "Ontmoeting"),
        ("/spanningsvelden/consensus-conflict/", "Volg dit spanningsveld", "consensus – conflict"),
    ],
)
def test_following_by_keyboard_returns_to_the_button_and_says_what_changed(
    live_server, viewport_page, csp_violations, address, follow, name
):
    # The page came back at its top with the focus on <body>, and the message at the top was
    # there at load, so a screen reader did not read it.
    case = make_case(title="Kookploeg Noord")
    make_member(make_organisation("Jeugdwerk Elders"), username="volger", password=PASSWORD)
    page = viewport_page
    log_in(page, live_server.url, "volger")
    page.goto(live_server.url + (case.get_absolute_url() if address == "case" else address))
    said = page.locator("form.follow-form .message")

    page.get_by_role("button", name=follow).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#volgen-bericht$"))
    expect(said).to_have_text(f"U volgt nu ‘{name}’. Nieuwe bijdragen ziet u bij uw meldingen.")
    expect(said).to_be_focused()
    expect(said).to_be_in_viewport()
    expect(page.locator("#berichten")).to_have_count(0)  # said once, beside the button
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Niet meer volgen")).to_be_focused()

    # Unfollowing too.
    page.keyboard.press("Enter")
    expect(said).to_have_text(f"U volgt ‘{name}’ niet meer.")
    expect(said).to_be_focused()
    expect(said).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=follow)).to_be_focused()
    assert horizontal_overflow(page) == 0
    assert csp_violations == []


def test_a_return_to_the_messages_is_read(live_server, viewport_page, csp_violations):
    # A moderation decision, and a follow stopped from the settings' list (its row is gone),
    # return to the page's messages (#berichten), which take the focus.
    case = make_case(title="Kookploeg Noord")
    author = make_member(make_organisation("Buurtwerk De Brug"), username="schrijver")
    note = make_annotation(target=case, author=author, status="pending", body="Elke zaterdag.")
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,))
    page = viewport_page
    log_in(page, live_server.url, "moderator")
    page.goto(f"{live_server.url}/moderatie/")
    item = page.locator(f"#item-{note.pk}")
    item.get_by_label("Goedkeuren").check()
    item.get_by_role("button", name="Beslissen").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#berichten$"))
    expect(page.locator("#berichten")).to_contain_text("goedgekeurd")
    expect(page.locator("#berichten")).to_be_focused()

    make_member(make_organisation("Jeugdwerk Elders"), username="volger", password=PASSWORD)
    page.context.clear_cookies()
    log_in(page, live_server.url, "volger")
    page.goto(live_server.url + case.get_absolute_url())
    page.get_by_role("button", name="Volg deze praktijk").click()
    page.goto(live_server.url + "/account/instellingen/")
    page.locator(".follow-list").get_by_role("button", name="Niet meer volgen").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/account/instellingen/#berichten$"))
    expect(page.locator("#berichten")).to_have_text("U volgt ‘Kookploeg Noord’ niet meer.")
    expect(page.locator("#berichten")).to_be_focused()
    assert csp_violations == []
