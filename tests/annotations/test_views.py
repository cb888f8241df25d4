"""The annotation flows through the web: write, see, edit, withdraw, flag, moderate."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.test import Client as Fresh
from django.urls import reverse
from django.utils import timezone

from annotations import services
from annotations.models import Annotation, Flag, Status
from annotations.targets import case_target, section_target
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading, make_reply, make_user
from tests.html import parse, textarea, texts

pytestmark = pytest.mark.django_db


def form_data(target, **overrides):
    return {
        "doel": target.key,
        "voice": "doener",
        "kind": "voorbeeld",
        "body": "Bij ons in de **buurt** gebeurt dit ook.",
        "attribution": "",
        "link": "",
        **overrides,
    }


@pytest.fixture
def section(framework):
    return Section.objects.get(key="ontmoeting")


# --- writing ----------------------------------------------------------------------------------


def test_member_annotates_a_selected_passage(section, member_a):
    target = section_target(section)
    start, end = 0, 30
    client = logged_in(member_a)
    query = {
        "doel": target.key,
        "start": start,
        "end": end,
        "exact": target.text[start:end],
        "revisie": target.revision,
    }
    page = client.get(reverse("annotation-new"), query)
    assert page.status_code == 200
    assert (
        target.text[start:end]
        in texts(parse(page), "//figure[contains(@class,'passage-preview')]//mark")[0]
    )
    response = client.post(
        reverse("annotation-new"),
        form_data(target, **{k: v for k, v in query.items() if k != "doel"}),
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert (annotation.position_start, annotation.position_end, annotation.status) == (
        0,
        30,
        Status.PENDING,
    )
    assert response["Location"] == annotation.get_absolute_url()


def test_member_annotates_a_pasted_passage_without_javascript(section, member_a):
    target = section_target(section)
    passage = target.text.split(". ")[1][:50]
    response = logged_in(member_a).post(
        reverse("annotation-new"), form_data(target, passage=f"  {passage}  ")
    )
    assert response.status_code == 302
    assert Annotation.objects.get().quote_exact == passage.strip()


def test_a_passage_that_is_not_in_the_text_is_refused_with_a_clear_message(section, member_a):
    target = section_target(section)
    response = logged_in(member_a).post(
        reverse("annotation-new"), form_data(target, passage="Dit zinnetje bestaat niet.")
    )
    assert response.status_code == 200
    errors = texts(parse(response), "//div[contains(@class,'form-errors')]//li")
    assert any(
        error.startswith("Passage:") and "staat niet in de tekst" in error for error in errors
    )
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"body": ""}, "Kanttekening"),
        ({"voice": "dichter"}, "Stem"),
        ({"kind": "roddel"}, "Soort"),
        ({"link": "javascript:alert(1)"}, "Link (optioneel)"),
        ({"link": "ftp://example.org/x"}, "Link (optioneel)"),
        ({"body": "x" * 5001}, "Kanttekening"),
        ({"attribution": "a" * 201}, "Bron (optioneel)"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(section, member_a, overrides, field):
    target = section_target(section)
    data = form_data(target, passage=target.text[:30], **overrides)
    response = logged_in(member_a).post(reverse("annotation-new"), data)
    assert response.status_code == 200
    errors = texts(parse(response), "//div[contains(@class,'form-errors')]//li")
    assert any(error.startswith(field + ":") for error in errors), errors
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.org/x", "http://", "https://exa mple.org"]
)
def test_a_bad_link_is_told_once_what_a_link_must_be(section, member_a, link):
    target = section_target(section)
    data = form_data(target, passage=target.text[:30], link=link)
    page = parse(logged_in(member_a).post(reverse("annotation-new"), data))
    assert texts(page, "//div[contains(@class,'form-errors')]//li") == [
        "Link (optioneel): Geef een geldig webadres, dat begint met http:// of https://."
    ]
    assert len(page.xpath("//*[@id='id_link_error']")) == 1
    assert page.xpath("//input[@name='link']/@value") == [link]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ('https://example.org/"werking é', "https://example.org/%22werking%20%C3%A9"),
        ("https://example.org/Beleidsnota 2024.pdf", "https://example.org/Beleidsnota%202024.pdf"),
        # A host in its own script is a web address too (checked as typed, then escaped).
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("https://example.org/al%20geschreven", "https://example.org/al%20geschreven"),
    ],
)
def test_a_link_is_kept_as_a_web_address_may_be_written(section, member_a, typed, kept):
    target = section_target(section)
    data = form_data(target, passage=target.text[:30], link=typed)
    assert logged_in(member_a).post(reverse("annotation-new"), data).status_code == 302
    assert Annotation.objects.get().link == kept


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        # Written by this Python's IDNA as strasse.de: another site than a browser opens.
        (
            "https://straße.de/",
            "Geef de naam van de website zoals de adresbalk van uw browser ze toont.",
        ),
        # Its length counts as it is kept: each é two bytes, each byte written as %XX.
        (
            "https://example.org/" + "é" * 100,
            "Zorg dat deze waarde niet meer dan 500 tekens bevat (het zijn er nu 620).",
        ),
    ],
)
def test_a_link_that_cannot_be_kept_as_typed_is_refused_with_what_was_typed(
    section, member_a, typed, told
):
    target = section_target(section)
    data = form_data(target, passage=target.text[:30], link=typed)
    page = parse(logged_in(member_a).post(reverse("annotation-new"), data))
    assert texts(page, "//div[contains(@class,'form-errors')]//li") == [f"Link (optioneel): {told}"]
    assert page.xpath("//input[@name='link']/@value") == [typed]
    assert not Annotation.objects.exists()


def test_no_text_box_cuts_a_pasted_text_short(section, member_a, framework):
    """A browser cuts text pasted past a textarea's maxlength without a word: the note's,
    the reading's and the flag's boxes have none; their length is checked on sending."""
    case = make_case(slug="buurtkeuken")
    client = logged_in(member_a)
    for url in (
        reverse("annotation-new") + "?doel=section:" + section.key,
        reverse("reading-new", args=[case.slug, "strijd"]),
    ):
        areas = parse(client.get(url)).xpath("//form//textarea")
        assert areas, url
        assert [area.get("name") for area in areas if area.get("maxlength")] == [], url


def test_unpublished_or_unknown_targets_cannot_be_annotated(framework, member_a):
    draft = make_case(status="draft")
    client = logged_in(member_a)
    for key in (
        f"case:{draft.slug}:practice",
        "case:bestaat-niet:practice",
        "section:geen",
        "case:x",
        "",
    ):
        assert client.get(reverse("annotation-new"), {"doel": key}).status_code == 404, key


def test_submitting_too_often_is_refused_with_everything_typed_kept(section, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 1
    target = section_target(section)
    client = logged_in(member_a)
    assert (
        client.post(
            reverse("annotation-new"), form_data(target, passage=target.text[:30])
        ).status_code
        == 302
    )
    typed = form_data(
        target,
        passage=target.text[:30],
        body="Een lange tekst die niet verloren mag gaan.",
        attribution="Fraser (1997)",
        link="https://example.org/x",
    )
    response = client.post(reverse("annotation-new"), typed)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = parse(response)
    assert textarea(page, "body") == "Een lange tekst die niet verloren mag gaan."
    assert textarea(page, "passage") == target.text[:30]
    assert page.xpath("//input[@name='attribution']/@value") == ["Fraser (1997)"]
    assert page.xpath("//input[@name='link']/@value") == ["https://example.org/x"]
    assert page.xpath("//input[@name='voice'][@checked]/@value") == ["doener"]
    errors = texts(page, "//div[contains(@class,'form-errors')]//li")
    assert len(errors) == 1 and errors[0].startswith(
        "U hebt dit uur al 1 kanttekeningen ingediend of bewerkt, het maximum."
    )
    assert Annotation.objects.count() == 1


# --- the margin -------------------------------------------------------------------------------


def test_approved_annotation_sits_in_the_margin_beside_its_highlighted_passage(client, framework):
    case = make_case()
    target = case_target(case, "practice")
    annotation = make_annotation(
        target=case,
        passage=target.text[:20],
        body="Een *goede* opmerking.",
        attribution="Simmel (1950)",
    )
    tree = parse(client.get(case.get_absolute_url()))
    row = tree.xpath(
        f"//div[contains(@class,'annotated__row')][.//article[@id='kanttekening-{annotation.pk}']]"
    )[0]
    assert texts(row, ".//mark[contains(@class,'hl')]") == [target.text[:20]]
    assert row.xpath(".//mark/@data-annotations")[0] == str(annotation.pk)
    note = row.xpath(f".//article[@id='kanttekening-{annotation.pk}']")[0]
    assert note.xpath(".//em/text()") == ["goede"]
    assert "Simmel (1950)" in note.text_content()


def test_margin_filters_by_voice_and_kind(client, section):
    thinker = make_annotation(
        target=section, voice="denker", kind="associatie", body="Denkerstekst"
    )
    doer = make_annotation(target=section, voice="doener", kind="voorbeeld", body="Doenerstekst")
    url = section.get_absolute_url()
    page = client.get(url, {"stem": "doener"}).content.decode()
    assert "Doenerstekst" in page and "Denkerstekst" not in page
    page = client.get(url, {"soort": "associatie"}).content.decode()
    assert "Denkerstekst" in page and "Doenerstekst" not in page
    page = client.get(url, {"stem": "onzin"}).content.decode()
    assert "Denkerstekst" in page and "Doenerstekst" in page
    assert thinker.pk != doer.pk


def test_author_sees_own_pending_annotation_marked_others_do_not(
    section, member_a, member_b, client
):
    annotation = make_annotation(
        target=section, author=member_a, status=Status.PENDING, body="Nog niet goedgekeurd"
    )
    mine = parse(logged_in(member_a).get(section.get_absolute_url()))
    note = mine.xpath(f"//article[@id='kanttekening-{annotation.pk}']")[0]
    assert "wacht op moderatie" in note.text_content()
    assert mine.xpath("//mark[contains(@class,'hl--pending')]")
    for other in (logged_in(member_b), client):
        assert "Nog niet goedgekeurd" not in other.get(section.get_absolute_url()).content.decode()


def test_members_get_the_write_link_and_script_readers_only_the_text(section, member_a, client):
    member_page = logged_in(member_a).get(section.get_absolute_url())
    assert parse(member_page).xpath("//a[contains(@class,'annotated__write')]")
    assert "'nonce-" in member_page["Content-Security-Policy"]
    script = parse(member_page).xpath("//script[@src]")[0]
    assert script.get("nonce") and script.get("nonce") in member_page["Content-Security-Policy"]
    assert not parse(client.get(section.get_absolute_url())).xpath(
        "//a[contains(@class,'annotated__write')]"
    )


# --- editing and withdrawing ------------------------------------------------------------------


def test_editing_an_approved_annotation_sends_it_back_to_review(section, member_a, client):
    annotation = make_annotation(target=section, author=member_a, body="Eerste versie")
    response = logged_in(member_a).post(
        reverse("annotation-edit", args=[annotation.pk]),
        {
            "voice": "denker",
            "kind": "associatie",
            "body": "Tweede versie",
            "attribution": "",
            "link": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.status, annotation.body) == (Status.PENDING, "Tweede versie")
    assert "Tweede versie" not in client.get(section.get_absolute_url()).content.decode()


def test_edit_with_an_old_version_is_refused(section, member_a):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING, version=3)
    client = logged_in(member_a)
    response = client.post(
        reverse("annotation-edit", args=[annotation.pk]),
        {
            "voice": "denker",
            "kind": "associatie",
            "body": "Nieuw",
            "attribution": "",
            "link": "",
            "version": 2,
        },
        follow=True,
    )
    assert (
        "Uw wijziging is niet bewaard: er is intussen iets veranderd" in response.content.decode()
    )
    assert Annotation.objects.get(pk=annotation.pk).body == "Een kanttekening."


EDITED = {
    "voice": "denker",
    "kind": "associatie",
    "body": "Mijn **herwerkte** tekst.",
    "attribution": "Durkheim (1984)",
    "link": "",
    "version": 1,
}


@pytest.mark.parametrize(
    "shape, decision, message",
    [
        (
            "note",
            "reject",
            "Deze kanttekening kan niet meer bewerkt worden: ze heeft intussen de status ‘afgewezen’.",
        ),
        (
            "reply",
            "reject",
            "Dit antwoord kan niet meer bewerkt worden: het heeft intussen de status ‘afgewezen’.",
        ),
        (
            "note",
            "withdraw",
            "Deze kanttekening kan niet meer bewerkt worden: ze heeft intussen de status ‘ingetrokken’.",
        ),
    ],
)
def test_an_edit_of_what_was_decided_meanwhile_gives_the_typed_text_back(
    section, member_a, member_b, reviewer, shape, decision, message
):
    if shape == "note":
        annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    else:
        note = make_annotation(target=section, author=member_b)
        annotation = make_reply(note, author=member_a, status=Status.PENDING)
    before = annotation.body
    client = logged_in(member_a)
    url = reverse("annotation-edit", args=[annotation.pk])
    assert client.get(url).status_code == 200  # the author opens the form; meanwhile:
    if decision == "withdraw":  # in another tab
        services.annotation_withdraw(annotation_id=annotation.pk, author=member_a)
    else:
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action=decision,
            actor=reviewer,
            expected_version=1,
            public_reason="Past niet.",
        )
    response = client.post(url, EDITED)
    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//p[contains(@class,'notice')]") == [message]
    assert page.xpath("//textarea[@id='kept-body']")[0].text.strip() == EDITED["body"]
    assert page.xpath("//input[@id='kept-attribution']/@value") == [EDITED["attribution"]]
    # Called as its own form calls it.
    assert texts(page, "//label[@for='kept-body']") == [
        {"note": "Kanttekening", "reply": "Uw antwoord"}[shape]
    ]
    assert "Mona" not in response.content.decode()
    annotation.refresh_from_db()
    assert annotation.body == before


@pytest.mark.parametrize(
    "who, message",
    [
        (
            "moderator",
            "Uw wijziging is niet bewaard: de moderatie heeft intussen beslist (nu: goedgekeurd). "
            "Kijk uw tekst hieronder na en bewaar opnieuw.",
        ),
        (
            "author",
            "Uw wijziging is niet bewaard: u hebt intussen al een andere wijziging bewaard "
            "(nu: wacht op moderatie). Kijk uw tekst hieronder na en bewaar opnieuw.",
        ),
    ],
)
def test_a_stale_edit_speaks_to_the_author_and_never_names_the_moderator(
    section, member_a, reviewer, who, message
):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    if who == "moderator":
        services.annotation_moderate(
            annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=1
        )
    else:  # the same author, in another tab
        services.annotation_edit(
            annotation_id=annotation.pk,
            author=member_a,
            expected_version=1,
            voice="denker",
            kind="associatie",
            body="Elders bewaard.",
        )
    response = logged_in(member_a).post(reverse("annotation-edit", args=[annotation.pk]), EDITED)
    assert response.status_code == 200
    page = parse(response)
    assert texts(page, "//div[contains(@class,'form-errors')]//li") == [message]
    assert "Mona" not in response.content.decode()
    # What was typed stays, with the version as it is now: saving again is saving knowingly.
    assert textarea(page, "body") == EDITED["body"]
    assert page.xpath("//input[@name='version']/@value") == [str(annotation.version + 1)]


def test_the_edit_page_shows_what_the_moderator_asked_and_not_the_internal_note(
    section, member_a, reviewer
):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="request_changes",
        actor=reviewer,
        expected_version=1,
        public_reason="Noem een <b>bron</b> & een jaartal.",
        internal_note="Intern: de auteur schreef dit al eens.",
    )
    url = reverse("annotation-edit", args=[annotation.pk])
    response = logged_in(member_a).get(url)
    page = parse(response)
    assert texts(page, "//main//*[contains(@class,'moderator-message')]") == [
        "Bericht van de moderator: Noem een <b>bron</b> & een jaartal."
    ]
    assert not page.xpath("//main//b")  # escaped, not markup
    assert "Intern:" not in response.content.decode()
    assert "Mona" not in response.content.decode()
    # Once the author reworked it, the request is answered: no longer shown.
    logged_in(member_a).post(url, {**EDITED, "version": 2})
    assert not parse(logged_in(member_a).get(url)).xpath(
        "//main//*[contains(@class,'moderator-message')]"
    )


def test_withdraw_asks_for_confirmation_first_and_only_the_author_can(section, member_a, member_b):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    url = reverse("annotation-withdraw", args=[annotation.pk])
    confirmation = logged_in(member_a).get(url)
    assert confirmation.status_code == 200
    form = parse(confirmation).xpath("//main//form[@method='post']")[0]
    assert form.xpath(".//button/text()") == ["Ja, intrekken"]
    assert (
        Annotation.objects.get(pk=annotation.pk).status == Status.PENDING
    )  # looking changes nothing
    assert logged_in(member_b).get(url).status_code == 404
    assert logged_in(member_b).post(url).status_code == 404
    assert logged_in(member_a).post(url).status_code == 302
    assert Annotation.objects.get(pk=annotation.pk).status == Status.WITHDRAWN
    assert (
        logged_in(member_a).post(url, follow=True).status_code == 200
    )  # again: a message, no change
    assert Annotation.objects.get(pk=annotation.pk).status == Status.WITHDRAWN
    again = logged_in(member_a).get(url, follow=True)
    assert "kan niet meer ingetrokken worden" in again.content.decode()


def test_my_annotations_links_to_the_confirmation_as_a_secondary_action(section, member_a):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    page = parse(logged_in(member_a).get(reverse("annotations-mine")))
    actions = page.xpath("//div[contains(@class,'my-note__actions')]/*")
    assert [(a.tag, a.get("href"), a.get("class")) for a in actions] == [
        (
            "a",
            f"/kanttekeningen/{annotation.pk}/bewerken/",
            "button button--small button--secondary",
        ),
        (
            "a",
            f"/kanttekeningen/{annotation.pk}/intrekken/",
            "button button--small button--secondary",
        ),
    ]
    assert not page.xpath("//div[contains(@class,'my-note__actions')]//form")


def test_my_annotations_name_each_kind_of_contribution_for_screen_readers(
    section, member_a, member_b
):
    case = make_case()
    note = make_annotation(target=section, author=member_a, status=Status.PENDING)
    reply = make_reply(make_annotation(target=section, author=member_b), author=member_a)
    reading = make_reading(case, source="ontmoeting", author=member_a, status=Status.PENDING)
    page = parse(logged_in(member_a).get(reverse("annotations-mine")))
    for item, named in [
        (note, "deze kanttekening"),
        (reply, "dit antwoord"),
        (reading, "deze lezing"),
    ]:
        actions = texts(
            page, f"//li[@id='mijn-{item.pk}']//div[contains(@class,'my-note__actions')]/a"
        )
        assert actions == [f"Bewerken {named}", f"Intrekken… {named}"]


def test_my_annotations_shows_status_and_the_moderators_message(section, member_a, reviewer):

    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="request_changes",
        actor=reviewer,
        expected_version=1,
        public_reason="Voeg een bron toe.",
    )
    page = parse(logged_in(member_a).get(reverse("annotations-mine")))
    item = page.xpath("//li[contains(@class,'my-note')]")[0]
    assert "aanpassing gevraagd" in item.text_content()
    assert "Voeg een bron toe." in item.text_content()


# --- flags ------------------------------------------------------------------------------------


def test_anonymous_reader_flags_once(client, section):
    annotation = make_annotation(target=section)
    url = reverse("annotation-flag", args=[annotation.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "spam"}).status_code == 302
    client.post(url, {"reason": "offensive"}, follow=True)
    assert Flag.objects.filter(annotation=annotation).count() == 1


def test_flag_without_a_reason_names_the_field(client, section):
    annotation = make_annotation(target=section)
    response = client.post(reverse("annotation-flag", args=[annotation.pk]), {"reason": ""})
    assert response.status_code == 200
    assert any(
        e.startswith("Waarom meldt u")
        for e in texts(parse(response), "//div[contains(@class,'form-errors')]//li")
    )
    assert not Flag.objects.exists()


def test_three_readers_flagging_hide_it_from_the_margin(section):

    annotation = make_annotation(target=section, body="Omstreden tekst")
    for n in range(3):
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            reverse("annotation-flag", args=[annotation.pk]), {"reason": "off_topic"}
        )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.HIDDEN

    assert "Omstreden tekst" not in Fresh().get(section.get_absolute_url()).content.decode()


# --- moderation queue ---------------------------------------------------------------------------


def test_queue_lists_pending_oldest_first_with_the_passage_in_context(section, reviewer, member_a):

    newer = make_annotation(target=section, author=member_a, status=Status.PENDING, body="Nieuwer")
    older = make_annotation(
        target=section,
        author=member_a,
        status=Status.PENDING,
        body="Ouder",
        submitted_at=timezone.now() - timedelta(days=2),
    )
    make_annotation(target=section, author=member_a, status=Status.APPROVED, body="Al goedgekeurd")
    page = parse(logged_in(reviewer).get(reverse("moderation-queue")))
    items = page.xpath("//li[contains(@class,'queue-item')]")
    assert [i.get("id") for i in items] == [f"item-{older.pk}", f"item-{newer.pk}"]
    assert items[0].xpath(".//blockquote[contains(@class,'passage-context')]//mark")


def test_queue_shows_what_changed_in_an_edit(section, reviewer, member_a):

    annotation = services.annotation_submit(
        author=member_a,
        target=section_target(section),
        voice="denker",
        kind="associatie",
        body="De buurt is sterk.",
        passage=section.body[:30],
    )
    services.annotation_moderate(
        annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=1
    )
    services.annotation_edit(
        annotation_id=annotation.pk,
        author=member_a,
        expected_version=2,
        voice="denker",
        kind="associatie",
        body="De buurt is erg sterk.",
    )
    page = parse(logged_in(reviewer).get(reverse("moderation-queue")))
    assert texts(page, "//p[contains(@class,'diff')]//ins") == ["erg"]


def test_reviewer_decides_from_the_queue_and_the_author_gets_mail(
    section, reviewer, member_a, django_capture_on_commit_callbacks
):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(reviewer).post(
            reverse("moderation-decide", args=[annotation.pk]),
            {
                f"a{annotation.pk}-action": "reject",
                f"a{annotation.pk}-public_reason": "Hoort niet bij deze passage.",
                f"a{annotation.pk}-version": 1,
            },
        )
    assert response.status_code == 302
    assert Annotation.objects.get(pk=annotation.pk).status == Status.REJECTED
    assert len(mail.outbox) == 1 and "Hoort niet bij deze passage." in mail.outbox[0].body


def test_second_reviewer_with_a_stale_form_gets_a_clear_message(section, reviewer, member_a):

    other = make_user("tweede", groups=("Moderatoren",))
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    data = {f"a{annotation.pk}-action": "approve", f"a{annotation.pk}-version": 1}
    logged_in(reviewer).post(reverse("moderation-decide", args=[annotation.pk]), data)
    response = logged_in(other).post(
        reverse("moderation-decide", args=[annotation.pk]),
        {**data, f"a{annotation.pk}-action": "reject", f"a{annotation.pk}-public_reason": "nee"},
        follow=True,
    )
    assert "intussen gewijzigd door Mona Moderator" in response.content.decode()
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED


def test_refusal_without_reason_names_the_field(section, reviewer, member_a):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = logged_in(reviewer).post(
        reverse("moderation-decide", args=[annotation.pk]),
        {f"a{annotation.pk}-action": "reject", f"a{annotation.pk}-version": 1},
    )
    assert response.status_code == 200
    item = parse(response).xpath(f"//li[@id='item-{annotation.pk}']")[0]
    assert texts(item, ".//p[contains(@class,'field-error')]") == [
        "Geef de auteur een reden mee bij deze beslissing."
    ]
    assert Annotation.objects.get(pk=annotation.pk).status == Status.PENDING


def test_reviewer_attaches_an_orphan_again(section, reviewer):
    annotation = make_annotation(
        target=section, anchor_state="orphaned", quote_exact="verdwenen zin"
    )
    passage = section.body[40:80]
    response = logged_in(reviewer).post(
        reverse("moderation-attach", args=[annotation.pk]),
        {f"h{annotation.pk}-passage": passage, f"h{annotation.pk}-version": 1},
    )
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert annotation.anchor_state == "anchored"
    assert section.body[annotation.position_start : annotation.position_end] == passage.strip()


def test_bibliography_lists_cited_thinkers_and_policy_documents_with_their_places(
    client, framework
):

    call_command("seed", verbosity=0)
    make_annotation(voice="denker", attribution="VERBORGEN (2020)", status=Status.PENDING)
    page = parse(client.get(reverse("bibliography")))
    thinkers = texts(page, "//section[@aria-labelledby='thinkers-title']//dt")
    planners = texts(page, "//section[@aria-labelledby='planners-title']//dt")
    assert "Durkheim (1984)" in thinkers and "Simmel (1950)" in thinkers
    assert "Antwerpen 2013-2018" in planners
    assert "VERBORGEN (2020)" not in thinkers
    links = page.xpath("//dl[contains(@class,'citations')]//a/@href")
    assert any(
        link.startswith("/kader/wederzijdse-afhankelijkheid/#kanttekening-") for link in links
    )


def test_moderation_log_is_read_only_in_the_admin(framework, member_a, reviewer):

    superuser = make_user(is_staff=True, is_superuser=True)
    annotation = make_annotation(author=member_a, status=Status.PENDING)

    services.annotation_moderate(
        annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=1
    )
    event = annotation.events.get()
    client = logged_in(superuser)
    assert client.get(reverse("admin:annotations_moderationevent_changelist")).status_code == 200
    assert client.get(reverse("admin:annotations_moderationevent_add")).status_code == 403
    change = client.post(
        reverse("admin:annotations_moderationevent_change", args=[event.pk]),
        {"new_status": "rejected"},
    )
    assert change.status_code == 403
    assert (
        client.post(
            reverse("admin:annotations_moderationevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.new_status == "approved"


@pytest.mark.parametrize(
    "next_url",
    ["//evil.example/x", "https://evil.example/", "javascript:alert(1)", "/\\evil.example"],
)
def test_moderation_never_redirects_off_the_site(section, reviewer, member_a, next_url):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = logged_in(reviewer).post(
        reverse("moderation-decide", args=[annotation.pk]),
        {f"a{annotation.pk}-action": "approve", f"a{annotation.pk}-version": 1, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation-queue") + "#berichten"


def test_moderation_returns_to_the_queue_page_it_came_from(section, reviewer, member_a):
    annotation = make_annotation(target=section, author=member_a, status=Status.PENDING)
    response = logged_in(reviewer).post(
        reverse("moderation-decide", args=[annotation.pk]),
        {
            f"a{annotation.pk}-action": "approve",
            f"a{annotation.pk}-version": 1,
            "next": "/moderatie/?lijst=gemeld",
        },
    )
    # At the message of the decision, not the fragment the form was sent to (`#a12-errors`).
    assert response["Location"] == "/moderatie/?lijst=gemeld#berichten"
