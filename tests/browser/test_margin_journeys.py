"""The walkthrough's journeys (c) a member writes in the margin and (d) a reviewer works the queues.

Both on a laptop (1366x900) and a phone (390x844), with no console error, no
sideways scrolling, and axe-clean pages for what is new.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from annotations import services
from annotations.models import Annotation, Status
from annotations.roles import REVIEWERS_GROUP
from annotations.targets import case_target
from cases import services as case_services
from tests.browser.conftest import (
    PASSWORD,
    axe_clean,
    collect_console_errors,
    horizontal_overflow,
    log_in,
)
from tests.factories import (
    ensure_framework,
    make_annotation,
    make_case,
    make_member,
    make_organisation,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A case long enough that its last paragraphs are well below the first screen.
PARAGRAPHS = [
    f"Alinea {n}: buren uit de wijk koken elke week samen in het buurthuis en leren zo elkaars gewoonten kennen. "
    "Wie wil, schuift mee aan tafel; wie niet kan betalen, eet mee voor een glimlach en een handje hulp bij de afwas."
    for n in range(1, 9)
]
PRACTICE = "\n\n".join(PARAGRAPHS)


def note_in_view(page: Page, annotation: Annotation) -> None:
    """The page was opened at the note (one fragment) and shows it."""
    assert page.url.endswith(f"/praktijken/kookploeg/#kanttekening-{annotation.pk}")
    note = page.locator(f"#kanttekening-{annotation.pk}")
    expect(note).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 200  # not left at the top of the page


def test_member_writes_lands_on_the_note_edits_it_and_withdraws_another(
    live_server, viewport_page: Page, browser
):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    make_member(
        make_organisation("Buurtwerk De Brug"),
        username="lid@example.org",
        password=PASSWORD,
        first_name="Lina",
    )
    make_case(title="Kookploeg", slug="kookploeg", practice=PRACTICE)
    log_in(page, live_server.url, "lid@example.org")

    # A selected passage, far down the page.
    page.goto(f"{live_server.url}/praktijken/kookploeg/")
    paragraph = page.locator("#praktijk p.annotated__text").nth(6)
    paragraph.scroll_into_view_if_needed()
    paragraph.select_text()
    bar = page.locator(".selection-bar")
    expect(bar).to_be_visible()
    expect(bar.locator(".selection-bar__text")).to_contain_text("“Alinea 7")
    bar.get_by_role("link", name="Kanttekening schrijven bij deze passage").click()
    expect(page.locator(".passage-preview mark")).to_have_text(PARAGRAPHS[6])
    page.get_by_label("doener").check()
    page.get_by_label("voorbeeld").check()
    page.get_by_label("Kanttekening", exact=True).fill(
        "Bij ons in de buurt gebeurt dit ook, elke vrijdag."
    )
    page.get_by_role("button", name="Indienen voor moderatie").click()
    selected = Annotation.objects.get(body__startswith="Bij ons in de buurt")
    note_in_view(page, selected)
    expect(page.locator(f"#kanttekening-{selected.pk}")).to_contain_text("wacht op moderatie")
    assert horizontal_overflow(page) == 0

    # Without JavaScript: the text to copy from is open above the field; the passage is pasted.
    no_script = browser.new_context(
        viewport=page.viewport_size,
        storage_state=page.context.storage_state(),
        java_script_enabled=False,
    ).new_page()
    no_script.goto(f"{live_server.url}/praktijken/kookploeg/")
    no_script.locator("#praktijk").get_by_role("link", name="Kanttekening schrijven").click()
    expect(no_script.locator("details.context-text")).to_have_attribute("open", "")
    expect(no_script.locator("details.context-text")).to_contain_text("Alinea 8")
    no_script.get_by_label("Passage").fill("Alinea 8: buren uit de wijk koken elke week samen")
    no_script.get_by_label("denker").check()
    no_script.get_by_label("associatie").check()
    no_script.get_by_label("Kanttekening", exact=True).fill("Dit doet denken aan Simmel.")
    no_script.get_by_role("button", name="Indienen voor moderatie").click()
    pasted = Annotation.objects.get(body="Dit doet denken aan Simmel.")
    assert pasted.quote_exact == "Alinea 8: buren uit de wijk koken elke week samen"
    assert no_script.url.endswith(f"#kanttekening-{pasted.pk}")
    expect(no_script.locator(f"#kanttekening-{pasted.pk}")).to_be_in_viewport()
    no_script.context.close()

    # Edit the first from the margin: back on the note, with the new words.
    page.goto(f"{live_server.url}/praktijken/kookploeg/#kanttekening-{selected.pk}")
    page.locator(f"#kanttekening-{selected.pk}").get_by_role("link", name="Bewerken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kanttekening bewerken")
    page.get_by_label("Kanttekening", exact=True).fill(
        "Bij ons in de buurt gebeurt dit ook, elke vrijdag en zaterdag."
    )
    page.get_by_role("button", name="Bewaren").click()
    note_in_view(page, selected)
    expect(page.locator(f"#kanttekening-{selected.pk}")).to_contain_text("elke vrijdag en zaterdag")

    # Withdraw the other, after confirming.
    page.goto(f"{live_server.url}/kanttekeningen/mijn/")
    item = page.locator("li.my-note", has_text="Dit doet denken aan Simmel.")
    item.get_by_role("link", name=re.compile("^Intrekken")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kanttekening intrekken?")
    assert Annotation.objects.get(pk=pasted.pk).status == Status.PENDING  # nothing happened yet
    axe_clean(page)
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.locator(".message--success")).to_have_text("Uw kanttekening is ingetrokken.")
    expect(page.locator("li.my-note", has_text="Dit doet denken aan Simmel.")).to_contain_text(
        "ingetrokken"
    )
    assert Annotation.objects.get(pk=pasted.pk).status == Status.WITHDRAWN
    assert horizontal_overflow(page) == 0
    assert errors == []


def item(page: Page, annotation: Annotation):
    return page.locator(f"#item-{annotation.pk}")


def decide(page: Page, annotation: Annotation, choice: str, reason: str = "") -> None:
    row = item(page, annotation)
    row.get_by_label(choice, exact=True).check()
    if reason:
        row.get_by_label("Bericht aan de auteur").fill(reason)
    row.get_by_role("button", name="Beslissen").click()


def test_reviewer_works_the_three_queues(live_server, viewport_page: Page):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    member = make_member(
        make_organisation("Buurtwerk De Brug"), username="lid@example.org", first_name="Lina"
    )
    make_user("moderator", password=PASSWORD, groups=(REVIEWERS_GROUP,), first_name="Mona")
    case = make_case(
        title="Kookploeg",
        slug="kookploeg",
        practice=PRACTICE + "\n\nHet stadsbestuur betaalt de huur van de keuken.",
    )
    target = case_target(case, "practice")

    def submit(passage, body):
        return services.annotation_submit(
            author=member,
            target=target,
            voice="doener",
            kind="voorbeeld",
            body=body,
            passage=passage,
        )

    approve = submit("Alinea 1: buren uit de wijk", "GOEDKEUREN: zo gaat het bij ons ook.")
    reject = submit("Alinea 2: buren uit de wijk", "AFWIJZEN: kijk op mijn website.")
    changes = submit("Alinea 3: buren uit de wijk", "AANPASSEN: dit is een mooi voorbeeld.")
    flagged = make_annotation(
        target=case, passage="Alinea 4: buren uit de wijk", author=member, body="GEMELD: een noot."
    )
    services.annotation_flag(
        annotation_id=flagged.pk,
        reader_key="session:1",
        client_hash="h1",
        user=None,
        reason="off_topic",
        note="Hoort hier niet.",
    )
    orphan = make_annotation(
        target=case,
        passage="Het stadsbestuur betaalt de huur",
        author=member,
        body="VERWEESD: een noot.",
    )
    case.practice = PRACTICE  # the last paragraph goes: its note is orphaned
    case_services.case_write(case=case, actor=None, comment="De laatste alinea geschrapt.")
    assert Annotation.objects.get(pk=orphan.pk).anchor_state == "orphaned"

    log_in(page, live_server.url, "moderator")
    page.goto(f"{live_server.url}/moderatie/")
    tabs = page.locator("nav.tabs a")
    expect(tabs).to_have_text(["Wachtend (3)", "Gemeld (1)", "Verweesd (1)"])

    # Approve one.
    decide(page, approve, "Goedkeuren")
    expect(page.locator(".message--success")).to_have_text(
        f"Kanttekening {approve.pk}: goedgekeurd."
    )

    # Reject one without a reason: the error at the item, the choice kept, the item in view.
    expect(item(page, reject).locator("fieldset label")).to_have_text(
        ["Goedkeuren", "Aanpassing vragen", "Afwijzen"]
    )
    decide(page, reject, "Afwijzen")
    row = item(page, reject)
    expect(row.locator(".field-error")).to_have_text(
        "Geef de auteur een reden mee bij deze beslissing."
    )
    expect(row.get_by_label("Afwijzen", exact=True)).to_be_checked()
    expect(row.locator(".form-errors")).to_be_in_viewport()  # the page opens at the error
    axe_clean(page)
    # ... then with a reason.
    row.get_by_label("Bericht aan de auteur").fill("Reclame hoort niet in de kantlijn.")
    row.get_by_role("button", name="Beslissen").click()
    expect(page.locator(".message--success")).to_have_text(f"Kanttekening {reject.pk}: afgewezen.")

    # Ask for changes.
    decide(page, changes, "Aanpassing vragen", "Voeg er een bron aan toe.")
    expect(page.locator(".message--success")).to_have_text(
        f"Kanttekening {changes.pk}: aanpassing gevraagd."
    )
    expect(tabs).to_have_text(["Wachtend (0)", "Gemeld (1)", "Verweesd (1)"])

    # The flagged queue: the one note a reader really flagged, with the reader's reason.
    tabs.nth(1).click()
    expect(page.locator("li.queue-item")).to_have_count(1)
    row = item(page, flagged)
    expect(row.locator(".flags")).to_contain_text("Hoort hier niet.")
    expect(row.locator("fieldset label")).to_have_text(
        ["Behouden (meldingen ongegrond)", "Afwijzen", "Verbergen"]
    )
    expect(row.get_by_role("link", name="De passage op de pagina bekijken")).to_have_attribute(
        "href", f"/praktijken/kookploeg/#passage-{flagged.pk}"
    )
    decide(page, flagged, "Behouden (meldingen ongegrond)")
    expect(page.locator(".message--success")).to_have_text(
        f"Kanttekening {flagged.pk}: goedgekeurd."
    )

    # The orphan: attached to a passage of the current text.
    tabs.nth(2).click()
    row = item(page, orphan)
    row.get_by_label("Nieuwe passage").fill("Alinea 7: buren uit de wijk")
    row.get_by_role("button", name="Opnieuw verankeren").click()
    expect(page.locator(".message--success")).to_have_text(
        f"Kanttekening {orphan.pk} is opnieuw verankerd."
    )
    expect(tabs).to_have_text(["Wachtend (0)", "Gemeld (0)", "Verweesd (0)"])

    statuses = dict(Annotation.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in (approve, reject, changes, flagged, orphan)] == [
        Status.APPROVED,
        Status.REJECTED,
        Status.CHANGES_REQUESTED,
        Status.APPROVED,
        Status.APPROVED,
    ]
    assert Annotation.objects.get(pk=orphan.pk).quote_exact == "Alinea 7: buren uit de wijk"
    assert horizontal_overflow(page) == 0
    assert errors == []


def test_the_margin_filter_waits_for_its_button_and_comes_back_at_the_margin(
    live_server, viewport_page: Page
):
    """An arrow key in the filter's select changes the choice, not the page (WCAG 3.2.2); "Toon"
    applies it and the filtered page comes back at the filter, focused. Before, every change of
    a select sent the form: ArrowDown reloaded the page at its top with focus on <body>."""
    page = viewport_page
    errors = collect_console_errors(page)
    case = make_case(title="Kookploeg", slug="kookploeg", practice=PRACTICE)
    make_annotation(target=case, passage="Alinea 2", voice="denker", body="Wat een denker ziet.")
    make_annotation(target=case, passage="Alinea 5", voice="doener", body="Wat een doener doet.")
    page.goto(f"{live_server.url}/praktijken/kookploeg/")
    page.evaluate("window.stillThisPage = true")
    voice = page.get_by_label("Stem", exact=True)
    voice.focus()
    page.keyboard.press("ArrowDown")
    expect(voice).to_have_value("denker")
    page.wait_for_timeout(1000)  # time enough to have sent the form, had it been sent
    assert page.evaluate("window.stillThisPage === true")
    assert page.url == f"{live_server.url}/praktijken/kookploeg/"
    expect(voice).to_be_focused()

    page.keyboard.press("Tab")  # the kind
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Toon")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/praktijken/kookploeg/\?stem=denker&soort=#kantlijn$"))
    expect(page.get_by_text("Wat een denker ziet.")).to_be_visible()
    expect(page.get_by_text("Wat een doener doet.")).to_have_count(0)
    margin = page.get_by_role("form", name="Kanttekeningen filteren")
    expect(margin).to_be_focused()
    expect(margin).to_be_in_viewport()
    expect(page.get_by_label("Stem", exact=True)).to_have_value("denker")
    assert page.evaluate("window.scrollY") > 200  # not back at the top of the page
    page.keyboard.press("Tab")  # on from where the reader was: the filter itself
    expect(page.get_by_label("Stem", exact=True)).to_be_focused()

    page.get_by_role("link", name="alles tonen").click()
    page.wait_for_url(re.compile(r"/praktijken/kookploeg/\?#kantlijn$"))
    expect(page.get_by_text("Wat een doener doet.")).to_be_visible()
    expect(margin).to_be_in_viewport()
    assert errors == []
