"""A form sent back with errors says so where the reader is: the list of errors takes the focus
(and so comes into view, on a phone too, far below the top of the page), and each of its links
leads to its field, a group of choices to its first choice."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.roles import REVIEWERS_GROUP
from tests.browser.conftest import PASSWORD, axe_clean, horizontal_overflow, log_in
from tests.factories import (
    ensure_framework,
    make_annotation,
    make_case,
    make_member,
    make_organisation,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.top < window.innerHeight;
}"""


def test_a_reply_sent_without_a_voice_comes_back_with_its_errors_in_view(
    live_server, viewport_page, csp_violations
):
    ensure_framework()
    make_member(make_organisation("Buurtwerk De Brug"), username="lid", password=PASSWORD)
    case = make_case(title="Buurtrestaurant")
    note = make_annotation(target=case, body="Koken brengt mensen samen.")
    page = viewport_page
    log_in(page, live_server.url, "lid")
    page.goto(f"{live_server.url}/kanttekeningen/{note.pk}/")
    page.get_by_label("Uw antwoord").fill("Ook in ons buurthuis.")
    page.get_by_role("button", name="Antwoord versturen").click()

    summary = page.locator(".form-errors")
    expect(summary).to_contain_text("Stem")
    expect(summary).to_be_focused()
    assert summary.evaluate(IN_VIEW)
    expect(page.get_by_label("Uw antwoord")).to_have_value("Ook in ons buurthuis.")
    assert not Annotation.objects.replies().exists()

    # Its link to the voice leads to the voice's first choice, its question in view above it.
    summary.get_by_role("link", name="Stem").click()
    first_choice = page.locator("input[name='voice']").first
    expect(first_choice).to_be_focused()
    assert first_choice.evaluate(IN_VIEW)
    assert page.locator("fieldset", has=first_choice).locator("legend").evaluate(IN_VIEW)
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    assert csp_violations == []


def test_a_reviewers_refusal_without_a_reason_focuses_the_errors_of_that_item(
    live_server, viewport_page, csp_violations
):
    ensure_framework()
    member = make_member(make_organisation("Buurtwerk De Brug"), username="lid")
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,))
    case = make_case(title="Buurtrestaurant")
    first, second = (
        make_annotation(target=case, author=member, status="pending", body=body)
        for body in ("Eerste kanttekening.", "Tweede kanttekening.")
    )
    page = viewport_page
    log_in(page, live_server.url, "moderator")
    page.goto(f"{live_server.url}/moderatie/")
    item = page.locator(f"#item-{second.pk}")
    item.get_by_label("Afwijzen").check()
    item.get_by_role("button", name="Beslissen").click()

    summary = page.locator(f"#a{second.pk}-errors")
    expect(summary).to_be_focused()
    assert summary.evaluate(IN_VIEW)
    assert Annotation.objects.get(pk=second.pk).status == "pending"
    assert Annotation.objects.get(pk=first.pk).status == "pending"
    assert csp_violations == []
