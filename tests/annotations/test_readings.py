"""Readings of a coding ("tegenlezingen"): proposed by members, moderated like notes, answered and processed by researchers."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from reversion.models import Version

from annotations import reading_proposals as proposals
from annotations import reading_views, services
from annotations.models import Annotation, ModerationEvent, Reading, Status
from annotations.targets import case_target
from cases.double_coding_rounds import round_cancel
from cases.models import Case, Grounds, SourceCoding, TensionPosition
from frameworks.models import Source, TensionField
from tests.cases.double_coding import make_colleague, open_round
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading, make_reply
from tests.html import parse, textarea, texts

pytestmark = pytest.mark.django_db

ONTMOETING = "ontmoeting"
CONFLICT = "consensus-conflict"


@pytest.fixture
def case(framework):
    """Coded "matig" on ontmoeting and "in het midden" on consensus-conflict."""
    return make_case(
        title="Buurtkeuken",
        slug="buurtkeuken",
        practice="Buren koken elke vrijdag samen.\n\nIedereen is welkom aan tafel.",
        strengths={ONTMOETING: 2},
        positions={CONFLICT: 0},
    )


def propose(author, case, *, key=ONTMOETING, value="3", body="Ik zie hier veel ontmoeting.", **kw):
    item = Source.objects.filter(key=key).first() or TensionField.objects.get(key=key)
    return proposals.reading_submit(
        author=author, case=case, item=item, value=value, voice="doener", body=body, **kw
    )


def approve(annotation, reviewer):
    return services.annotation_moderate(
        annotation_id=annotation.pk,
        action="approve",
        actor=reviewer,
        expected_version=Annotation.objects.get(pk=annotation.pk).version,
    )


# --- proposing ----------------------------------------------------------------------------------


def test_a_member_proposes_a_reading_that_waits_for_a_reviewer(case, member_a):
    annotation = propose(member_a, case)

    assert annotation.motivation == "assessing"
    assert annotation.status == Status.PENDING
    assert (annotation.case_field, annotation.quote_exact) == ("", "")
    assert annotation.organisation == member_a.membership.organisation
    reading = Reading.objects.get(annotation=annotation)
    assert (reading.source.key, reading.strength, reading.undetermined) == (ONTMOETING, 3, False)
    assert reading.label == "sterk"
    events = list(
        ModerationEvent.objects.filter(annotation=annotation).values_list("action", "new_status")
    )
    assert events == [("submit", "pending")]
    assert annotation.versions.count() == 1


@pytest.mark.parametrize(
    ("key", "value", "fields"),
    [
        (ONTMOETING, "0", {"strength": 0}),
        (ONTMOETING, "niet_te_bepalen", {"strength": None, "undetermined": True}),
        (CONFLICT, "1", {"position": 1}),
        (CONFLICT, "beide", {"position": None, "holds_both": True}),
        (CONFLICT, "niet_te_bepalen", {"position": None, "undetermined": True}),
    ],
)
def test_every_value_a_coding_may_take_can_be_proposed(case, member_a, key, value, fields):
    reading = propose(member_a, case, key=key, value=value).reading
    for name, expected in fields.items():
        assert getattr(reading, name) == expected


def test_a_value_equal_to_the_coding_is_refused_in_dutch(case, member_a):
    with pytest.raises(proposals.ReadingError) as refused:
        propose(member_a, case, value="2")
    assert str(refused.value) == (
        "De onderzoekers codeerden ‘Ontmoeting’ al als ‘matig’. Een andere lezing stelt een "
        "andere waarde voor."
    )
    assert refused.value.field == "value"
    assert not Annotation.objects.readings().exists()


def test_a_reading_may_rest_on_a_passage_of_the_case_text(case, member_a):
    annotation = propose(member_a, case, case_field="practice", passage="elke vrijdag samen")

    assert annotation.case_field == "practice"
    assert annotation.quote_exact == "elke vrijdag samen"
    assert (
        case.practice[annotation.position_start : annotation.position_end] == "elke vrijdag samen"
    )


def test_a_passage_not_in_the_text_is_refused_on_the_passage_field(case, member_a):
    with pytest.raises(proposals.ReadingError) as refused:
        propose(member_a, case, case_field="practice", passage="dit staat nergens in de tekst")
    assert refused.value.field == "passage"
    assert not Annotation.objects.readings().exists()


def test_only_members_propose_readings(case, member):
    with pytest.raises(PermissionDenied):
        propose(member, case)


def test_no_reading_of_a_case_that_is_not_published(framework, member_a):
    draft = make_case(status=Case.Status.DRAFT, strengths={ONTMOETING: 2})
    with pytest.raises(proposals.ReadingError):
        propose(member_a, draft)


def test_readings_share_the_hourly_limit_with_notes(case, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 2
    services.annotation_submit(
        author=member_a,
        target=case_target(case, "practice"),
        voice="denker",
        kind="associatie",
        body="Een kanttekening.",
        passage="Iedereen is welkom",
    )
    propose(member_a, case)
    with pytest.raises(services.RateLimited):
        propose(member_a, case, value="1")
    assert Annotation.objects.readings().count() == 1


# --- moderation: the same services, events and mails as notes -----------------------------------


def test_every_moderation_move_of_a_reading_writes_one_event(case, member_a, reviewer):
    annotation = propose(member_a, case)
    approve(annotation, reviewer)
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="hide",
        actor=reviewer,
        expected_version=Annotation.objects.get(pk=annotation.pk).version,
        public_reason="Even uit beeld.",
    )
    services.annotation_withdraw(annotation_id=annotation.pk, author=member_a)

    events = list(
        ModerationEvent.objects.filter(annotation=annotation)
        .order_by("created_at", "pk")
        .values_list("action", "old_status", "new_status")
    )
    assert events == [
        ("submit", "", "pending"),
        ("approve", "pending", "approved"),
        ("hide", "approved", "hidden"),
        ("withdraw", "hidden", "withdrawn"),
    ]


def test_the_author_hears_of_a_decision_on_their_reading(
    case, member_a, reviewer, django_capture_on_commit_callbacks
):
    annotation = propose(member_a, case)
    with django_capture_on_commit_callbacks(execute=True):
        approve(annotation, reviewer)

    (message,) = mail.outbox
    assert message.subject == "Uw lezing staat online"
    assert (
        "Uw lezing van ‘Ontmoeting’ bij ‘Buurtkeuken’ heeft nu de status: goedgekeurd."
        in message.body
    )
    assert "Uw voorstel: sterk" in message.body
    assert f"/praktijken/buurtkeuken/#lezing-{annotation.pk}" in message.body


def test_a_mail_about_a_reading_on_a_case_taken_offline_names_no_case(
    case, member_a, reviewer, researcher, django_capture_on_commit_callbacks
):
    annotation = propose(member_a, case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    researcher.groups.add(*reviewer.groups.all())
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action="reject",
            actor=researcher,
            expected_version=annotation.version,
            public_reason="Niet onderbouwd.",
        )

    (message,) = mail.outbox
    assert message.subject == "Uw lezing werd niet aanvaard"
    assert "Buurtkeuken" not in message.body
    assert "Ontmoeting" not in message.body
    assert "bij een praktijk die tijdelijk offline staat" in message.body


# --- answering and processing ------------------------------------------------------------------


@pytest.fixture
def approved_reading(case, member_a, reviewer):
    annotation = propose(member_a, case)
    approve(annotation, reviewer)
    return annotation


def test_a_researcher_answers_a_reading_in_markdown(approved_reading, researcher):
    reading = proposals.reading_answer(
        annotation_id=approved_reading.pk, actor=researcher, answer="We kijken *opnieuw*."
    )

    assert reading.answer_html == "<p>We kijken <em>opnieuw</em>.</p>"
    assert reading.answered_by == researcher
    assert reading.answer_status == "beantwoord"


def test_only_researchers_answer(approved_reading, member_a, reviewer):
    for user in (member_a, reviewer):
        with pytest.raises(PermissionDenied):
            proposals.reading_answer(annotation_id=approved_reading.pk, actor=user, answer="Ja.")


def test_a_reading_that_is_not_approved_cannot_be_answered(case, member_a, researcher):
    pending = propose(member_a, case)
    with pytest.raises(proposals.ReadingError):
        proposals.reading_answer(annotation_id=pending.pk, actor=researcher, answer="Ja.")


def test_processing_changes_the_coding_and_names_the_reading_in_the_history(
    case, approved_reading, researcher
):
    reading = proposals.reading_process(
        annotation_id=approved_reading.pk,
        actor=researcher,
        grounds=Grounds.INTERPRETATION,
        rationale="De lezing overtuigt: er wordt veel samen gegeten.",
        answer="Dank u; we passen de codering aan.",
    )

    coding = SourceCoding.objects.get(case=case, source__key=ONTMOETING)
    assert (coding.strength, coding.grounds, coding.rationale) == (
        3,
        "interpretatie",
        "De lezing overtuigt: er wordt veel samen gegeten.",
    )
    version = Version.objects.get_for_object(case).order_by("-pk").first()
    assert version.revision.get_comment() == (
        f"Codering van Ontmoeting: matig → sterk, naar aanleiding van lezing "
        f"#{approved_reading.pk} van Samenlevingsopbouw Testwijk."
    )
    assert version.revision.user == researcher
    assert reading.processed_version == version
    assert reading.processed_by == researcher
    assert reading.answer_status == "verwerkt"
    assert reading.answer == "Dank u; we passen de codering aan."


@pytest.mark.parametrize(
    "step, typed",
    [
        ("antwoorden", {"answer": "Dank, we bekijken het."}),
        (
            "verwerken",
            {
                "verwerk-grounds": Grounds.INTERPRETATION,
                "verwerk-rationale": "Mijn redenering.",
                "verwerk-answer": "We passen het aan.",
            },
        ),
    ],
)
def test_an_answer_to_a_reading_withdrawn_meanwhile_is_given_back_not_a_404(
    case, approved_reading, member_a, researcher, step, typed
):
    client = logged_in(researcher)
    url = reverse("reading-respond", args=[approved_reading.pk])
    assert client.get(url).status_code == 200  # the researcher opens the page; meanwhile:
    services.annotation_withdraw(annotation_id=approved_reading.pk, author=member_a)
    response = client.post(url, {"stap": step, **typed})
    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//p[contains(@class,'notice')]") == [
        "Deze lezing is intussen ingetrokken door haar auteur: wat u schreef, is niet bewaard "
        "en de codering is niet veranderd."
    ]
    kept = [value for name, value in typed.items() if name != "verwerk-grounds"]
    assert [area.text.strip() for area in page.xpath("//main//textarea")] == kept
    assert "/praktijken/buurtkeuken/#codering-ontmoeting" in page.xpath("//main//a/@href")
    reading = Reading.objects.get(annotation=approved_reading)
    assert (reading.answer, reading.processed_at) == ("", None)
    assert SourceCoding.objects.get(case=case, source__key=ONTMOETING).strength == 2
    # Asked for, a reading that is not public (any more) stays unknown.
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("decided", [None, "reject"])
def test_a_reading_never_public_stays_unknown_to_a_researchers_post(
    case, member_a, reviewer, researcher, decided
):
    """Only a reading that was online gives an answer back: for any other (waiting, rejected
    before it was ever approved) a POST is the 404 a GET is, naming neither its status nor its
    case."""
    annotation = propose(member_a, case)
    if decided:
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action=decided,
            actor=reviewer,
            expected_version=annotation.version,
            public_reason="Niet bij dit onderwerp.",
        )
    client = logged_in(researcher)
    url = reverse("reading-respond", args=[annotation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"stap": "antwoorden", "answer": "Dank."}).status_code == 404


def test_a_reading_withdrawn_between_the_page_and_the_save_gives_the_answer_back(
    case, approved_reading, member_a, researcher, monkeypatch
):
    # The view found it approved; the author withdraws it before the service locks its row.
    found = reading_views._reading_for_researcher

    def then_withdrawn(request, pk):
        annotation = found(request, pk)
        services.annotation_withdraw(annotation_id=pk, author=member_a)
        return annotation

    monkeypatch.setattr(reading_views, "_reading_for_researcher", then_withdrawn)
    response = logged_in(researcher).post(
        reverse("reading-respond", args=[approved_reading.pk]),
        {"stap": "antwoorden", "answer": "Dank, we bekijken het."},
    )
    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//p[contains(@class,'notice')]")[0].startswith(
        "Deze lezing is intussen ingetrokken door haar auteur"
    )
    assert [area.text.strip() for area in page.xpath("//main//textarea")] == [
        "Dank, we bekijken het."
    ]


def test_an_answer_to_a_reading_back_in_review_says_so(
    case, approved_reading, member_a, researcher
):
    services.annotation_edit(
        annotation_id=approved_reading.pk,
        author=member_a,
        expected_version=Annotation.objects.get(pk=approved_reading.pk).version,
        voice="doener",
        kind="",
        body="Anders verwoord.",
    )
    response = logged_in(researcher).post(
        reverse("reading-respond", args=[approved_reading.pk]),
        {"stap": "antwoorden", "answer": "Dank."},
    )
    assert response.status_code == 409
    assert texts(parse(response), "//p[contains(@class,'notice')]") == [
        "Deze lezing staat intussen niet meer online (status: ‘wacht op moderatie’): wat u "
        "schreef, is niet bewaard en de codering is niet veranderd."
    ]


def test_processing_a_position_to_both_poles(case, member_a, reviewer, researcher):
    annotation = propose(member_a, case, key=CONFLICT, value="beide")
    approve(annotation, reviewer)
    proposals.reading_process(
        annotation_id=annotation.pk, actor=researcher, grounds="interpretatie", rationale="Beide."
    )
    position = TensionPosition.objects.get(case=case, tension_field__key=CONFLICT)
    assert (position.position, position.holds_both) == (None, True)


def test_a_reading_is_processed_once(approved_reading, researcher):
    proposals.reading_process(
        annotation_id=approved_reading.pk,
        actor=researcher,
        grounds="interpretatie",
        rationale="Ja.",
    )
    with pytest.raises(proposals.ReadingError) as refused:
        proposals.reading_process(
            annotation_id=approved_reading.pk,
            actor=researcher,
            grounds="interpretatie",
            rationale="Nog eens.",
        )
    assert str(refused.value) == "Deze lezing is al verwerkt."


@pytest.mark.parametrize(
    ("grounds", "rationale", "field", "message"),
    [
        (
            "interpretatie",
            "  ",
            "rationale",
            "Een onderbouwing is nodig zolang de praktijk ter nalezing ligt of gepubliceerd is: "
            "zeg waarop de interpretatie steunt.",
        ),
        (
            "tekstbewijs",
            "Zie de tekst.",
            "grounds",
            "Er staat geen tekstbewijs bij deze codering; kies interpretatie, of voeg eerst een "
            "passage toe in het werkblad.",
        ),
    ],
)
def test_processing_keeps_the_rules_of_a_coding(
    case, approved_reading, researcher, grounds, rationale, field, message
):
    with pytest.raises(proposals.ReadingError) as refused:
        proposals.reading_process(
            annotation_id=approved_reading.pk,
            actor=researcher,
            grounds=grounds,
            rationale=rationale,
        )
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert SourceCoding.objects.get(case=case, source__key=ONTMOETING).strength == 2
    assert not Version.objects.get_for_object(case).exists()
    assert Reading.objects.get(pk=approved_reading.pk).processed_at is None


# --- the pages -------------------------------------------------------------------------------------


def test_the_propose_page_shows_the_coding_and_the_frameworks_words(case, member_a):
    response = logged_in(member_a).get(reverse("reading-new", args=["buurtkeuken", ONTMOETING]))

    assert response.status_code == 200
    page = parse(response)
    (now,) = texts(page, '//*[contains(concat(" ", @class, " "), " coding-now ")]')
    assert "matig" in now and "Onderbouwing voor Ontmoeting." in now
    values = texts(page, "//fieldset[1]//label")[:5]
    assert values == ["afwezig", "zwak", "matig", "sterk", "niet te bepalen"]
    assert "Wat het kader zegt over de bron ‘Ontmoeting’" in page.text_content()


def test_the_propose_page_is_for_members(case, member, client):
    url = reverse("reading-new", args=["buurtkeuken", ONTMOETING])
    assert logged_in(member).get(url).status_code == 403
    assert client.get(url).status_code == 302  # to the login page
    assert (
        client.get(reverse("reading-new", args=["buurtkeuken", "bestaat-niet"])).status_code == 302
    )


def test_bad_input_names_the_field_keeps_the_text_and_saves_nothing(case, member_a):
    url = reverse("reading-new", args=["buurtkeuken", ONTMOETING])
    response = logged_in(member_a).post(
        url, {"value": "2", "voice": "doener", "body": "Mijn lang argument over ontmoeting."}
    )

    assert response.status_code == 200
    page = parse(response)
    (errors,) = texts(page, '//*[contains(concat(" ", @class, " "), " form-errors ")]')
    assert "Uw lezing: De onderzoekers codeerden ‘Ontmoeting’ al als ‘matig’." in errors
    assert (
        page.xpath("//textarea[@name='body']")[0].text_content().strip()
        == "Mijn lang argument over ontmoeting."
    )
    assert not Annotation.objects.readings().exists()

    response = logged_in(member_a).post(url, {"value": "3", "voice": "doener", "body": " "})
    assert (
        "Uw argument"
        in texts(parse(response), '//*[contains(concat(" ", @class, " "), " form-errors ")]')[0]
    )
    response = logged_in(member_a).post(
        url, {"value": "3", "voice": "doener", "body": "x", "passage": "Iedereen"}
    )
    assert (
        "Tekstsectie (optioneel)"
        in texts(parse(response), '//*[contains(concat(" ", @class, " "), " form-errors ")]')[0]
    )
    assert not Annotation.objects.readings().exists()


def test_a_reading_sent_after_the_case_went_offline_gives_back_what_was_typed(case, member_a):
    url = reverse("reading-new", args=["buurtkeuken", ONTMOETING])
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)  # while the member wrote
    response = logged_in(member_a).post(
        url,
        {
            "value": "3",
            "voice": "doener",
            "body": "Mijn argument over ontmoeting.",
            "case_field": "practice",
            "passage": "Iedereen is welkom",
        },
    )

    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//p[contains(@class,'notice')]") == [
        "Deze praktijk is intussen niet meer openbaar; uw lezing kon niet bewaard worden."
    ]
    assert page.xpath("//input[@id='kept-chosen-1']/@value") == ["sterk"]
    assert texts(page, "//main//label") == ["Voorgestelde waarde", "Uw argument", "Passage"]
    assert texts(page, "//main//textarea") == [
        "Mijn argument over ontmoeting.",
        "Iedereen is welkom",
    ]
    assert not Annotation.objects.readings().exists()


def test_a_member_proposes_through_the_page(case, member_a):
    url = reverse("reading-new", args=["buurtkeuken", CONFLICT])
    response = logged_in(member_a).post(
        url,
        {
            "value": "1",
            "voice": "planner",
            "body": "Er is **veel** onenigheid.",
            "case_field": "practice",
            "passage": "Iedereen is welkom",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/praktijken/buurtkeuken/#codering-consensus-conflict"
    annotation = Annotation.objects.readings().get()
    assert (annotation.reading.position, annotation.quote_exact) == (1, "Iedereen is welkom")


def test_a_case_taken_offline_while_writing_keeps_the_text(case, member_a):
    url = reverse("reading-new", args=["buurtkeuken", ONTMOETING])
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    response = logged_in(member_a).post(
        url, {"value": "3", "voice": "doener", "body": "Mijn tekst."}
    )
    assert response.status_code == 409
    assert "Mijn tekst." in response.content.decode()


def test_the_case_page_summarises_the_approved_readings_of_each_coding(case, member_a, client):
    for value in ({"position": 1}, {"position": 1}, {"position": 0}):
        make_reading(case, tension_field=CONFLICT, value=value, author=member_a)
    make_reading(case, tension_field=CONFLICT, value={"position": -2}, status="pending")

    page = parse(client.get("/praktijken/buurtkeuken/"))

    (block,) = page.xpath(
        '//*[@id="codering-consensus-conflict"]//*[contains(concat(" ", @class, " "), " readings ")]'
    )
    assert block.tag == "details"
    assert texts(block, ".//summary") == ["3 lezingen: 2x eerder conflict, 1x in het midden"]
    assert len(block.xpath('.//*[contains(concat(" ", @class, " "), " reading ")]')) == 3
    assert not page.xpath(
        '//*[@id="codering-ontmoeting"]//*[contains(concat(" ", @class, " "), " readings ")]'
    )
    assert "Andere lezing voorstellen" not in page.text_content()


def test_members_find_the_way_to_propose_beside_each_coding(case, member_a):
    page = parse(logged_in(member_a).get("/praktijken/buurtkeuken/"))
    links = page.xpath(
        '//*[contains(concat(" ", @class, " "), " coding-readings__propose ")]/a/@href'
    )
    assert len(links) == 10
    assert "/praktijken/buurtkeuken/lezing/ontmoeting/" in links


def test_a_researcher_answers_and_processes_through_the_page(case, approved_reading, researcher):
    client = logged_in(researcher)
    url = reverse("reading-respond", args=[approved_reading.pk])
    response = client.post(url, {"stap": "verwerken", "verwerk-grounds": "interpretatie"})
    assert response.status_code == 200
    (errors,) = texts(parse(response), '//*[@class="form-errors"]')
    assert "Onderbouwing: Een onderbouwing is nodig" in errors

    response = client.post(
        url,
        {
            "stap": "verwerken",
            "verwerk-grounds": "interpretatie",
            "verwerk-rationale": "Overtuigend.",
            "verwerk-answer": "Dank u, we *volgen* u.",
        },
    )
    assert response.status_code == 302

    page = parse(logged_in(researcher).get("/praktijken/buurtkeuken/"))
    reading = page.get_element_by_id(f"lezing-{approved_reading.pk}")
    assert "verwerkt" in reading.text_content()
    assert texts(reading, './/*[contains(concat(" ", @class, " "), " reading__answer ")]//em') == [
        "volgen"
    ]
    (coding,) = texts(page, '//*[@id="codering-ontmoeting"]')
    assert "sterk" in coding


def _double_coded(case, researcher):
    """The case offline again and double coded: a round open with a colleague."""
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    round_, _first, _second = open_round(Case.objects.get(pk=case.pk), researcher, make_colleague())
    return round_


def test_a_reading_is_not_processed_while_its_case_is_double_coded(
    case, approved_reading, researcher
):
    """The round's consensus becomes the case's coding: a change made meanwhile would be replaced
    without a word, the reading standing as processed. Once the round is over, it can be."""
    round_ = _double_coded(case, researcher)
    process = {
        "annotation_id": approved_reading.pk,
        "actor": researcher,
        "grounds": Grounds.INTERPRETATION,
        "rationale": "Overtuigend.",
    }
    with pytest.raises(proposals.ReadingError) as refused:
        proposals.reading_process(**process)
    assert str(refused.value) == (
        "Voor deze praktijk loopt een dubbele codering: de consensus wordt haar codering en zou "
        "deze aanpassing vervangen. Verwerk de lezing na de consensus; beantwoorden kan nu al."
    )
    assert SourceCoding.objects.get(case=case, source__key=ONTMOETING).strength == 2
    assert Reading.objects.get(annotation=approved_reading).processed_at is None
    # Answering is another matter.
    proposals.reading_answer(annotation_id=approved_reading.pk, actor=researcher, answer="Later.")

    round_cancel(round=round_, actor=researcher)
    assert proposals.reading_process(**process).processed_at is not None
    assert SourceCoding.objects.get(case=case, source__key=ONTMOETING).strength == 3


def test_the_respond_page_says_a_reading_waits_for_the_consensus(
    case, approved_reading, researcher
):
    client = logged_in(researcher)
    url = reverse("reading-respond", args=[approved_reading.pk])
    opened_before = parse(client.get(url))
    assert opened_before.xpath("//input[@name='stap'][@value='verwerken']")
    _double_coded(case, researcher)

    page = parse(client.get(url))
    (process,) = page.xpath("//section[@aria-labelledby='process-title']")
    assert texts(process, ".//p[@class='notice']") == [
        "Voor deze praktijk loopt een dubbele codering: de consensus wordt haar codering en zou "
        "deze aanpassing vervangen. Verwerk de lezing na de consensus; beantwoorden kan nu al."
    ]
    assert not process.xpath(".//form")
    assert page.xpath("//input[@name='stap'][@value='antwoorden']")

    # Sent from the page opened before the round began: refused, what was typed kept.
    response = client.post(
        url,
        {
            "stap": "verwerken",
            "verwerk-grounds": "interpretatie",
            "verwerk-rationale": "Er wordt elke week samen gekookt.",
            "verwerk-answer": "Dank u.",
        },
    )
    assert response.status_code == 200
    page = parse(response)
    (errors,) = texts(page, "//section[@aria-labelledby='process-title']//*[@class='form-errors']")
    assert "Voor deze praktijk loopt een dubbele codering" in errors
    assert textarea(page, "verwerk-rationale") == "Er wordt elke week samen gekookt."
    assert textarea(page, "verwerk-answer") == "Dank u."
    assert SourceCoding.objects.get(case=case, source__key=ONTMOETING).strength == 2


def test_the_respond_page_is_for_researchers_only(approved_reading, member_a, reviewer, client):
    url = reverse("reading-respond", args=[approved_reading.pk])
    assert logged_in(member_a).get(url).status_code == 404
    assert logged_in(reviewer).get(url).status_code == 404


def test_the_reviewers_queue_shows_the_coding_now_and_the_proposal(case, member_a, reviewer):
    annotation = propose(member_a, case)
    page = parse(logged_in(reviewer).get(reverse("moderation-queue")))
    item = page.get_element_by_id(f"item-{annotation.pk}")
    assert texts(item, ".//h2") == [f"Lezing {annotation.pk} · Buurtkeuken"]
    assert texts(item, './/*[contains(concat(" ", @class, " "), " reading-context ")]') == [
        "Andere lezing van Ontmoeting: nu matig → voorgesteld sterk"
    ]


def test_the_researchers_dashboard_lists_readings_awaiting_an_answer(approved_reading, researcher):
    page = parse(logged_in(researcher).get(reverse("admin:cases_case_dashboard")))
    (listing,) = page.xpath('//*[@aria-labelledby="readings-awaiting-title"]')
    assert texts(listing, ".//a") == [
        f"Lezing {approved_reading.pk}: Buurtkeuken, Ontmoeting → sterk"
    ]
    proposals.reading_answer(annotation_id=approved_reading.pk, actor=researcher, answer="Ja.")
    page = parse(logged_in(researcher).get(reverse("admin:cases_case_dashboard")))
    assert not page.xpath('//*[@aria-labelledby="readings-awaiting-title"]//a')


def test_the_author_finds_their_reading_among_their_contributions(case, member_a):
    annotation = propose(member_a, case)
    page = parse(logged_in(member_a).get(reverse("annotations-mine")))
    (item,) = texts(page, f'//*[@id="mijn-{annotation.pk}"]/p[2]')
    assert item == "Buurtkeuken: uw lezing van ‘Ontmoeting’: sterk"
    links = page.xpath(f'//*[@id="mijn-{annotation.pk}"]//a/@href')
    assert f"/kanttekeningen/{annotation.pk}/intrekken/" in links
    assert f"/lezingen/{annotation.pk}/bewerken/" in links


def test_my_contributions_link_a_waiting_reading_to_its_coding_and_a_public_one_to_itself(
    case, member_a, reviewer
):
    annotation = propose(member_a, case)
    client = logged_in(member_a)

    def link() -> str:
        page = parse(client.get(reverse("annotations-mine")))
        (href,) = page.xpath(f'//*[@id="mijn-{annotation.pk}"]/p[2]/a/@href')
        return href

    # Waiting, it is not beside its coding: the link goes to the coding, which is there.
    assert link() == "/praktijken/buurtkeuken/#codering-ontmoeting"
    case_page = parse(client.get("/praktijken/buurtkeuken/"))
    assert case_page.xpath("//*[@id='codering-ontmoeting']")
    assert not case_page.xpath(f"//*[@id='lezing-{annotation.pk}']")
    approve(annotation, reviewer)
    assert link() == f"/praktijken/buurtkeuken/#lezing-{annotation.pk}"


def test_the_author_reworks_a_reading_after_a_request_for_changes(case, member_a, reviewer):
    annotation = propose(member_a, case)
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="request_changes",
        actor=reviewer,
        expected_version=annotation.version,
        public_reason="Zeg waarom.",
    )
    annotation.refresh_from_db()
    client = logged_in(member_a)
    url = reverse("reading-edit", args=[annotation.pk])

    page = parse(client.get(url))
    assert texts(page, "//main//*[contains(@class,'moderator-message')]") == [
        "Bericht van de moderator: Zeg waarom."
    ]

    response = client.post(url, {"voice": "doener", "body": "  ", "version": annotation.version})
    (errors,) = texts(parse(response), '//*[@class="form-errors"]')
    assert "Uw argument" in errors
    assert texts(parse(response), "//main//*[contains(@class,'moderator-message')]") == [
        "Bericht van de moderator: Zeg waarom."
    ]

    response = client.post(
        url, {"voice": "planner", "body": "Omdat iedereen komt.", "version": annotation.version}
    )
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.status, annotation.body, annotation.kind) == (
        "pending",
        "Omdat iedereen komt.",
        "",
    )
    assert annotation.reading.strength == 3
    assert logged_in(member_a).get(url.replace(str(annotation.pk), "999999")).status_code == 404


def test_a_reading_edit_sent_after_a_decision_gives_the_text_back(case, member_a, reviewer):
    annotation = propose(member_a, case)
    client = logged_in(member_a)
    url = reverse("reading-edit", args=[annotation.pk])
    assert client.get(url).status_code == 200  # the author opens the form; meanwhile:
    services.annotation_moderate(
        annotation_id=annotation.pk,
        action="reject",
        actor=reviewer,
        expected_version=annotation.version,
        public_reason="Niet onderbouwd.",
    )
    response = client.post(
        url, {"voice": "planner", "body": "Mijn betere argument.", "version": annotation.version}
    )
    assert response.status_code == 409
    page = parse(response)
    assert texts(page, "//p[contains(@class,'notice')]") == [
        "Deze lezing kan niet meer bewerkt worden: ze heeft intussen de status ‘afgewezen’."
    ]
    assert page.xpath("//textarea[@id='kept-body']")[0].text.strip() == "Mijn betere argument."
    assert texts(page, "//label[@for='kept-body']") == ["Uw argument"]
    assert "Mona" not in response.content.decode()
    annotation.refresh_from_db()
    assert (annotation.status, annotation.body) == (Status.REJECTED, "Ik zie hier veel ontmoeting.")


def test_a_stale_reading_edit_speaks_to_the_author_and_keeps_the_text(case, member_a, reviewer):
    annotation = propose(member_a, case)
    approve(annotation, reviewer)
    response = logged_in(member_a).post(
        reverse("reading-edit", args=[annotation.pk]),
        {"voice": "planner", "body": "Mijn betere argument.", "version": annotation.version},
    )
    assert response.status_code == 200
    page = parse(response)
    (errors,) = texts(page, '//*[@class="form-errors"]//li')
    assert errors == (
        "Uw wijziging is niet bewaard: de moderatie heeft intussen beslist (nu: goedgekeurd). "
        "Kijk uw tekst hieronder na en bewaar opnieuw."
    )
    assert "Mona" not in response.content.decode()
    assert [t.strip() for t in page.xpath("//textarea[@name='body']/text()")] == [
        "Mijn betere argument."
    ]


def test_an_answer_reaches_the_cached_case_page_at_once(approved_reading, researcher, client):
    url = "/praktijken/buurtkeuken/"
    assert "Antwoord van de onderzoekers" not in client.get(url).content.decode()
    proposals.reading_answer(annotation_id=approved_reading.pk, actor=researcher, answer="Gezien.")
    assert "Antwoord van de onderzoekers" in client.get(url).content.decode()


def test_a_reading_posted_to_the_note_edit_page_saves_nothing_and_keeps_the_text(
    framework, member_a
):
    case = make_case(title="Buurtkeuken")
    reading = make_reading(case, source="ontmoeting", author=member_a, status="changes_requested")
    client = logged_in(member_a)
    client.raise_request_exception = False
    response = client.post(
        reverse("annotation-edit", args=[reading.pk]),
        {
            "voice": "denker",
            "kind": "associatie",
            "body": "Een nieuw argument.",
            "attribution": "",
            "link": "",
            "version": reading.version,
        },
    )
    assert response.status_code == 409
    assert "Een nieuw argument." in response.content.decode()
    reading.refresh_from_db()
    assert (reading.body, reading.kind, reading.version) == ("Ik lees dit anders.", "", 1)
    # Asked for the page, it is sent to the reading's own.
    assert client.get(reverse("annotation-edit", args=[reading.pk])).url == reverse(
        "reading-edit", args=[reading.pk]
    )


@pytest.mark.parametrize("shape", ["reading", "reply"])
def test_the_edit_service_keeps_a_kind_only_on_a_note(framework, member_a, shape):
    case = make_case(title="Buurtkeuken")
    if shape == "reading":
        contribution = make_reading(case, source="ontmoeting", author=member_a, status="pending")
    else:
        contribution = make_reply(make_annotation(target=case), author=member_a, status="pending")
    services.annotation_edit(
        annotation_id=contribution.pk,
        author=member_a,
        expected_version=contribution.version,
        voice="denker",
        kind="associatie",
        body="Anders gezegd.",
    )
    contribution.refresh_from_db()
    assert (contribution.kind, contribution.body) == ("", "Anders gezegd.")


def test_a_reading_refused_for_an_offline_case_gives_back_the_passage_too(framework, member_a):
    case = make_case(
        title="Buurtkeuken",
        slug="buurtkeuken-x",
        practice="Buren koken elke vrijdag samen.\n\nIedereen is welkom aan tafel.",
    )
    url = reverse("reading-new", args=[case.slug, "ontmoeting"])
    case.status = "draft"
    case.save()
    response = logged_in(member_a).post(
        url,
        {
            "value": "3",
            "voice": "doener",
            "body": "Mijn argument.",
            "case_field": "practice",
            "passage": "Buren koken elke vrijdag samen.",
        },
    )
    page = response.content.decode()
    assert "Mijn argument." in page
    assert "Buren koken elke vrijdag samen." in page


def test_a_french_member_proposes_a_reading_of_a_source_named_in_french(case, member_a):
    page = parse(logged_in(member_a).get("/fr/praktijken/buurtkeuken/lezing/ontmoeting/"))
    assert texts(page, "//h1") == ["Une autre lecture de « Rencontre »"]
    case_page = parse(logged_in(member_a).get("/fr/praktijken/buurtkeuken/"))
    hidden = case_page.xpath(
        '//*[@id="codering-ontmoeting"]//*[contains(@class,"coding-readings__propose")]'
        '//*[@class="visually-hidden"]'
    )
    assert [" ".join(h.text_content().split()) for h in hidden] == ["pour « Rencontre »"]


def test_an_answer_sent_for_a_step_the_page_has_not_is_kept_with_a_message(
    case, approved_reading, researcher
):
    url = reverse("reading-respond", args=[approved_reading.pk])
    response = logged_in(researcher).post(url, {"stap": "onbekend", "answer": "Mijn antwoord."})
    assert response.status_code == 200
    page = parse(response)
    (errors,) = texts(page, '//*[@class="form-errors"]')
    assert "Deze pagina is verouderd of onvolledig doorgestuurd." in errors
    assert [typed.strip() for typed in page.xpath("//textarea[@name='answer']/text()")] == [
        "Mijn antwoord."
    ]
    approved_reading.reading.refresh_from_db()
    assert not approved_reading.reading.answer


def test_what_was_typed_for_the_coding_is_kept_too_when_the_step_is_unknown(
    case, approved_reading, researcher
):
    url = reverse("reading-respond", args=[approved_reading.pk])
    response = logged_in(researcher).post(
        url, {"stap": "onbekend", "verwerk-rationale": "Mijn redenering."}
    )
    page = parse(response)
    assert [
        typed.strip() for typed in page.xpath("//textarea[@name='verwerk-rationale']/text()")
    ] == ["Mijn redenering."]
