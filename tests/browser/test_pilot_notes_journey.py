"""A reader follows a pilot's note from the framework to the pilot, on a laptop and on a phone.

The research text prints the doers' notes beside sections of the framework; the bank shows each
beside its section under "Uit de pilootcases" and in its pilot's margin, as one annotation. The
reader meets it on the framework page, follows it, and lands on the same note in the pilot's
text, with no sideways scrolling and no axe violation on the way.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case
from frameworks.models import Section
from tests.browser.conftest import axe_clean, collect_console_errors, horizontal_overflow
from tests.factories import ensure_framework, make_annotation, make_case

# A pilot's text long enough that its note lies below the first screen.
PARAGRAPHS = [
    f"Alinea {n}: buren uit de wijk koken elke week samen in het buurthuis en leren zo elkaars gewoonten kennen. "
    "Wie wil, schuift mee aan tafel; wie niet kan betalen, eet mee voor een glimlach en een handje hulp bij de afwas."
    for n in range(1, 9)
]
PRACTICE = "\n\n".join(PARAGRAPHS)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Wie mee aan tafel schuift, hoort erbij: zo groeit hier verbondenheid tussen buren die elkaar anders niet zouden kennen."


def test_reader_follows_a_pilots_note_from_the_framework_to_the_pilot(
    live_server, viewport_page: Page
):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    pilot = make_case(title="Kookploeg", slug="kookploeg", kind=Case.Kind.PILOT, practice=PRACTICE)
    note = make_annotation(
        target=pilot,
        passage=PARAGRAPHS[6],
        voice="doener",
        kind="voorbeeld",
        body=NOTE,
        attribution="Kookploeg, Gent",
        seed_key="kookploeg-ontmoeting",
        echo_section=Section.objects.get(key="ontmoeting"),
    )

    # The framework's section on ontmoeting, and under it the pilot's note.
    page.goto(f"{live_server.url}/kader/ontmoeting/")
    echoes = page.locator("section.echoes")
    expect(echoes.get_by_role("heading", name="Uit de pilootcases")).to_be_visible()
    echo = echoes.locator(f"#kanttekening-{note.pk}")
    expect(echo.locator(".note__body")).to_have_text(NOTE)
    expect(echo.locator(".note__attribution")).to_have_text("naar Kookploeg, Gent")
    expect(echo.locator(".note__quote")).to_contain_text(
        "Bij een passage van Kookploeg · De praktijk: “Alinea 7: buren uit de wijk"
    )
    echo.scroll_into_view_if_needed()
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    assert errors == []

    # Following it opens the pilot at the same note, beside its passage far down the text.
    echo.locator(".note__quote a").click()
    expect(page).to_have_url(re.compile(rf"/praktijken/kookploeg/#kanttekening-{note.pk}$"))
    landed = page.locator(f"#kanttekening-{note.pk}")
    expect(landed).to_be_in_viewport()
    expect(landed.locator(".note__body")).to_have_text(NOTE)
    assert page.evaluate("window.scrollY") > 200  # the fragment scrolled the page to the note
    assert page.locator(".note__body", has_text=NOTE).count() == 1  # one annotation, not a copy
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    assert errors == []
