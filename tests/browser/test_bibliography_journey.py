"""A reader follows a thinker cited at many places from the bibliography to every place, a page at
a time, and from one to the note there, on a laptop and a phone."""

import pytest
from playwright.sync_api import expect

from annotations import works_cited
from tests.browser.conftest import axe_clean, horizontal_overflow
from tests.factories import make_annotation, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORK = "Honneth (1995), Kampf um Anerkennung: Zur moralischen Grammatik sozialer Konflikte"


def test_a_reader_goes_from_the_bibliography_to_every_place_a_thinker_is_cited(
    live_server, viewport_page, csp_violations, monkeypatch
):
    monkeypatch.setattr(works_cited, "PLACES_PER_PAGE", 4)
    notes = [
        make_annotation(
            target=make_case(title=f"Buurtwerking nummer {n:02} met een lange naam"),
            voice="denker",
            attribution=WORK,
            body=f"Erkenning in buurtwerking {n:02}.",
        )
        for n in range(works_cited.PLACES_SHOWN + 2)
    ]
    page = viewport_page
    page.goto(live_server.url + "/literatuur/")
    thinkers = page.get_by_role("region", name="Denkers")
    expect(thinkers.get_by_role("listitem")).to_have_count(works_cited.PLACES_SHOWN)
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    thinkers.get_by_role("link", name=f"Alle 12 plaatsen waar {WORK} geciteerd wordt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(WORK)
    places = page.locator("ol.citations__places > li")
    expect(places).to_have_text(
        [f"Buurtwerking nummer {n:02} met een lange naam · De praktijk" for n in range(4)]
    )
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    pagination = page.get_by_role("navigation", name="Paginering")
    pagination.get_by_role("link", name="Volgende").click()
    expect(pagination).to_contain_text("Pagina 2 van 3")
    expect(places.first).to_have_text("Buurtwerking nummer 04 met een lange naam · De praktijk")

    places.first.get_by_role("link").click()
    note = page.locator(f"#kanttekening-{notes[4].pk}")
    expect(note).to_contain_text("Erkenning in buurtwerking 04.")
    expect(note).to_be_in_viewport()
    assert csp_violations == []
