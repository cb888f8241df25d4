"""The consensus is what gets published; the independent codings stay in the record."""

import pytest

from cases.double_coding_rounds import round_settle
from cases.history import versions_of
from cases.models import Case, CaseAction, IndependentCoding, IndependentSourceCoding
from cases.services import case_transition
from diegem.lib.workflow import IllegalTransition
from frameworks.models import Source, TensionField
from tests.cases.double_coding import code_and_submit, everything, make_colleague, open_round
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(framework):
    return make_case(status=Case.Status.IN_REVIEW, strengths={"strijd": 0})


def test_publication_is_refused_while_a_round_is_open(in_review, researcher):
    open_round(in_review, researcher, make_colleague())
    with pytest.raises(IllegalTransition, match="publiceer pas na de consensus"):
        case_transition(case=in_review, action=CaseAction.PUBLISH, actor=researcher)
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.IN_REVIEW


def test_the_published_coding_is_the_consensus_and_both_codings_stay(in_review, researcher):
    colleague = make_colleague()
    round_, first, second = open_round(in_review, researcher, colleague)
    code_and_submit(first, researcher, strength=1, strijd=0, rationale="Eerste lezing.")
    code_and_submit(second, colleague, strength=2, strijd=3, rationale="Tweede lezing.")
    sources, fields = everything(
        strength=2,
        position=-1,
        rationale="Samen besproken.",
        strijd=1,
        **{"universeel-particularistisch": "both"},
    )
    # Still refused after both submitted: the consensus is not written yet.
    with pytest.raises(IllegalTransition):
        case_transition(case=in_review, action=CaseAction.PUBLISH, actor=researcher)
    round_settle(round=round_, actor=colleague, sources=sources, fields=fields)
    case_transition(case=in_review, action=CaseAction.PUBLISH, actor=researcher)

    published = Case.objects.published().get(pk=in_review.pk)
    assert {c.source.key: c.strength for c in published.source_codings.all()} == {
        "wederzijdse-afhankelijkheid": 2,
        "normen-en-waarden": 2,
        "strijd": 1,
        "ontmoeting": 2,
    }
    positions = {
        p.tension_field.key: (p.position, p.holds_both) for p in published.tension_positions.all()
    }
    assert positions["universeel-particularistisch"] == (None, True)
    assert positions["consensus-conflict"] == (-1, False)
    assert {c.rationale for c in published.source_codings.all()} == {"Samen besproken."}
    # The independent codings are kept as they were submitted.
    assert IndependentCoding.objects.filter(round=round_).count() == 2
    strijd = Source.objects.get(key="strijd")
    assert IndependentSourceCoding.objects.get(coding=first, source=strijd).strength == 0
    assert IndependentSourceCoding.objects.get(coding=second, source=strijd).strength == 3
    assert (
        IndependentSourceCoding.objects.get(coding=second, source=strijd).rationale
        == "Tweede lezing."
    )
    # The version the consensus left names the round.
    comment = versions_of(in_review).first().revision.get_comment()
    assert comment.startswith(f"Consensus van de dubbele codering nr. {round_.pk} (gevraagd op ")
    assert "gecodeerd door Rita Onderzoek en Cas Collega" in comment


def test_settled_round_allows_a_new_one(in_review, researcher):
    colleague = make_colleague()
    round_, first, second = open_round(in_review, researcher, colleague)
    code_and_submit(first, researcher)
    code_and_submit(second, colleague)
    round_settle(round=round_, actor=researcher, sources=everything()[0], fields=everything()[1])
    again, _first, _second = open_round(in_review, colleague, researcher)
    assert again.pk != round_.pk
    assert TensionField.objects.count() == 6
