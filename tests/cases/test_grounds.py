"""Every coding says how it is known: tekstbewijs, interpretatie or niet te bepalen."""

import pytest
from django.db import IntegrityError, transaction

from cases.evidence import codings_without_evidence, sync_grounds_with_evidence
from cases.models import CodingEvidence, Grounds, SourceCoding, TensionPosition
from cases.services import case_write
from frameworks.models import Source, TensionField
from tests.factories import cite, make_case

pytestmark = pytest.mark.django_db

PRACTICE = "Buren koken elke woensdag samen in het buurthuis.\n\nZe delen recepten uit vele landen."


def _insert(model, **fields) -> bool:
    """Whether the database accepts the row."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


# (grounds, strength, accepted) for a source coding: a value exactly when it can be told.
SOURCE_ROWS = [
    ("tekstbewijs", 2, True),
    ("interpretatie", 0, True),
    ("niet_te_bepalen", None, True),
    ("niet_te_bepalen", 0, False),  # "not determinable" is not "absent"
    ("interpretatie", None, False),
    ("tekstbewijs", None, False),
    ("gevoel", 1, False),
    ("interpretatie", 4, False),
]


@pytest.mark.parametrize(("grounds", "strength", "accepted"), SOURCE_ROWS)
def test_the_database_holds_a_strength_exactly_when_the_grounds_allow_one(
    framework, grounds, strength, accepted
):
    case = make_case(coded=False)
    source = Source.objects.get(key="strijd")
    assert (
        _insert(
            SourceCoding,
            case=case,
            source=source,
            grounds=grounds,
            strength=strength,
            rationale="r",
        )
        is accepted
    )


# (grounds, position, holds_both, accepted) for a tension position.
POSITION_ROWS = [
    ("interpretatie", -2, False, True),
    ("tekstbewijs", None, True, True),
    ("niet_te_bepalen", None, False, True),
    ("niet_te_bepalen", 0, False, False),  # "not determinable" is not "in the middle"
    ("niet_te_bepalen", None, True, False),  # nor "both poles"
    ("interpretatie", None, False, False),
    ("interpretatie", 1, True, False),
    ("interpretatie", 3, False, False),
]


@pytest.mark.parametrize(("grounds", "position", "holds_both", "accepted"), POSITION_ROWS)
def test_the_database_holds_a_position_exactly_when_the_grounds_allow_one(
    framework, grounds, position, holds_both, accepted
):
    case = make_case(coded=False)
    field = TensionField.objects.get(key="consensus-conflict")
    row = {"grounds": grounds, "position": position, "holds_both": holds_both, "rationale": "r"}
    assert _insert(TensionPosition, case=case, tension_field=field, **row) is accepted


def test_only_an_interpretation_can_carry_the_orphaned_evidence_flag(framework):
    case = make_case(coded=False)
    source = Source.objects.get(key="strijd")
    base = {
        "case": case,
        "source": source,
        "strength": 1,
        "rationale": "r",
        "evidence_orphaned": True,
    }
    assert not _insert(SourceCoding, grounds="tekstbewijs", **base)
    assert _insert(SourceCoding, grounds="interpretatie", **base)


def test_a_case_with_undetermined_codings_is_complete_when_each_says_why(framework):
    case = make_case(
        status="draft",
        grounds={"strijd": Grounds.UNDETERMINED, "afstand-nabijheid": Grounds.UNDETERMINED},
    )
    assert case.missing_for_publication() == []
    SourceCoding.objects.filter(case=case, source__key="strijd").update(rationale="")
    assert case.missing_for_publication() == [
        "De codering van de bron ‘Strijd’ heeft geen onderbouwing."
    ]


def test_an_absent_source_needs_its_rationale_too(framework):
    case = make_case(status="draft", strengths={"ontmoeting": 0})
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").update(rationale="  ")
    assert case.missing_for_publication() == [
        "De codering van de bron ‘Ontmoeting’ heeft geen onderbouwing."
    ]


def _coding_on_evidence(case, passage: str) -> SourceCoding:
    coding = SourceCoding.objects.get(case=case, source__key="ontmoeting")
    cite(case, "ontmoeting", passage)
    SourceCoding.objects.filter(pk=coding.pk).update(grounds=Grounds.EVIDENCE)
    return coding


def _orphaned_coding(case) -> SourceCoding:
    """The coding on ontmoeting on evidence, then an edit of the text that orphans its passage."""
    coding = _coding_on_evidence(case, "Buren koken elke woensdag samen")
    case.practice = "Ze delen recepten uit vele landen."
    case_write(case=case, actor=None, comment="De praktijk herschreven.")
    coding.refresh_from_db()
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", True)
    return coding


def test_evidence_orphaned_by_an_edit_makes_the_coding_an_interpretation_until_it_is_found_again(
    framework,
):
    case = make_case(practice=PRACTICE)
    coding = _orphaned_coding(case)

    case.practice = PRACTICE
    case_write(case=case, actor=None, comment="De praktijk herschreven.")
    coding.refresh_from_db()
    assert (coding.grounds, coding.evidence_orphaned) == ("tekstbewijs", False)


def test_a_coding_on_evidence_without_an_anchored_passage_is_named(framework):
    case = make_case(practice=PRACTICE)
    _coding_on_evidence(case, "Ze delen recepten")
    SourceCoding.objects.filter(case=case, source__key="strijd").update(grounds=Grounds.EVIDENCE)
    assert codings_without_evidence(case) == ["Strijd"]


def test_deleting_the_orphaned_passages_settles_the_flag_and_leaves_an_interpretation(framework):
    case = make_case(practice=PRACTICE)
    coding = _orphaned_coding(case)
    # Another orphaned passage, for another coding, stays flagged.
    other = SourceCoding.objects.get(case=case, source__key="strijd")
    SourceCoding.objects.filter(pk=other.pk).update(
        grounds=Grounds.INTERPRETATION, evidence_orphaned=True
    )
    CodingEvidence.objects.create(
        case=case,
        source=other.source,
        case_field="practice",
        quote_exact="weg",
        position_start=0,
        position_end=3,
        text_revision="x",
        anchor_state=CodingEvidence.AnchorState.ORPHANED,
    )

    CodingEvidence.objects.filter(case=case, source=coding.source).delete()

    assert sync_grounds_with_evidence(case) == 1
    coding.refresh_from_db()
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", False)
    assert SourceCoding.objects.get(pk=other.pk).evidence_orphaned
    assert sync_grounds_with_evidence(case) == 0


def test_a_coding_on_evidence_without_any_passage_becomes_an_interpretation_without_a_flag(
    framework,
):
    case = make_case(practice=PRACTICE)
    SourceCoding.objects.filter(case=case, source__key="strijd").update(grounds=Grounds.EVIDENCE)
    assert sync_grounds_with_evidence(case) == 1
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.grounds, coding.evidence_orphaned) == ("interpretatie", False)
