"""A researcher reworks a published case, on a laptop and on a phone: a save that would take a
coding from it is refused, with the reason and everything typed kept; "Offline halen" then
takes it offline and saves those edits into the draft, and readers no longer find it."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from frameworks.models import Source
from tests.browser.conftest import (
    PASSWORD,
    axe_clean,
    collect_console_errors,
    horizontal_overflow,
    log_in,
)
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_researcher_takes_a_case_offline_to_rework_it(live_server, viewport_page, csp_violations):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    make_user("onderzoeker", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    case = make_case(title="Buurtkeuken Rabot", slug="buurtkeuken-rabot")
    assert case.is_public
    change = f"{live_server.url}/beheer/cases/case/{case.pk}/change/"
    log_in(page, live_server.url, "onderzoeker")  # the site's login serves the workbench too
    page.goto(change)
    expect(page).to_have_url(change)

    # The coding of "Strijd" ticked for deletion, and a new summary typed: refused, kept.
    strijd = str(Source.objects.get(key="strijd").pk)
    row = next(
        n
        for n in range(4)
        if page.locator(f"#id_source_codings-{n}-source").input_value() == strijd
    )
    page.locator(f"#id_source_codings-{row}-DELETE").check()
    page.locator("#id_summary").fill("Een samenvatting voor de herwerkte versie.")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".errornote, ul.errorlist").first).to_be_visible()
    expect(page.locator("ul.errorlist.nonfield")).to_have_text(
        "Deze praktijk is gepubliceerd en mag niet onvolledig worden; vul aan, of zet ze eerst "
        "offline: De bron ‘Strijd’ is niet gecodeerd."
    )
    expect(page.locator("#id_summary")).to_have_value("Een samenvatting voor de herwerkte versie.")
    assert Case.objects.get(pk=case.pk).source_codings.count() == 4
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    # As advised: offline, with the same edits (the form still holds them).
    page.get_by_role("button", name="Offline halen").click()
    expect(page.locator(".messagelist")).to_have_text(
        "‘Buurtkeuken Rabot’ is bewaard en is nu: concept."
    )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.summary, stored.source_codings.count()) == (
        Case.Status.DRAFT,
        "Een samenvatting voor de herwerkte versie.",
        3,
    )
    reader = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    assert reader.goto(f"{live_server.url}/praktijken/buurtkeuken-rabot/").status == 404
    reader.context.close()
    assert errors == []
    assert csp_violations == []
