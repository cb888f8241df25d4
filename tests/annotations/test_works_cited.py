"""The bibliography and a work's own page: each place a work is cited once, in reading order, the
first few under the work and all of them a page at a time on its page; nothing unpublished."""

import lxml.html
import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import works_cited
from annotations.models import Annotation, Status
from annotations.targets import case_target
from cases.models import Case
from diegem import site_archive
from frameworks.models import Section
from tests.factories import make_annotation, make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

PUTNAM = "Putnam (2000)"


@pytest.fixture
def cited(framework):
    """Putnam cited by thinkers at five places (one of them twice), besides notes that cite it
    nowhere a reader may see, and by a planner at one place."""
    kitchen = make_case(title="Buurtkeuken")
    atelier = make_case(title="Atelier", context="Een oud fabrieksgebouw in de wijk.")
    pool = make_case(title="Zwemclub")
    draft = make_case(title="Verborgen praktijk", status=Case.Status.DRAFT)

    def cite(target, **fields):
        return make_annotation(target=target, voice="denker", attribution=PUTNAM, **fields)

    cite(Section.objects.get(key="strijd"))
    cite(kitchen)
    cite(Section.objects.get(key="wederzijdse-afhankelijkheid"))
    cite(atelier)
    cite(kitchen, body="Een tweede kanttekening op dezelfde plaats.")
    cite(case_target(atelier, "context"))
    cite(pool, status=Status.PENDING)
    cite(pool, status=Status.HIDDEN)
    cite(pool, anchor_state="orphaned")
    cite(draft)
    make_annotation(target=pool, voice="planner", attribution=PUTNAM)
    make_annotation(target=pool, voice="doener", attribution="Een doener noemt ook een bron")


# Putnam's places for thinkers in reading order: the framework in its order, then the cases by
# title, each case's text sections as its page shows them.
READING_ORDER = [
    "1.1 Wederzijdse afhankelijkheid",
    "1.3 Strijd",
    "Atelier · Context",
    "Atelier · De praktijk",
    "Buurtkeuken · De praktijk",
]


def work_url(voice: str, name: str, page: int | None = None) -> str:
    """A work's page, its name as a form encodes it (`Putnam (2000)`: `Putnam+%282000%29`)."""
    encoded = name.replace(" ", "+").replace("(", "%28").replace(")", "%29")
    url = f"{reverse('bibliography-work')}?stem={voice}&werk={encoded}"
    return url + (f"&pagina={page}" if page else "")


def test_the_bibliography_lists_each_place_a_work_is_cited_once_in_reading_order(client, cited):
    page = parse(client.get(reverse("bibliography")))
    thinkers = "//section[@aria-labelledby='thinkers-title']"
    planners = "//section[@aria-labelledby='planners-title']"
    assert texts(page, f"{thinkers}//dt") == [PUTNAM]
    assert texts(page, f"{thinkers}//dd//li") == READING_ORDER
    assert texts(page, f"{planners}//dt") == [PUTNAM]
    assert texts(page, f"{planners}//dd//li") == ["Zwemclub · De praktijk"]
    # All shown: no link to more.
    assert page.xpath("//p[@class='citations__more']") == []


def test_a_work_cited_at_more_places_than_shown_links_to_its_page_with_them_all(
    client, cited, monkeypatch
):
    monkeypatch.setattr(works_cited, "PLACES_SHOWN", 3)
    page = parse(client.get(reverse("bibliography")))
    thinkers = "//section[@aria-labelledby='thinkers-title']"
    assert texts(page, f"{thinkers}//dd//li") == READING_ORDER[:3]
    assert texts(page, f"{thinkers}//p[@class='citations__more']") == [
        "Alle 5 plaatsen waar Putnam (2000) geciteerd wordt"
    ]
    more = page.xpath(f"{thinkers}//p[@class='citations__more']/a/@href")
    assert more == [work_url("denker", PUTNAM)]

    work = parse(client.get(more[0]))
    assert texts(work, "//h1") == [PUTNAM]
    assert texts(work, "//p[@class='lead']") == [
        "Geciteerd door de denkers op 5 plaatsen. "
        "Eerst de paragrafen van het kader, dan de praktijken."
    ]
    assert texts(work, "//ol[@class='citations__places']/li") == READING_ORDER


def test_a_works_page_lists_its_places_a_page_at_a_time(client, cited, monkeypatch):
    monkeypatch.setattr(works_cited, "PLACES_PER_PAGE", 2)
    seen = {}
    for number in (1, 2, 3):
        page = parse(client.get(work_url("denker", PUTNAM, number)))
        seen[number] = texts(page, "//ol[@class='citations__places']/li")
        assert texts(page, "//nav[@class='pagination']//span[@aria-current='page']") == [
            f"Pagina {number} van 3"
        ]
    assert seen == {
        1: ["1.1 Wederzijdse afhankelijkheid", "1.3 Strijd"],
        2: ["Atelier · Context", "Atelier · De praktijk"],
        3: ["Buurtkeuken · De praktijk"],
    }
    page_two = parse(client.get(work_url("denker", PUTNAM, 2)))
    assert page_two.xpath("//ol[@class='citations__places']/@start") == ["3"]
    assert page_two.xpath("//a[@rel='next']/@href") == [
        "?stem=denker&werk=Putnam+%282000%29&pagina=3"
    ]


def test_each_place_links_to_its_first_note_there(client, cited):
    kitchen = Case.objects.get(title="Buurtkeuken")
    first = kitchen.annotations.order_by("pk").first()
    page = parse(client.get(work_url("denker", PUTNAM)))
    assert page.xpath("//ol[@class='citations__places']/li[5]/a/@href") == [
        f"{kitchen.get_absolute_url()}#kanttekening-{first.pk}"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?stem=denker",
        "?werk=Putnam+%282000%29",
        "?stem=doener&werk=Een+doener+noemt+ook+een+bron",
        "?stem=iemand&werk=Putnam+%282000%29",
        "?stem=denker&werk=Nooit+geciteerd",
    ],
)
def test_a_work_no_public_note_of_a_thinker_or_planner_cites_is_not_found(client, cited, query):
    assert client.get(reverse("bibliography-work") + query).status_code == 404


def test_a_work_cited_only_where_no_reader_may_see_it_is_not_found(client, framework):
    draft = make_case(status=Case.Status.DRAFT)
    make_annotation(target=draft, voice="denker", attribution="Op een ontwerp")
    make_annotation(voice="denker", attribution="Nog niet goedgekeurd", status=Status.PENDING)
    for name in ("Op een ontwerp", "Nog niet goedgekeurd"):
        response = client.get(work_url("denker", name))
        assert response.status_code == 404
        assert name not in response.content.decode()
        assert name not in client.get(reverse("bibliography")).content.decode()


@pytest.mark.parametrize(
    "number, shown",
    [
        ("abc", ["1.1 Wederzijdse afhankelijkheid", "1.3 Strijd"]),
        ("0", ["Buurtkeuken · De praktijk"]),
        ("-1", ["Buurtkeuken · De praktijk"]),
        ("99", ["Buurtkeuken · De praktijk"]),
    ],
)
def test_a_page_number_out_of_range_shows_the_first_or_the_last_page(
    client, cited, monkeypatch, number, shown
):
    """As Django's `Paginator.get_page`: no number the first page, one past either end the last."""
    monkeypatch.setattr(works_cited, "PLACES_PER_PAGE", 2)
    response = client.get(f"{work_url('denker', PUTNAM)}&pagina={number}")
    assert response.status_code == 200
    assert texts(parse(response), "//ol[@class='citations__places']/li") == shown


def after_reads_of_notes(reads: int, sql: str, params: list):
    """A database wrapper that runs `sql` once `reads` queries on the notes have run: what another
    request commits between a page's reads (the bibliography ranks, then reads; a work's page
    counts, pages its ids, then reads)."""
    seen = []

    def wrapper(execute, query, query_params, many, context):
        result = execute(query, query_params, many, context)
        if "annotations_annotation" in query:
            seen.append(query)
            if len(seen) == reads:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
        return result

    return wrapper


@pytest.mark.parametrize(
    "change",
    [
        "status = 'hidden', attribution = 'VERBORGEN NIEUWE NAAM'",
        "status = 'pending'",
        "voice = 'doener'",
    ],
)
def test_a_note_hidden_between_the_ranking_and_the_read_is_left_off(
    client, framework, settings, change
):
    settings.PAGE_CACHE_SECONDS = 0
    case = make_case(title="Buurtkeuken")
    note = make_annotation(target=case, voice="denker", attribution="Geciteerd werk")
    sql = f"UPDATE annotations_annotation SET {change} WHERE id = %s"
    with connection.execute_wrapper(after_reads_of_notes(1, sql, [note.pk])):
        response = client.get(reverse("bibliography"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"kanttekening-{note.pk}" not in body
    assert "VERBORGEN" not in body


def test_a_case_taken_offline_between_the_pages_two_reads_is_left_off(client, framework, settings):
    settings.PAGE_CACHE_SECONDS = 0
    kept = make_case(title="Atelier")
    gone = make_case(title="Buurtkeuken")
    for case in (kept, gone):
        make_annotation(target=case, voice="denker", attribution=PUTNAM)
    sql = "UPDATE cases_case SET status = 'draft', title = 'ONTWERPTITEL' WHERE id = %s"
    with connection.execute_wrapper(after_reads_of_notes(2, sql, [gone.pk])):
        response = client.get(work_url("denker", PUTNAM))
    assert response.status_code == 200
    assert texts(parse(response), "//ol[@class='citations__places']/li") == [
        "Atelier · De praktijk"
    ]
    assert "ONTWERPTITEL" not in response.content.decode()


def test_the_archive_holds_every_page_of_a_work(framework, tmp_path, monkeypatch):
    """Lists reached with a filter are archived ten pages deep (`FILTERED_LIST_PAGES`); a work's
    places are the bibliography's content: all of them."""
    monkeypatch.setattr(works_cited, "PLACES_SHOWN", 1)  # the bibliography links to the work
    monkeypatch.setattr(works_cited, "PLACES_PER_PAGE", 1)
    monkeypatch.setattr(site_archive, "FILTERED_LIST_PAGES", 2)
    for n in range(4):
        make_annotation(
            target=make_case(title=f"Praktijk {n}", slug=f"praktijk-{n}"),
            voice="denker",
            attribution=PUTNAM,
        )
    out = tmp_path / "archief"
    site_archive.archive_build(out)
    pages = sorted((out / "literatuur" / "werk").rglob("*.html"))
    shown = {
        texts(lxml.html.parse(str(page)).getroot(), "//ol[@class='citations__places']/li")[0]
        for page in pages
    }
    assert shown == {f"Praktijk {n} · De praktijk" for n in range(4)}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_bibliography_and_a_works_page_cost_the_same_queries_for_few_and_many_places(
    client, framework, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    cases = [make_case(title=f"Praktijk {n:02}") for n in range(30)]
    for case in cases[:2]:
        make_annotation(target=case, voice="denker", attribution=PUTNAM)
        make_annotation(target=case, voice="planner", attribution="Beleidsplan")
    urls = [reverse("bibliography"), work_url("denker", PUTNAM)]
    few = [count_queries(client, url) for url in urls]
    for case in cases[2:]:
        make_annotation(target=case, voice="denker", attribution=PUTNAM)
        make_annotation(target=case, voice="planner", attribution="Beleidsplan")
        make_annotation(target=case, voice="denker", attribution=f"Auteur {case.pk}")
    many = [count_queries(client, url) for url in urls]
    assert many == few


def test_the_bibliography_reads_only_the_notes_it_shows(client, framework, settings):
    """However often a work is cited, the page reads the notes of its first places and counts
    the rest in SQL: at 100,000 notes it took seconds and a gigabyte when it read every note."""
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(works_cited.PLACES_SHOWN + 5):
        make_annotation(
            target=make_case(title=f"Praktijk {n:02}"), voice="denker", attribution=PUTNAM
        )
    read = []

    def count(sender, instance, **kwargs):
        read.append(instance)

    post_init.connect(count, sender=Annotation)
    try:
        page = parse(client.get(reverse("bibliography")))
    finally:
        post_init.disconnect(count, sender=Annotation)
    assert len(read) == works_cited.PLACES_SHOWN
    assert len(texts(page, "//dd//li")) == works_cited.PLACES_SHOWN
    assert texts(page, "//p[@class='citations__more']") == [
        f"Alle {works_cited.PLACES_SHOWN + 5} plaatsen waar Putnam (2000) geciteerd wordt"
    ]
