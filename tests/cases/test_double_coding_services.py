"""The rules of a double-coding round (cases.double_coding_rounds): request, save, submit, settle."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from cases.double_coding_rounds import (
    Entry,
    RoundRefused,
    coding_save,
    coding_submit,
    round_cancel,
    round_request,
    round_settle,
)
from cases.models import (
    Case,
    DoubleCodingRound,
    Grounds,
    IndependentSourceCoding,
    IndependentTensionPosition,
)
from frameworks.models import Source, TensionField
from tests.cases.double_coding import code_and_submit, everything, make_colleague, open_round
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return make_colleague()


@pytest.fixture
def draft(framework):
    return make_case(
        status=Case.Status.DRAFT,
        strengths={"strijd": 3},
        positions={"universeel-particularistisch": "both"},
    )


def test_request_opens_a_round_with_two_codings_the_first_prefilled(draft, researcher, colleague):
    round_, first, second = open_round(draft, researcher, colleague)
    assert round_.requested_by == researcher and round_.second_coder == colleague
    assert first.sources.count() == 4 and first.positions.count() == 6
    strijd = first.sources.get(source__key="strijd")
    assert (strijd.strength, strijd.grounds, strijd.rationale) == (
        3,
        "interpretatie",
        "Onderbouwing voor Strijd.",
    )
    both = first.positions.get(tension_field__key="universeel-particularistisch")
    assert (both.position, both.holds_both) == (None, True)
    assert second.sources.count() == 0 and second.positions.count() == 0


def test_request_refused_for_a_published_case(framework, researcher, colleague):
    with pytest.raises(RoundRefused, match="gepubliceerde praktijk"):
        round_request(case=make_case(), requested_by=researcher, second_coder=colleague)
    assert DoubleCodingRound.objects.count() == 0


def test_a_second_open_round_is_refused(draft, researcher, colleague):
    open_round(draft, researcher, colleague)
    with pytest.raises(RoundRefused, match="loopt al een dubbele codering"):
        round_request(case=draft, requested_by=researcher, second_coder=colleague)


def test_the_colleague_must_be_an_active_researcher_and_not_the_requester(draft, researcher):
    with pytest.raises(RoundRefused, match="niet uzelf"):
        round_request(case=draft, requested_by=researcher, second_coder=researcher)
    with pytest.raises(RoundRefused, match="actieve onderzoeker"):
        round_request(case=draft, requested_by=researcher, second_coder=make_user("lid-x"))
    with pytest.raises(RoundRefused, match="actieve onderzoeker"):
        round_request(
            case=draft, requested_by=researcher, second_coder=make_colleague("weg", is_active=False)
        )
    with pytest.raises(PermissionDenied):
        round_request(case=draft, requested_by=make_user("lid-y"), second_coder=researcher)


def test_the_database_refuses_two_unsettled_rounds_and_one_coder_twice(
    draft, researcher, colleague
):
    open_round(draft, researcher, colleague)
    with pytest.raises(IntegrityError):
        DoubleCodingRound.objects.create(
            case=draft, requested_by=colleague, second_coder=researcher
        )


def test_the_database_keeps_the_coding_rules(draft, researcher, colleague):
    _round, _first, second = open_round(draft, researcher, colleague)
    strijd = Source.objects.get(key="strijd")
    with pytest.raises(IntegrityError):
        IndependentSourceCoding.objects.create(
            coding=second, source=strijd, strength=2, grounds=Grounds.UNDETERMINED
        )


def test_the_database_refuses_a_position_and_both_poles(draft, researcher, colleague):
    _round, _first, second = open_round(draft, researcher, colleague)
    with pytest.raises(IntegrityError):
        IndependentTensionPosition.objects.create(
            coding=second,
            tension_field=TensionField.objects.first(),
            position=1,
            holds_both=True,
            grounds=Grounds.INTERPRETATION,
        )


def test_save_keeps_a_half_filled_coding_and_submit_refuses_it_naming_what_lacks(
    draft, researcher, colleague
):
    _round, _first, second = open_round(draft, researcher, colleague)
    strijd = Source.objects.get(key="strijd")
    coding_save(
        coding=second,
        actor=colleague,
        sources={strijd.pk: Entry(grounds=Grounds.INTERPRETATION, value=2, rationale="Zo.")},
        fields={},
    )
    assert second.sources.get().strength == 2
    with pytest.raises(RoundRefused) as refusal:
        coding_submit(coding=second, actor=colleague)
    assert (
        "De bron ‘Strijd’ heeft nog geen sterkte (of ‘niet te bepalen’)."
        not in refusal.value.messages
    )
    assert len(refusal.value.messages) == 3 + 6
    assert any("spanningsveld" in message for message in refusal.value.messages)
    second.refresh_from_db()
    assert second.submitted_at is None


def test_save_refuses_a_value_with_undetermined_naming_the_source(draft, researcher, colleague):
    _round, _first, second = open_round(draft, researcher, colleague)
    strijd = Source.objects.get(key="strijd")
    with pytest.raises(RoundRefused) as refusal:
        coding_save(
            coding=second,
            actor=colleague,
            sources={strijd.pk: Entry(grounds=Grounds.UNDETERMINED, value=2)},
            fields={},
        )
    assert refusal.value.messages == [
        "Strijd: bij ‘niet te bepalen’ hoort geen waarde; maak ze leeg."
    ]
    assert second.sources.count() == 0


def test_niet_te_bepalen_is_complete(draft, researcher, colleague):
    _round, _first, second = open_round(draft, researcher, colleague)
    code_and_submit(
        second, colleague, strijd="undetermined", **{"universeel-particularistisch": "undetermined"}
    )
    second.refresh_from_db()
    assert second.submitted_at is not None


def test_only_the_coder_saves_and_a_submitted_coding_stays(draft, researcher, colleague):
    _round, first, second = open_round(draft, researcher, colleague)
    sources, fields = everything()
    with pytest.raises(PermissionDenied):
        coding_save(coding=second, actor=researcher, sources=sources, fields=fields)
    code_and_submit(second, colleague)
    with pytest.raises(RoundRefused, match="al ingediend"):
        coding_save(coding=second, actor=colleague, sources=sources, fields=fields)
    with pytest.raises(RoundRefused, match="al ingediend"):
        coding_submit(coding=second, actor=colleague)


def test_settle_only_when_both_submitted(draft, researcher, colleague):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(second, colleague)
    sources, fields = everything(strength=2)
    with pytest.raises(RoundRefused, match="Beide onafhankelijke coderingen"):
        round_settle(round=round_, actor=researcher, sources=sources, fields=fields)
    code_and_submit(first, researcher)
    with pytest.raises(PermissionDenied):
        round_settle(round=round_, actor=make_colleague("derde"), sources=sources, fields=fields)
    round_settle(round=round_, actor=colleague, sources=sources, fields=fields)
    with pytest.raises(RoundRefused, match="al vastgelegd"):
        round_settle(round=round_, actor=researcher, sources=sources, fields=fields)


def test_settle_refuses_an_incomplete_consensus_naming_each_field(draft, researcher, colleague):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(first, researcher)
    code_and_submit(second, colleague)
    sources, fields = everything()
    fields.pop(TensionField.objects.get(key="universeel-particularistisch").pk)
    with pytest.raises(RoundRefused) as refusal:
        round_settle(round=round_, actor=researcher, sources=sources, fields=fields)
    assert refusal.value.messages == [
        "universeel – particularistisch: de consensus heeft een waarde of ‘niet te bepalen’ nodig."
    ]
    round_.refresh_from_db()
    assert round_.settled_at is None


def test_settle_refuses_tekstbewijs_without_a_passage(draft, researcher, colleague):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(first, researcher)
    code_and_submit(second, colleague)
    sources, fields = everything()
    strijd = Source.objects.get(key="strijd")
    sources[strijd.pk] = Entry(grounds=Grounds.EVIDENCE, value=2, rationale="Staat er.")
    with pytest.raises(RoundRefused, match="Strijd: ‘tekstbewijs’ vraagt een verankerde passage"):
        round_settle(round=round_, actor=researcher, sources=sources, fields=fields)


def test_a_round_that_cannot_end_is_stopped_and_its_codings_stay(draft, researcher, colleague):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(first, researcher)
    assert not Case.objects.codings_visible_to(colleague).filter(pk=draft.pk).exists()
    # Not by a stranger, and not by the second coder: that would end their own blindness.
    for actor in (make_user("gast", is_staff=True), colleague):
        with pytest.raises(PermissionDenied):
            round_cancel(round=round_, actor=actor)
    round_cancel(round=round_, actor=researcher)
    round_.refresh_from_db()
    assert (round_.cancelled_by, round_.settled_at) == (researcher, None)
    # The colleague no longer codes blind; the codings stay; nothing more happens in the round.
    assert Case.objects.codings_visible_to(colleague).filter(pk=draft.pk).exists()
    assert round_.codings.count() == 2
    assert list(DoubleCodingRound.objects.unsettled()) == []
    with pytest.raises(RoundRefused, match="stopgezet"):
        code_and_submit(second, colleague)
    sources, fields = everything(strength=2)
    with pytest.raises(RoundRefused, match="stopgezet"):
        round_settle(round=round_, actor=researcher, sources=sources, fields=fields)
    with pytest.raises(RoundRefused, match="al stopgezet"):
        round_cancel(round=round_, actor=researcher)
    # The case is free for a new round, with a colleague who has not seen its coding.
    with pytest.raises(RoundRefused, match="stopgezette ronde") as refused:
        round_request(case=draft, requested_by=researcher, second_coder=colleague)
    assert refused.value.field == "second_coder"
    round_request(case=draft, requested_by=researcher, second_coder=make_colleague("derde"))


def test_a_round_with_both_codings_in_is_settled_not_stopped(draft, researcher, colleague):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(first, researcher)
    code_and_submit(second, colleague)
    with pytest.raises(RoundRefused, match="Beide coderingen zijn ingediend"):
        round_cancel(round=round_, actor=researcher)
    sources, fields = everything(strength=2)
    round_settle(round=round_, actor=colleague, sources=sources, fields=fields)
    with pytest.raises(RoundRefused, match="al vastgelegd"):
        round_cancel(round=round_, actor=researcher)
