"""While a case is double coded its coding waits for the consensus: every entry point that would
change it meanwhile (the workbench's form, the import, restoring a version, a command) is refused
with the codings named, and saves nothing; what does not touch the coding goes on."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases import history, services
from cases.double_coding_rounds import round_settle
from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from diegem.lib.anchoring import locate_passage
from frameworks.models import Source
from tests.cases.conftest import change_url, row_of, the_form
from tests.cases.double_coding import code_and_submit, everything, make_colleague, open_round
from tests.factories import good_row, make_case, run_import, wide_csv
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

REFUSED_STRIJD = (
    "Er loopt een dubbele codering voor deze praktijk: haar consensus wordt de codering en zou "
    "deze wijziging vervangen. Laat de codering van ‘Strijd’ staan tot na de consensus; niets "
    "is bewaard."
)


@pytest.fixture
def double_coded(framework, researcher):
    """A draft coded 2 on every source, its round open with a colleague."""
    case = make_case(
        title="Buurtkeuken", slug="buurtkeuken-gent", status=Case.Status.DRAFT, strengths={}
    )
    SourceCoding.objects.filter(case=case).update(strength=2)
    round_, first, second = open_round(case, researcher, make_colleague())
    return case, round_, first, second


def strengths(case) -> dict[str, int]:
    return dict(
        SourceCoding.objects.filter(case=case)
        .order_by("source__order")
        .values_list("source__key", "strength")
    )


UNCHANGED = {
    "wederzijdse-afhankelijkheid": 2,
    "normen-en-waarden": 2,
    "strijd": 2,
    "ontmoeting": 2,
}


def test_a_write_changing_the_coding_is_refused_whole_naming_what_it_would_change(
    double_coded, researcher
):
    case, *_round = double_coded
    strijd, conflict = (
        SourceCoding.objects.get(case=case, source__key="strijd"),
        TensionPosition.objects.get(case=case, tension_field__key="consensus-conflict"),
    )
    strijd.strength, conflict.rationale = 3, "Een andere onderbouwing."
    case.title = "Buurtkeuken Gent"
    with pytest.raises(services.CodingDuringDoubleCoding) as refused:
        services.case_write(
            case=case,
            codings=services.Rows(save=[strijd]),
            positions=services.Rows(save=[conflict]),
            actor=researcher,
            comment="Bewerkt.",
        )
    assert str(refused.value) == (
        "Er loopt een dubbele codering voor deze praktijk: haar consensus wordt de codering en "
        "zou deze wijziging vervangen. Laat de codering van ‘Strijd’ en ‘consensus – conflict’ "
        "staan tot na de consensus; niets is bewaard."
    )
    case = Case.objects.get(pk=case.pk)
    assert case.title == "Buurtkeuken"
    assert strengths(case) == UNCHANGED
    assert TensionPosition.objects.get(pk=conflict.pk).rationale != "Een andere onderbouwing."


def test_a_coding_removed_meanwhile_is_refused_too(double_coded, researcher):
    case, *_round = double_coded
    strijd = SourceCoding.objects.get(case=case, source__key="strijd")
    with pytest.raises(services.CodingDuringDoubleCoding) as refused:
        services.case_write(
            case=case, codings=services.Rows(delete=[strijd]), actor=researcher, comment="Weg."
        )
    assert str(refused.value) == REFUSED_STRIJD
    assert strengths(case) == UNCHANGED


def test_what_leaves_the_coding_as_it_is_is_written(double_coded, researcher):
    """The text, the codings given as they stand (a form sends them all), evidence added for the
    consensus to rest on."""
    case, *_round = double_coded
    case.title = "Buurtkeuken Gent"
    evidence = CodingEvidence(
        case=case, case_field="practice", source=Source.objects.get(key="strijd")
    )
    evidence.anchor_to(locate_passage(case.practice, "Wat er gebeurt"), case.practice)
    services.case_write(
        case=case,
        codings=services.Rows(save=list(SourceCoding.objects.filter(case=case))),
        positions=services.Rows(save=list(TensionPosition.objects.filter(case=case))),
        evidence=services.Rows(save=[evidence]),
        actor=researcher,
        comment="Titel en tekstbewijs.",
    )
    assert Case.objects.get(pk=case.pk).title == "Buurtkeuken Gent"
    assert CodingEvidence.objects.filter(case=case).count() == 1


def test_the_consensus_is_written_and_after_it_the_coding_changes_again(double_coded, researcher):
    case, round_, first, second = double_coded
    code_and_submit(first, researcher, strength=1)
    code_and_submit(second, second.coder, strength=1)
    sources, fields = everything(strength=1)
    round_settle(round=round_, actor=researcher, sources=sources, fields=fields)
    assert set(strengths(case).values()) == {1}
    strijd = SourceCoding.objects.get(case=case, source__key="strijd")
    strijd.strength = 3
    services.case_write(
        case=case, codings=services.Rows(save=[strijd]), actor=researcher, comment="Later."
    )
    assert strengths(case)["strijd"] == 3


def test_the_workbench_form_says_so_and_keeps_what_was_typed(double_coded, researcher_client):
    case, *_round = double_coded
    page = parse(researcher_client.get(change_url(case)))
    assert texts(page, "//p[contains(@class,'double-coding__open')]") == [
        "Er loopt een dubbele codering voor deze praktijk: haar codering verandert pas met de "
        "consensus, en pas daarna kan ze gepubliceerd worden. Naar de dubbele codering"
    ]
    data = the_form(researcher_client, case)
    strijd = Source.objects.get(key="strijd")
    row = row_of(data, "source_codings", "source", strijd.pk)
    data |= {f"{row}-strength": "3", "title": "Buurtkeuken aan de Dampoort"}

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 200
    page = parse(response)
    assert REFUSED_STRIJD in texts(page, "//ul[contains(@class,'errorlist')]/li")
    assert page.xpath("//input[@name='title']/@value") == ["Buurtkeuken aan de Dampoort"]
    assert page.xpath(f"//select[@name='{row}-strength']/option[@selected]/@value") == ["3"]
    case = Case.objects.get(pk=case.pk)
    assert case.title == "Buurtkeuken"
    assert strengths(case) == UNCHANGED


def test_the_import_names_the_row_and_column_and_saves_nothing(framework, researcher):
    row = good_row(status="draft")
    assert run_import(wide_csv([row]), researcher).ok
    case = Case.objects.get(slug="buurtkeuken-gent")
    open_round(case, researcher, make_colleague())

    changed = row | {"titel": "Buurtkeuken aan de Dampoort", "bron_strijd": "3"}
    report = run_import(wide_csv([changed]), researcher)

    assert report.errors == [f"Rij 2, kolom ‘bron_strijd’: {REFUSED_STRIJD}"]
    assert Case.objects.get(pk=case.pk).title == "Buurtkeuken Gent"
    assert strengths(case)["strijd"] == 2
    # The same file with the coding as it stands imports.
    assert run_import(wide_csv([row | {"titel": "Buurtkeuken aan de Dampoort"}]), researcher).ok
    assert Case.objects.get(pk=case.pk).title == "Buurtkeuken aan de Dampoort"


def test_restoring_a_version_with_another_coding_is_refused(
    framework, researcher, researcher_client
):
    case = make_case(title="Buurtkeuken", status=Case.Status.DRAFT, strengths={})
    SourceCoding.objects.filter(case=case).update(strength=2)
    services.case_write(case=case, actor=researcher, comment="Eerste versie.")
    first = history.versions_of(case).first()
    strijd = SourceCoding.objects.get(case=case, source__key="strijd")
    strijd.strength = 3
    services.case_write(
        case=case, codings=services.Rows(save=[strijd]), actor=researcher, comment="Sterker."
    )
    open_round(case, researcher, make_colleague())

    response = researcher_client.post(reverse("admin:cases_case_restore", args=[case.pk, first.pk]))

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"Niet teruggezet. {REFUSED_STRIJD}"
    ]
    assert strengths(case)["strijd"] == 3


def test_a_version_with_the_same_coding_but_another_text_is_restored(
    framework, researcher, researcher_client
):
    """The text moves the evidence, and the evidence the grounds; the coding each version holds is
    the same: restoring it is no change of the coding."""
    case = make_case(
        title="Buurtkeuken",
        status=Case.Status.DRAFT,
        practice="Buren protesteren samen tegen de huurprijzen.\n\nEen tweede alinea.",
    )
    strijd = Source.objects.get(key="strijd")

    def evidence_on(passage):
        evidence = CodingEvidence(case=case, case_field="practice", source=strijd)
        evidence.anchor_to(locate_passage(case.practice, passage), case.practice)
        return evidence

    coding = SourceCoding.objects.get(case=case, source=strijd)
    coding.grounds = Grounds.EVIDENCE
    services.case_write(
        case=case,
        codings=services.Rows(save=[coding]),
        evidence=services.Rows(save=[evidence_on("Buren protesteren samen")]),
        actor=researcher,
        comment="Met tekstbewijs.",
    )
    first = history.versions_of(case).first()
    case = Case.objects.get(pk=case.pk)
    case.practice = "Iedereen kookt elke vrijdag in de keuken.\n\nEen tweede alinea."
    services.case_write(
        case=case,
        evidence=services.Rows(
            save=[evidence_on("Iedereen kookt elke vrijdag")],
            delete=list(CodingEvidence.objects.filter(case=case)),
        ),
        actor=researcher,
        comment="Herschreven.",
    )
    open_round(Case.objects.get(pk=case.pk), researcher, make_colleague())

    response = researcher_client.post(reverse("admin:cases_case_restore", args=[case.pk, first.pk]))

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"De versie van {services.version_moment(first)} is teruggezet."
    ]
    case = Case.objects.get(pk=case.pk)
    assert case.practice.startswith("Buren protesteren samen")
    assert SourceCoding.objects.get(case=case, source=strijd).grounds == Grounds.EVIDENCE


def test_a_text_edit_whose_evidence_is_orphaned_saves_beside_a_translated_rationale(
    framework, researcher, researcher_client
):
    """The text change orphans the evidence and so moves its coding's grounds (the grounds follow
    the evidence); a rationale's translation is no coding value: both are saved."""
    case = make_case(
        title="Buurtkeuken",
        status=Case.Status.DRAFT,
        practice="Buren protesteren samen tegen de huurprijzen.\n\nEen tweede alinea.",
    )
    strijd = Source.objects.get(key="strijd")
    evidence = CodingEvidence(case=case, case_field="practice", source=strijd)
    evidence.anchor_to(locate_passage(case.practice, "Buren protesteren samen"), case.practice)
    coding = SourceCoding.objects.get(case=case, source=strijd)
    coding.grounds = Grounds.EVIDENCE
    services.case_write(
        case=case,
        codings=services.Rows(save=[coding]),
        evidence=services.Rows(save=[evidence]),
        actor=researcher,
        comment="Met tekstbewijs.",
    )
    open_round(Case.objects.get(pk=case.pk), researcher, make_colleague())
    data = the_form(researcher_client, case)
    row = row_of(data, "source_codings", "source", strijd.pk)
    data |= {
        "practice": "Iedereen kookt elke vrijdag.\r\n\r\nEen tweede alinea.",
        f"{row}-rationale_fr": "Parce que.",
    }

    response = researcher_client.post(change_url(case), data)

    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.practice.startswith("Iedereen kookt")
    assert SourceCoding.objects.get(case=case, source=strijd).rationale_fr == "Parce que."


def test_a_write_during_a_round_still_says_which_texts_it_changed(double_coded, researcher):
    case, *_round = double_coded
    case.practice = "Een nieuwe tekst.\n\nEn een tweede alinea."
    changed = services.case_write(
        case=case,
        codings=services.Rows(save=list(SourceCoding.objects.filter(case=case))),
        actor=researcher,
        comment="Tekst.",
    )
    assert changed == ["practice"]
