"""The reviewers' queue: what each tab lists and counts, which decisions it offers, errors at the item."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Flag, Status
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading, make_reply, make_user
from tests.html import parse, textarea, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(framework):
    return Section.objects.get(key="ontmoeting")


def tabs(client) -> list[str]:
    return texts(
        parse(client.get(reverse("moderation-queue"))), "//nav[contains(@class,'tabs')]//a"
    )


def listed(client, queue: str) -> list[str]:
    page = parse(client.get(reverse("moderation-queue"), {"lijst": queue}))
    return page.xpath("//li[contains(@class,'queue-item')]/@id")


def flag(annotation, n: int):
    services.annotation_flag(
        annotation_id=annotation.pk,
        reader_key=f"session:{n}",
        client_hash=f"ip{n}",
        user=None,
        reason="spam",
    )


# --- the flagged tab ------------------------------------------------------------------------------


def test_a_fresh_seed_has_nothing_flagged(reviewer, framework):
    call_command("seed", verbosity=0)
    assert Annotation.objects.public().count() == 48
    assert tabs(logged_in(reviewer)) == ["Wachtend (0)", "Gemeld (0)", "Verweesd (0)"]
    assert listed(logged_in(reviewer), "gemeld") == []


def test_the_flagged_tab_lists_what_has_an_open_flag_and_nothing_else(section, reviewer, member_a):
    notes = [make_annotation(target=section, author=member_a, body=f"Noot {i}") for i in range(3)]
    client = logged_in(reviewer)
    assert tabs(client) == ["Wachtend (0)", "Gemeld (0)", "Verweesd (0)"]
    flag(notes[1], 1)
    flag(notes[1], 2)  # two flags on one note: still one item
    assert tabs(client) == ["Wachtend (0)", "Gemeld (1)", "Verweesd (0)"]
    assert listed(client, "gemeld") == [f"item-{notes[1].pk}"]
    services.annotation_moderate(
        annotation_id=notes[1].pk, action="keep", actor=reviewer, expected_version=1
    )
    assert Flag.objects.filter(annotation=notes[1], resolved_at__isnull=False).count() == 2
    assert tabs(client) == ["Wachtend (0)", "Gemeld (0)", "Verweesd (0)"]
    assert listed(client, "gemeld") == []


def test_flagged_queryset_ignores_unflagged_and_resolved(section, member_a):
    unflagged = make_annotation(target=section, author=member_a)
    resolved = make_annotation(target=section, author=member_a)
    resolved.flags.create(
        reader_key="r1", client_hash="h1", reason="spam", resolved_at="2026-01-01T00:00:00Z"
    )
    open_twice = make_annotation(target=section, author=member_a)
    open_twice.flags.create(reader_key="r1", client_hash="h1", reason="spam")
    open_twice.flags.create(reader_key="r2", client_hash="h2", reason="spam")
    assert list(Annotation.objects.flagged()) == [open_twice]
    assert unflagged.pk != resolved.pk


# --- who reaches the queue ---------------------------------------------------------------------------


def test_logged_out_the_queue_sends_to_the_login_page(framework):
    response = Client().get(reverse("moderation-queue"), {"lijst": "gemeld"})
    assert response.status_code == 302
    assert response["Location"] == "/account/aanmelden/?next=/moderatie/%3Flijst%3Dgemeld"


def test_logged_in_without_the_permission_the_queue_is_refused(member_a):
    assert logged_in(member_a).get(reverse("moderation-queue")).status_code == 403


# --- the decisions offered --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state, queue, offered",
    [
        ({"status": Status.PENDING}, "wachtend", ["Goedkeuren", "Aanpassing vragen", "Afwijzen"]),
        (
            {"status": Status.APPROVED, "flagged": True},
            "gemeld",
            ["Behouden (meldingen ongegrond)", "Afwijzen", "Verbergen"],
        ),
        ({"status": Status.HIDDEN, "flagged": True}, "gemeld", ["Goedkeuren", "Afwijzen"]),
        (
            {"status": Status.PENDING, "anchor_state": "orphaned"},
            "verweesd",
            ["Goedkeuren", "Aanpassing vragen", "Afwijzen"],
        ),
    ],
)
def test_only_the_decisions_the_status_allows_are_offered(
    section, reviewer, member_a, state, queue, offered
):
    state = dict(state)
    flagged = state.pop("flagged", False)
    annotation = make_annotation(target=section, author=member_a, **state)
    if flagged:
        annotation.flags.create(reader_key="r1", client_hash="h1", reason="spam")
    page = parse(logged_in(reviewer).get(reverse("moderation-queue"), {"lijst": queue}))
    item = page.xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert texts(item, ".//fieldset[legend='Beslissing']//label") == offered


# --- errors at the item ----------------------------------------------------------------------------


def decide(client, annotation, **fields):
    data = {f"a{annotation.pk}-{name}": value for name, value in fields.items()}
    data["next"] = "/moderatie/?lijst=wachtend"
    return client.post(reverse("moderation-decide", args=[annotation.pk]), data)


def test_a_refusal_without_reason_keeps_the_choice_and_texts_and_shows_the_error_at_the_item(
    section, reviewer, member_a
):
    first = make_annotation(target=section, author=member_a, status=Status.PENDING, body="Eerste")
    second = make_annotation(target=section, author=member_a, status=Status.PENDING, body="Tweede")
    response = decide(
        logged_in(reviewer),
        second,
        action="reject",
        version=1,
        public_reason="  ",
        internal_note="Twijfel over de bron.",
    )
    assert response.status_code == 200
    page = parse(response)
    item = page.xpath(f"//li[@id='item-{second.pk}']")[0]
    assert item.xpath(".//input[@type='radio'][@checked]/@value") == ["reject"]
    assert textarea(item, f"a{second.pk}-internal_note") == "Twijfel over de bron."
    reason = item.xpath(
        f".//textarea[@name='a{second.pk}-public_reason']/ancestor::div[contains(@class,'field')][1]"
    )[0]
    assert texts(reason, ".//p[contains(@class,'field-error')]") == [
        "Geef de auteur een reden mee bij deze beslissing."
    ]
    assert texts(item, ".//div[contains(@class,'form-errors')]//li") == [
        "Bericht aan de auteur: Geef de auteur een reden mee bij deze beslissing."
    ]
    assert item.xpath(".//form[contains(@class,'decision')]/@action") == [
        f"/moderatie/{second.pk}/#a{second.pk}-errors"
    ]
    assert item.xpath(".//input[@name='next']/@value") == ["/moderatie/?lijst=wachtend"]
    # The other item is as it was, and the page is the queue it came from.
    other = page.xpath(f"//li[@id='item-{first.pk}']")[0]
    assert not other.xpath(".//input[@checked]") and not other.xpath(
        ".//*[contains(@class,'field-error')]"
    )
    assert texts(page, "//nav[contains(@class,'tabs')]//a[@aria-current='page']") == [
        "Wachtend (2)"
    ]
    assert Annotation.objects.get(pk=second.pk).status == Status.PENDING

    # With a reason it goes through.
    response = decide(
        logged_in(reviewer),
        second,
        action="reject",
        version=1,
        public_reason="Hoort bij een andere passage.",
    )
    assert (
        response.status_code == 302
        and response["Location"] == "/moderatie/?lijst=wachtend#berichten"
    )
    assert Annotation.objects.get(pk=second.pk).status == Status.REJECTED


@pytest.mark.parametrize("version", ["abc", "", "0", "1e9999"])
def test_a_tampered_version_gets_a_clear_message_not_a_field_name(
    section, reviewer, member_a, version
):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = decide(logged_in(reviewer), annotation, action="approve", version=version)
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert texts(item, ".//div[contains(@class,'form-errors')]//li") == [
        "Deze pagina is verouderd of onvolledig doorgestuurd. Laad ze opnieuw en probeer het nog eens; wat u typte, staat hieronder nog."
    ]
    assert Annotation.objects.get(pk=annotation.pk).status == Status.PENDING


def test_a_decision_the_status_does_not_allow_is_named_in_dutch(section, reviewer, member_a):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = decide(logged_in(reviewer), annotation, action="keep", version=1)
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert texts(item, ".//div[contains(@class,'form-errors')]//li") == [
        "‘Behouden (meldingen ongegrond)’ kan niet bij een kanttekening met status ‘wacht op moderatie’."
    ]


def test_a_stale_decision_keeps_what_the_reviewer_wrote_and_says_who_acted(
    section, reviewer, member_a
):

    other = make_user("tweede", groups=("Moderatoren",), first_name="Tom", last_name="Twee")
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    services.annotation_moderate(
        annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=1
    )
    annotation.flags.create(
        reader_key="r1", client_hash="h1", reason="spam"
    )  # so it is in a queue again
    response = decide(
        logged_in(other), annotation, action="reject", version=1, public_reason="Past niet."
    )
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert texts(item, ".//div[contains(@class,'form-errors')]//li") == [
        "Deze kanttekening is intussen gewijzigd door Mona Moderator (nu: goedgekeurd). Bekijk ze opnieuw voor u iets beslist."
    ]
    assert textarea(item, f"a{annotation.pk}-public_reason") == "Past niet."
    assert item.xpath(f".//input[@name='a{annotation.pk}-version']/@value") == [
        "2"
    ]  # deciding again is deciding knowingly
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED


def test_a_refused_decision_names_only_the_offered_actions_that_need_a_reason(
    section, reviewer, member_a
):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = decide(logged_in(reviewer), annotation, action="reject", version=1)
    item = parse(response).xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert texts(item, ".//p[@class='helptext']") == ["Nodig bij: aanpassing vragen, afwijzen."]


@pytest.mark.parametrize(
    "shape, meanwhile, told",
    [
        (
            "note",
            "withdraw",
            "Kanttekening {pk} is intussen ingetrokken door de auteur; er valt niets meer te beslissen.",
        ),
        (
            "reading",
            "withdraw",
            "Lezing {pk} is intussen ingetrokken door de auteur; er valt niets meer te beslissen.",
        ),
        (
            "note",
            "reject",
            "Kanttekening {pk} heeft intussen de status ‘afgewezen’; er valt niets meer te beslissen.",
        ),
    ],
)
def test_a_decision_on_an_item_nothing_can_be_decided_on_any_more_says_so_without_a_form(
    framework, section, reviewer, member_a, shape, meanwhile, told
):
    if shape == "note":
        annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    else:
        annotation = make_reading(
            make_case(), source="ontmoeting", author=member_a, status="pending"
        )
    client = logged_in(reviewer)
    assert listed(client, "wachtend") == [f"item-{annotation.pk}"]  # the reviewer opens the queue
    if meanwhile == "withdraw":
        services.annotation_withdraw(annotation_id=annotation.pk, author=member_a)
    else:
        other = make_user("tweede", groups=("Moderatoren",), first_name="Tom")
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action="reject",
            actor=other,
            expected_version=1,
            public_reason="Past niet.",
        )
    response = decide(client, annotation, action="approve", version=1)
    assert response.status_code == 302
    assert response["Location"] == "/moderatie/?lijst=wachtend#berichten"
    page = parse(client.get(response["Location"]))
    assert texts(page, "//div[@id='berichten']/p") == [told.format(pk=annotation.pk)]
    assert not page.xpath(f"//li[@id='item-{annotation.pk}']")
    assert Annotation.objects.get(pk=annotation.pk).status != Status.APPROVED


def test_an_orphan_that_cannot_be_attached_keeps_the_pasted_passage(section, reviewer):
    annotation = make_annotation(
        target=section, anchor_state="orphaned", quote_exact="verdwenen zin"
    )
    response = logged_in(reviewer).post(
        reverse("moderation-attach", args=[annotation.pk]),
        {
            f"h{annotation.pk}-passage": "Deze zin staat nergens.",
            f"h{annotation.pk}-version": 1,
            "next": "/moderatie/?lijst=verweesd",
        },
    )
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert textarea(item, f"h{annotation.pk}-passage") == "Deze zin staat nergens."
    assert texts(
        item, ".//form[contains(@action,'verankeren')]//div[contains(@class,'form-errors')]//li"
    ) == ["Deze passage staat niet in de huidige tekst. Kopieer ze letterlijk uit de tekst."]


# --- the passage on the page -------------------------------------------------------------------------


def test_each_item_links_to_its_passage_on_the_public_page(framework, reviewer, member_a):
    case = make_case(
        slug="buurtkeuken",
        practice="Buren koken samen op vrijdag in het buurthuis.\n\nDaarna eten ze samen.",
    )
    pending = make_annotation(
        target=case, passage="koken samen op vrijdag", author=member_a, status=Status.PENDING
    )
    flagged = make_annotation(target=case, passage="eten ze samen", author=member_a)
    flagged.flags.create(reader_key="r1", client_hash="h1", reason="spam")
    client = logged_in(reviewer)
    for queue, annotation, href in [
        (
            "wachtend",
            pending,
            "/praktijken/buurtkeuken/#praktijk:~:text=koken%20samen%20op%20vrijdag",
        ),
        ("gemeld", flagged, f"/praktijken/buurtkeuken/#passage-{flagged.pk}"),
    ]:
        item = parse(client.get(reverse("moderation-queue"), {"lijst": queue})).xpath(
            f"//li[@id='item-{annotation.pk}']"
        )[0]
        assert item.xpath(".//a[text()='De passage op de pagina bekijken']/@href") == [href]


@pytest.mark.parametrize("shape", ["reply", "reading"])
def test_anchoring_a_contribution_without_a_passage_is_refused_not_a_500(
    framework, member_a, member_b, reviewer, shape
):
    case = make_case(title="Buurtkeuken")
    if shape == "reply":
        target = make_reply(make_annotation(target=case, author=member_b), author=member_a)
    else:
        target = make_reading(case, source="ontmoeting", author=member_a)
    client = logged_in(reviewer)
    client.raise_request_exception = False
    response = client.post(
        reverse("moderation-attach", args=[target.pk]),
        {f"h{target.pk}-version": target.version, f"h{target.pk}-passage": "Wat er gebeurt"},
    )
    assert response.status_code != 500


def test_the_decision_names_the_item_as_the_queue_does(framework, member_a, member_b, reviewer):
    case = make_case(title="Buurtkeuken")
    note = make_annotation(target=case, author=member_a, status=Status.PENDING)
    reply = make_reply(
        make_annotation(target=case, author=member_b), author=member_a, status=Status.PENDING
    )
    reading = make_reading(case, source="ontmoeting", author=member_a, status=Status.PENDING)
    client = logged_in(reviewer)
    told = []
    for item in (note, reply, reading):
        item.refresh_from_db()
        response = decide(client, item, action="approve", version=item.version)
        assert response["Location"] == "/moderatie/?lijst=wachtend#berichten"
        page = parse(client.get(response["Location"]))
        told += texts(page, "//div[@id='berichten']/p")
    assert told == [
        f"Kanttekening {note.pk}: goedgekeurd.",
        f"Antwoord {reply.pk}: goedgekeurd.",
        f"Lezing {reading.pk}: goedgekeurd.",
    ]
