"""The grounds of each coding in the workbench: the form shows and checks them, history and dashboard name them."""

import pytest
from django.urls import reverse

from cases import services
from cases.history import versions_of
from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from cases.services import case_write
from frameworks.models import Source, TensionField
from tests.cases.conftest import EVIDENCE_NEEDED, change_url, comments, row_of, the_form
from tests.factories import cite, make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

PRACTICE = "Elke zaterdag koken buren samen in het buurthuis.\n\nZe voeren actie tegen de sluiting van het zwembad."
GROUNDS_HELP = (
    "Tekstbewijs: een passage uit de tekst van deze praktijk draagt de codering (voeg ze toe onder ‘Tekstbewijs voor de "
    "codering’). Interpretatie: de lezing van wie codeert (onderzoekers of de redactie); zeg in de onderbouwing waarop ze "
    "steunt. Niet te bepalen: het materiaal laat geen {value} toe; laat de {value} leeg en zeg in de onderbouwing waarom."
)
ORPHANED = (
    "Het tekstbewijs staat niet meer in de tekst; deze codering telt als interpretatie tot u een passage opnieuw verankert. "
    "Blijft ze een interpretatie, pas dan de onderbouwing aan (waarop steunt ze nu?) en bewaar: zo bevestigt u ze."
)


@pytest.fixture
def case(framework):
    return make_case(
        slug="buurtkeuken", title="Buurtkeuken", practice=PRACTICE, status=Case.Status.DRAFT
    )


def source_row(data: dict, key: str) -> str:
    return row_of(data, "source_codings", "source", Source.objects.get(key=key).pk)


def field_row(data: dict, key: str) -> str:
    return row_of(data, "tension_positions", "tension_field", TensionField.objects.get(key=key).pk)


def with_evidence(data: dict, *rows: dict) -> dict:
    """The form's data with new evidence rows after the stored ones."""
    start = int(data["evidence-TOTAL_FORMS"])
    for i, row in enumerate(rows, start=start):
        data |= {f"evidence-{i}-{name}": value for name, value in ({"note": ""} | row).items()}
    data["evidence-TOTAL_FORMS"] = str(start + len(rows))
    return data


def passage_for(key: str, passage: str, section: str = "practice") -> dict:
    source = Source.objects.filter(key=key).first()
    coding = f"source:{source.pk}" if source else f"field:{TensionField.objects.get(key=key).pk}"
    return {"coding": coding, "case_field": section, "passage": passage}


def errors_at(page, row: str, field: str) -> list[str]:
    return texts(
        page,
        f"//div[@id='{row}']//div[contains(@class,'field-{field}')]//ul[contains(@class,'errorlist')]/li",
    )


def anchor(case, key: str, passage: str) -> CodingEvidence:
    """A passage for the coding on `key`, anchored in the practice text, and the coding on evidence."""
    evidence = cite(case, key, passage)
    SourceCoding.objects.filter(case=case, source__key=key).update(grounds=Grounds.EVIDENCE)
    return evidence


# --- the form shows the grounds ---------------------------------------------------------------


def test_each_coding_shows_its_grounds_beside_its_value_with_the_three_explained(
    case, researcher_client
):
    page = parse(researcher_client.get(change_url(case)))
    data = the_form(researcher_client, case)
    struggle, conflict = source_row(data, "strijd"), field_row(data, "consensus-conflict")
    for row in (struggle, conflict):
        radios = page.xpath(f"//input[@type='radio' and @name='{row}-grounds']")
        assert [
            (r.get("value"), r.getparent().text_content().strip(), r.get("checked")) for r in radios
        ] == [
            ("tekstbewijs", "tekstbewijs", None),
            ("interpretatie", "interpretatie", "checked"),
            ("niet_te_bepalen", "niet te bepalen", None),
        ]
    assert texts(
        page, f"//div[@id='{struggle}']//div[contains(@class,'field-grounds')]//div[@class='help']"
    ) == [GROUNDS_HELP.format(value="sterkte")]
    assert texts(
        page, f"//div[@id='{conflict}']//div[contains(@class,'field-grounds')]//div[@class='help']"
    ) == [GROUNDS_HELP.format(value="positie")]
    # In the order a researcher fills them in: what it is about, how it is known, the value, why.
    fields = page.xpath(f"//div[@id='{struggle}']//div[contains(@class,'form-row')]/@class")
    # The rationale shares its row with its translations (the case is Dutch: French, English).
    assert [c.split("field-", 1)[1].strip() for c in fields] == [
        "source",
        "grounds",
        "strength",
        "rationale field-rationale_fr field-rationale_en",
    ]


# --- the form refuses what cannot stand, saves nothing, keeps what was typed -------------------------

# (row key, what is typed, the field with the error, the message)
BAD_CODINGS = [
    (
        "strijd",
        {"grounds": "niet_te_bepalen", "strength": "2"},
        "strength",
        "Bij de grond ‘niet te bepalen’ hoort geen sterkte: maak de sterkte leeg (—), of kies ‘tekstbewijs’ of ‘interpretatie’.",
    ),
    (
        "strijd",
        {"grounds": "interpretatie", "strength": ""},
        "strength",
        "Kies een sterkte, of de grond ‘niet te bepalen’.",
    ),
    ("strijd", {"grounds": "tekstbewijs", "strength": "2"}, "grounds", EVIDENCE_NEEDED),
    (
        "consensus-conflict",
        {"grounds": "niet_te_bepalen", "position": "1"},
        "position",
        "Bij de grond ‘niet te bepalen’ hoort geen positie: maak de positie leeg (—), of kies ‘tekstbewijs’ of ‘interpretatie’.",
    ),
    (
        "consensus-conflict",
        {"grounds": "niet_te_bepalen", "position": "", "holds_both": "on"},
        "holds_both",
        "Bij de grond ‘niet te bepalen’ houdt de praktijk ook niet beide polen vast: vink dit uit, of kies ‘tekstbewijs’ of "
        "‘interpretatie’.",
    ),
    (
        "consensus-conflict",
        {"grounds": "tekstbewijs", "position": ""},
        "position",
        "Kies een positie of vink ‘houdt beide polen vast’ aan, of kies de grond ‘niet te bepalen’.",
    ),
    (
        "consensus-conflict",
        {"grounds": "tekstbewijs", "position": "-1"},
        "grounds",
        EVIDENCE_NEEDED,
    ),
]


def type_into_coding(data: dict, key: str, typed: dict) -> str:
    """A new title and, in the coding on `key`, what is `typed`; returns the coding's row."""
    row = source_row(data, key) if "strength" in typed else field_row(data, key)
    data |= {"title": "Nieuwe titel"} | {f"{row}-{name}": value for name, value in typed.items()}
    return row


def still_typed(page, row: str, typed: dict) -> None:
    """The refused form shows what was typed: the coding's grounds, value and rationale, and the title."""
    assert page.xpath(f"//input[@name='{row}-grounds' and @checked]/@value") == [typed["grounds"]]
    value_name = "strength" if "strength" in typed else "position"
    assert page.xpath(f"//select[@name='{row}-{value_name}']/option[@selected]/@value") == [
        typed[value_name]
    ]
    assert texts(page, f"//textarea[@name='{row}-rationale']") == [typed["rationale"].strip()]
    assert page.xpath("//input[@name='title']/@value") == ["Nieuwe titel"]


@pytest.mark.parametrize(("key", "typed", "field", "message"), BAD_CODINGS)
def test_grounds_that_do_not_fit_the_value_or_the_evidence_are_named_on_their_field(
    case, researcher_client, key, typed, field, message
):
    data = the_form(researcher_client, case)
    typed = {"rationale": "Net getypt.", **typed}
    row = type_into_coding(data, key, typed)

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 200
    page = parse(response)
    assert errors_at(page, row, field) == [message]
    still_typed(page, row, typed)
    # And nothing is saved.
    case.refresh_from_db()
    assert case.title == "Buurtkeuken"
    assert {c.grounds for c in [*case.source_codings.all(), *case.tension_positions.all()]} == {
        "interpretatie"
    }
    assert not versions_of(case).exists()


def test_tekstbewijs_with_a_passage_added_in_the_same_save_is_kept_and_named(
    case, researcher_client
):
    data = the_form(researcher_client, case)
    struggle = source_row(data, "strijd")
    data[f"{struggle}-grounds"] = "tekstbewijs"
    with_evidence(data, passage_for("strijd", "Ze voeren actie tegen de sluiting"))

    assert researcher_client.post(change_url(case), data).status_code == 302

    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.strength, coding.evidence_orphaned) == ("tekstbewijs", 1, False)
    assert comments(case) == [
        "Strijd: grond interpretatie → tekstbewijs; Tekstbewijs voor Strijd toegevoegd: ‘Ze voeren actie tegen de sluiting’."
    ]


def test_a_passage_anchored_earlier_is_enough_for_tekstbewijs(case, researcher_client):
    anchor(case, "strijd", "Ze voeren actie")
    SourceCoding.objects.filter(case=case, source__key="strijd").update(
        grounds=Grounds.INTERPRETATION
    )
    data = the_form(researcher_client, case)
    data[f"{source_row(data, 'strijd')}-grounds"] = "tekstbewijs"
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert SourceCoding.objects.get(case=case, source__key="strijd").grounds == "tekstbewijs"
    assert comments(case) == ["Strijd: grond interpretatie → tekstbewijs."]


def test_deleting_the_only_passage_of_a_coding_on_tekstbewijs_is_refused(case, researcher_client):
    evidence = anchor(case, "strijd", "Ze voeren actie")
    data = the_form(researcher_client, case)
    data[f"{row_of(data, 'evidence', 'id', evidence.pk)}-DELETE"] = "on"

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 200
    assert errors_at(parse(response), source_row(data, "strijd"), "grounds") == [EVIDENCE_NEEDED]
    assert CodingEvidence.objects.filter(pk=evidence.pk).exists()
    assert SourceCoding.objects.get(case=case, source__key="strijd").grounds == "tekstbewijs"


def test_a_passage_for_another_coding_or_one_orphaned_does_not_count(case, researcher_client):
    orphan = anchor(case, "strijd", "Ze voeren actie")
    CodingEvidence.objects.filter(pk=orphan.pk).update(anchor_state="orphaned")
    SourceCoding.objects.filter(case=case, source__key="strijd").update(
        grounds=Grounds.INTERPRETATION, evidence_orphaned=True
    )
    data = the_form(researcher_client, case)
    data[f"{source_row(data, 'strijd')}-grounds"] = "tekstbewijs"
    with_evidence(data, passage_for("ontmoeting", "koken buren samen"))

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 200
    assert errors_at(parse(response), source_row(data, "strijd"), "grounds") == [EVIDENCE_NEEDED]
    assert CodingEvidence.objects.filter(case=case).count() == 1


def test_niet_te_bepalen_without_a_value_is_saved_with_no_value_and_named(case, researcher_client):
    data = the_form(researcher_client, case)
    struggle, conflict = source_row(data, "strijd"), field_row(data, "consensus-conflict")
    data |= {
        f"{struggle}-grounds": "niet_te_bepalen",
        f"{struggle}-strength": "",
        f"{conflict}-grounds": "niet_te_bepalen",
        f"{conflict}-position": "",
        f"{conflict}-rationale": "De tekst zegt niets over conflict.",
    }
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert SourceCoding.objects.filter(case=case, source__key="strijd").values_list(
        "grounds", "strength"
    ).get() == (
        "niet_te_bepalen",
        None,
    )
    position = TensionPosition.objects.get(case=case, tension_field__key="consensus-conflict")
    assert (position.grounds, position.position, position.holds_both) == (
        "niet_te_bepalen",
        None,
        False,
    )
    assert comments(case) == [
        "Strijd: grond interpretatie → niet te bepalen, sterkte zwak → niet te bepalen; "
        "Consensus – conflict: grond interpretatie → niet te bepalen, positie in het midden → niet te bepalen, onderbouwing gewijzigd."
    ]
    assert Case.objects.get(pk=case.pk).missing_for_publication() == []


# --- a case in review or published keeps a rationale for every coding ------------------------------

RATIONALE_NEEDED = (
    "Een onderbouwing is nodig zolang de praktijk ter nalezing ligt of gepubliceerd is: {asks}."
)

# (row key, what is typed besides an empty rationale, the message on the rationale)
CODINGS_WITHOUT_RATIONALE = [
    (
        "strijd",
        {"grounds": "interpretatie", "strength": "2"},
        RATIONALE_NEEDED.format(asks="zeg waarop de interpretatie steunt"),
    ),
    (
        "strijd",
        {"grounds": "niet_te_bepalen", "strength": ""},
        RATIONALE_NEEDED.format(asks="zeg waarom het materiaal geen waarde toelaat"),
    ),
    (
        "consensus-conflict",
        {"grounds": "interpretatie", "position": "-1"},
        RATIONALE_NEEDED.format(asks="zeg waarop de interpretatie steunt"),
    ),
    (
        "consensus-conflict",
        {"grounds": "niet_te_bepalen", "position": ""},
        RATIONALE_NEEDED.format(asks="zeg waarom het materiaal geen waarde toelaat"),
    ),
]


@pytest.mark.parametrize("status", [Case.Status.PUBLISHED, Case.Status.IN_REVIEW])
@pytest.mark.parametrize(("key", "typed", "message"), CODINGS_WITHOUT_RATIONALE)
def test_a_case_in_review_or_published_keeps_a_rationale_for_every_coding(
    framework, researcher_client, status, key, typed, message
):
    case = make_case(slug="buurtkeuken", title="Buurtkeuken", practice=PRACTICE, status=status)
    data = the_form(researcher_client, case)
    typed = {"rationale": "  ", **typed}
    row = type_into_coding(data, key, typed)

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 200
    page = parse(response)
    assert errors_at(page, row, "rationale") == [message]
    # What was typed is still there, and nothing is saved.
    still_typed(page, row, typed)
    case.refresh_from_db()
    assert case.title == "Buurtkeuken"
    assert Case.objects.get(pk=case.pk).missing_for_publication() == []
    assert not versions_of(case).exists()


def test_tekstbewijs_on_a_published_case_needs_a_rationale_too(framework, researcher_client):
    case = make_case(slug="buurtkeuken", title="Buurtkeuken", practice=PRACTICE)
    anchor(case, "strijd", "Ze voeren actie")
    data = the_form(researcher_client, case)
    struggle = source_row(data, "strijd")
    data[f"{struggle}-rationale"] = ""

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 200
    assert errors_at(parse(response), struggle, "rationale") == [
        RATIONALE_NEEDED.format(asks="zeg wat het tekstbewijs toont")
    ]
    assert (
        SourceCoding.objects.get(case=case, source__key="strijd").rationale
        == "Onderbouwing voor Strijd."
    )


def test_a_draft_may_leave_a_rationale_empty_for_now(case, researcher_client):
    data = the_form(researcher_client, case)
    struggle, conflict = source_row(data, "strijd"), field_row(data, "consensus-conflict")
    data |= {
        f"{struggle}-rationale": "",
        f"{conflict}-grounds": "niet_te_bepalen",
        f"{conflict}-position": "",
        f"{conflict}-rationale": "",
    }

    assert researcher_client.post(change_url(case), data).status_code == 302

    assert Case.objects.get(pk=case.pk).missing_for_publication() == [
        "De codering van de bron ‘Strijd’ heeft geen onderbouwing.",
        "De positie op ‘consensus – conflict’ heeft geen onderbouwing.",
    ]


# --- orphaned evidence: a warning, and back to tekstbewijs once anchored again ----------------------


def test_an_edit_that_orphans_the_evidence_is_named_and_the_coding_warns(case, researcher_client):
    anchor(case, "strijd", "Ze voeren actie")
    data = the_form(researcher_client, case)
    data["practice"] = "Elke zaterdag koken buren samen in het buurthuis."

    assert researcher_client.post(change_url(case), data).status_code == 302

    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", True)
    assert comments(case) == [
        "De praktijk gewijzigd; Strijd: grond tekstbewijs → interpretatie (het tekstbewijs staat niet meer in de tekst)."
    ]
    page = parse(researcher_client.get(change_url(case)))
    struggle = source_row(the_form(researcher_client, case), "strijd")
    assert texts(
        page,
        f"//div[@id='{struggle}']//div[contains(@class,'field-grounds')]//strong[contains(@class,'errornote')]",
    ) == [ORPHANED]
    assert texts(
        page, "//section[contains(@class,'workflow')]//p[contains(@class,'workflow__orphaned')]"
    ) == [
        "Tekstbewijs verweesd: Strijd. Het tekstbewijs staat niet meer in de tekst; deze coderingen tellen als interpretatie "
        "tot u een passage opnieuw verankert onder ‘Tekstbewijs voor de codering’. Blijft een codering een interpretatie, pas "
        "dan haar onderbouwing aan en bewaar, of verwijder de verweesde passage."
    ]
    # Only the orphaned coding warns.
    assert len(page.xpath("//strong[contains(@class,'coding-orphaned')]")) == 1


def test_anchoring_a_passage_again_brings_the_coding_back_to_tekstbewijs(case, researcher_client):
    evidence = anchor(case, "strijd", "Ze voeren actie")
    case.practice = "Elke zaterdag koken buren samen in het buurthuis.\n\nZe protesteren tegen de sluiting van het zwembad."
    case_write(case=case, actor=None, comment="De praktijk herschreven.")
    assert SourceCoding.objects.get(case=case, source__key="strijd").evidence_orphaned
    data = the_form(researcher_client, case)
    data[f"{row_of(data, 'evidence', 'id', evidence.pk)}-passage"] = (
        "Ze protesteren tegen de sluiting"
    )

    assert researcher_client.post(change_url(case), data).status_code == 302

    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.evidence_orphaned) == ("tekstbewijs", False)
    assert CodingEvidence.objects.get(pk=evidence.pk).anchor_state == "anchored"
    assert comments(case)[0] == (
        "Tekstbewijs voor Strijd gewijzigd: ‘Ze protesteren tegen de sluiting’; "
        "Strijd: grond interpretatie → tekstbewijs (tekstbewijs opnieuw verankerd)."
    )
    assert not parse(researcher_client.get(change_url(case))).xpath(
        "//strong[contains(@class,'coding-orphaned')]"
    )


def test_settling_an_orphaned_coding_as_niet_te_bepalen_clears_its_flag(case, researcher_client):
    anchor(case, "strijd", "Ze voeren actie")
    case.practice = "Elke zaterdag koken buren samen in het buurthuis."
    case_write(case=case, actor=None, comment="De praktijk herschreven.")
    data = the_form(researcher_client, case)
    struggle = source_row(data, "strijd")
    data |= {f"{struggle}-grounds": "niet_te_bepalen", f"{struggle}-strength": ""}
    assert researcher_client.post(change_url(case), data).status_code == 302
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.strength, coding.evidence_orphaned) == (
        "niet_te_bepalen",
        None,
        False,
    )


def orphan(case, key: str, passage: str) -> CodingEvidence:
    """A passage for the coding on `key`, then an edit of the text that orphans it."""
    evidence = anchor(case, key, passage)
    case.practice = "Elke zaterdag koken buren samen in het buurthuis."
    case_write(case=case, actor=None, comment="De praktijk herschreven.")
    coding = SourceCoding.objects.get(case=case, source__key=key)
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", True)
    return evidence


def test_saving_an_orphaned_coding_as_interpretatie_confirms_it(case, researcher_client):
    orphan(case, "strijd", "Ze voeren actie")
    # A save that leaves the coding as it is does not confirm it.
    assert (
        researcher_client.post(
            change_url(case), the_form(researcher_client, case) | {"title": "Buurtkeuken!"}
        ).status_code
        == 302
    )
    assert SourceCoding.objects.get(case=case, source__key="strijd").evidence_orphaned

    data = the_form(researcher_client, case)
    struggle = source_row(data, "strijd")
    assert data[f"{struggle}-grounds"] == "interpretatie"
    data[f"{struggle}-rationale"] = (
        "De actie staat niet meer in de tekst; wij lezen strijd in hun overleg met de stad."
    )

    assert researcher_client.post(change_url(case), data).status_code == 302

    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.strength, coding.evidence_orphaned) == (
        "interpretatie",
        1,
        False,
    )
    assert (
        coding.rationale
        == "De actie staat niet meer in de tekst; wij lezen strijd in hun overleg met de stad."
    )
    page = parse(researcher_client.get(change_url(case)))
    assert not page.xpath("//strong[contains(@class,'coding-orphaned')]")
    assert not page.xpath("//p[contains(@class,'workflow__orphaned')]")


def test_deleting_the_orphaned_passage_leaves_an_interpretation_without_the_flag(
    case, researcher_client
):
    evidence = orphan(case, "strijd", "Ze voeren actie")
    data = the_form(researcher_client, case)
    data[f"{row_of(data, 'evidence', 'id', evidence.pk)}-DELETE"] = "on"

    assert researcher_client.post(change_url(case), data).status_code == 302

    assert not CodingEvidence.objects.filter(case=case).exists()
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", False)
    assert not parse(researcher_client.get(change_url(case))).xpath(
        "//strong[contains(@class,'coding-orphaned')]"
    )


def test_a_passage_anchored_again_while_the_rationale_changes_brings_the_coding_back_to_tekstbewijs(
    case, researcher_client
):
    evidence = orphan(case, "strijd", "Ze voeren actie")
    data = the_form(researcher_client, case)
    data[f"{row_of(data, 'evidence', 'id', evidence.pk)}-passage"] = "koken buren samen"
    data[f"{source_row(data, 'strijd')}-rationale"] = "Samen koken is hier ook een daad van verzet."

    assert researcher_client.post(change_url(case), data).status_code == 302

    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.evidence_orphaned) == ("tekstbewijs", False)
    assert coding.rationale == "Samen koken is hier ook een daad van verzet."


# --- history: versions keep the grounds; compare and restore show and bring them back -------------


def test_versions_keep_the_grounds_and_compare_and_restore_them(case, researcher_client):
    data = the_form(researcher_client, case)
    assert (
        researcher_client.post(change_url(case), data | {"summary": "Eerste versie."}).status_code
        == 302
    )
    data = the_form(researcher_client, case)
    struggle, conflict = source_row(data, "strijd"), field_row(data, "consensus-conflict")
    data |= {
        f"{struggle}-grounds": "tekstbewijs",
        f"{conflict}-grounds": "niet_te_bepalen",
        f"{conflict}-position": "",
    }
    with_evidence(data, passage_for("strijd", "Ze voeren actie"))
    assert researcher_client.post(change_url(case), data).status_code == 302
    newer, older = [version.pk for version in versions_of(case)]

    compare = parse(
        researcher_client.get(
            reverse("admin:cases_case_compare", args=[case.pk]), {"van": older, "tot": newer}
        )
    )
    rows = [
        texts(tr, "./*")
        for tr in compare.xpath("//table[contains(@class,'version-diff')]/tbody/tr")
    ]
    assert rows == [
        ["Strijd: grond", "interpretatie", "tekstbewijs"],
        [
            "Consensus – conflict",
            "in het midden (interpretatie): Onderbouwing voor consensus – conflict.",
            "niet te bepalen: Onderbouwing voor consensus – conflict.",
        ],
        ["Consensus – conflict: grond", "interpretatie", "niet te bepalen"],
        ["Tekstbewijs", "—", "‘Ze voeren actie’"],
    ]

    assert (
        researcher_client.post(
            reverse("admin:cases_case_restore", args=[case.pk, older])
        ).status_code
        == 302
    )
    assert SourceCoding.objects.get(case=case, source__key="strijd").grounds == "interpretatie"
    position = TensionPosition.objects.get(case=case, tension_field__key="consensus-conflict")
    assert (position.grounds, position.position) == ("interpretatie", 0)
    assert not CodingEvidence.objects.filter(case=case).exists()

    assert (
        researcher_client.post(
            reverse("admin:cases_case_restore", args=[case.pk, newer])
        ).status_code
        == 302
    )
    assert SourceCoding.objects.get(case=case, source__key="strijd").grounds == "tekstbewijs"
    assert CodingEvidence.objects.get(case=case).anchor_state == "anchored"
    position.refresh_from_db()
    assert (position.grounds, position.position) == ("niet_te_bepalen", None)


def test_a_restored_coding_on_tekstbewijs_follows_the_evidence_as_it_stands(case, researcher):
    """Restoring goes through the evidence: a passage that the restored text lacks leaves no coding on tekstbewijs."""

    anchor(case, "strijd", "Ze voeren actie")
    services.case_snapshot(case=case, actor=researcher, comment="Met tekstbewijs.")
    version = versions_of(case).first()
    # A version whose coding is on tekstbewijs but that holds no passage for it.
    version.revision.version_set.filter(content_type__model="codingevidence").delete()

    services.case_restore(case=case, version=version, actor=researcher)

    # No passage at all: nothing is orphaned, so no flag to settle.
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", False)


# --- the dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_counts_the_grounds_of_each_case_and_flags_orphaned_evidence(
    framework, researcher_client
):
    make_case(
        title="Gemengd",
        domain="werken",
        grounds={
            "wederzijdse-afhankelijkheid": Grounds.EVIDENCE,
            "normen-en-waarden": Grounds.EVIDENCE,
            "ontmoeting": Grounds.EVIDENCE,
            "universeel-particularistisch": Grounds.EVIDENCE,
            "consensus-conflict": Grounds.UNDETERMINED,
            "economisch-cultureel": Grounds.UNDETERMINED,
            "afstand-nabijheid": Grounds.UNDETERMINED,
        },
    )
    SourceCoding.objects.filter(case__title="Gemengd", source__key="strijd").update(
        evidence_orphaned=True
    )
    make_case(title="Vertolkt", domain="werken")

    page = parse(researcher_client.get(reverse("admin:cases_case_dashboard")))

    rows = {
        row[0]: row
        for row in (
            texts(tr, "./*") for tr in page.xpath("//section[.//h2[@id='domain-werken']]//tbody/tr")
        )
    }
    assert (
        rows["Gemengd"][3]
        == "4 tekstbewijs · 3 interpretatie · 3 niet te bepalen Tekstbewijs verweesd: Strijd"
    )
    assert rows["Vertolkt"][3] == "0 tekstbewijs · 10 interpretatie · 0 niet te bepalen"
    assert (
        texts(page, "//section[.//h2[@id='domain-werken']]//th[@scope='col']")[3]
        == "Grond van de coderingen"
    )
    assert texts(page, "//p[contains(@class,'dashboard__plan')]") == [
        "Het aantal geplande casestudies per domein is een planningsaanname van de praktijkenbank, geen cijfer uit de "
        "onderzoekstekst: die spreekt van 32 casestudies over de vier domeinen, zonder ze te verdelen."
    ]
