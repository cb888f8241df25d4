"""Anchoring and re-anchoring with realistic edits of a text."""

import pytest

from annotations.models import Annotation
from cases.models import CodingEvidence
from diegem.lib.anchoring import (
    FoundAgain,
    PassageNotFound,
    find_passage,
    locate_passage,
    make_anchor,
    reanchor,
)
from diegem.lib.annotatable import normalize_plain_text, paragraph_spans, text_revision

TEXT = (
    "In Rabot kun je ook burger zijn door heel gewone dingen te doen. "
    "De stadsakker is een gedeelde plek in de wijk.\n\n"
    "De tuiniers zijn vooral senioren, daklozen en mensen uit de torens. "
    "Omdat ze hetzelfde stuk grond delen, groeit er toch een zekere verbondenheid.\n\n"
    "De Torekes zijn een alternatieve munt: tien Torekes zijn één euro waard."
)
QUOTE = "groeit er toch een zekere verbondenheid"


def anchor_of(text: str, quote: str):
    start = text.index(quote)
    return make_anchor(text, start, start + len(quote))


def find_again(old_text: str, new_text: str, quote: str = QUOTE):
    old = anchor_of(old_text, quote)
    return reanchor(
        new_text, exact=old.exact, prefix=old.prefix, suffix=old.suffix, old_start=old.start
    )


def test_anchor_carries_quote_and_32_characters_of_context():
    anchor = anchor_of(TEXT, QUOTE)
    assert TEXT[anchor.start : anchor.end] == QUOTE
    assert len(anchor.prefix) == 32 and TEXT.endswith(anchor.suffix) is False
    assert TEXT[anchor.start - 32 : anchor.start] == anchor.prefix
    assert TEXT[anchor.end : anchor.end + 32] == anchor.suffix


def test_positions_are_code_points_not_utf16_units():
    text = "Één 🌱 stadsakker voor iedereen"
    anchor = anchor_of(text, "stadsakker")
    assert (anchor.start, anchor.end) == (
        6,
        16,
    )  # the seedling is one code point (two UTF-16 units)


def test_unchanged_text_keeps_the_anchor():
    match = find_again(TEXT, TEXT)
    assert match.method == "exact"
    assert (match.anchor.start, match.anchor.end) == (
        TEXT.index(QUOTE),
        TEXT.index(QUOTE) + len(QUOTE),
    )


def test_sentence_inserted_before_moves_the_anchor_with_the_words():
    edited = TEXT.replace("De stadsakker", "Sinds 2010 bestaat er een buurtwerking. De stadsakker")
    match = find_again(TEXT, edited)
    assert edited[match.anchor.start : match.anchor.end] == QUOTE
    assert match.anchor.start > TEXT.index(QUOTE)


def test_typo_fixed_elsewhere_keeps_exact_match():
    edited = TEXT.replace("alternatieve munt", "alternatieve munteenheid")
    match = find_again(TEXT, edited)
    assert match.method == "exact"
    assert edited[match.anchor.start : match.anchor.end] == QUOTE


def test_typo_fixed_inside_the_quote_is_found_fuzzily():
    typo = TEXT.replace("verbondenheid", "verbondenhied")
    fixed = TEXT
    match = find_again(typo, fixed, quote="groeit er toch een zekere verbondenhied")
    assert match is not None and match.method == "fuzzy"
    assert fixed[match.anchor.start : match.anchor.end] == QUOTE


def test_word_added_inside_the_quote_is_found_fuzzily():
    edited = TEXT.replace("een zekere verbondenheid", "een zekere, stille verbondenheid")
    match = find_again(TEXT, edited)
    assert match is not None and match.method == "fuzzy"
    assert "verbondenheid" in edited[match.anchor.start : match.anchor.end]
    assert edited[match.anchor.start : match.anchor.end].startswith("groeit")


def test_deleted_paragraph_orphans_the_annotation():
    paragraphs = TEXT.split("\n\n")
    edited = "\n\n".join([paragraphs[0], paragraphs[2]])
    assert find_again(TEXT, edited) is None


def test_moved_paragraph_is_followed():
    paragraphs = TEXT.split("\n\n")
    edited = "\n\n".join([paragraphs[2], paragraphs[0], paragraphs[1]])
    match = find_again(TEXT, edited)
    assert edited[match.anchor.start : match.anchor.end] == QUOTE


def test_rewritten_passage_is_not_silently_moved():
    edited = TEXT.replace(QUOTE, "ontstaat er geleidelijk iets als een gemeenschap")
    assert find_again(TEXT, edited) is None


def test_repeated_quote_is_told_apart_by_its_context():
    text = "In de wijk Rabot delen ze grond. Elders delen ze grond met niemand. In de wijk Rabot delen ze grond."
    second = text.rindex("delen ze grond")
    old = make_anchor(text, second, second + len("delen ze grond"))
    edited = "Nieuw begin. " + text
    match = reanchor(
        edited, exact=old.exact, prefix=old.prefix, suffix=old.suffix, old_start=old.start
    )
    assert match.anchor.start == edited.rindex("delen ze grond")


def anchored(model, text: str, quote: str):
    """An unsaved annotation or evidence row anchored on `quote` in `text`."""
    passage = model()
    passage.anchor_to(anchor_of(text, quote), text)
    return passage


@pytest.mark.parametrize("model", [Annotation, CodingEvidence])
def test_a_stored_passage_is_kept_moved_or_orphaned(model):
    kept = anchored(model, TEXT, QUOTE)
    assert kept.find_again(TEXT) == FoundAgain.KEPT
    moved = anchored(model, TEXT, QUOTE)
    edited = "Een nieuwe eerste zin. " + TEXT
    assert moved.find_again(edited) == FoundAgain.MOVED
    assert (edited[moved.position_start : moved.position_end], moved.text_revision) == (
        QUOTE,
        text_revision(edited),
    )
    lost = anchored(model, TEXT, QUOTE)
    assert (
        lost.find_again(TEXT.replace(QUOTE, "ontstaat er geleidelijk iets als een gemeenschap"))
        == FoundAgain.ORPHANED
    )
    assert (lost.anchor_state, lost.quote_exact, lost.text_revision) == (
        "orphaned",
        QUOTE,
        text_revision(TEXT),
    )


def test_an_orphan_anchored_again_is_anchored():
    passage = anchored(Annotation, TEXT, QUOTE)
    passage.orphan()
    assert passage.anchor_state == "orphaned"
    passage.anchor_to(anchor_of(TEXT, "De stadsakker"), TEXT)
    assert (passage.anchor_state, passage.quote_exact, passage.position_start) == (
        "anchored",
        "De stadsakker",
        TEXT.index("De stadsakker"),
    )


# A short quote does not wander to the same words elsewhere.
def test_a_one_word_note_in_a_deleted_sentence_becomes_an_orphan():
    text = "In de buurt groeit vertrouwen tussen bewoners. Later vertelt de buurtwerker over zijn vertrouwen in het stadsbestuur."
    note = anchored(Annotation, text, "vertrouwen")
    edited = "Later vertelt de buurtwerker over zijn vertrouwen in het stadsbestuur."
    assert note.find_again(edited) == FoundAgain.ORPHANED


def test_a_long_quote_is_found_even_when_both_neighbours_were_rewritten():
    quote = "De tuiniers delen samen een stuk grond aan de rand van de wijk."
    evidence = anchored(
        CodingEvidence, f"Eerste zin over iets. {quote} Laatste zin over iets.", quote
    )
    edited = f"Helemaal nieuw begin van de paragraaf hier. {quote} En een ander slot, ook nieuw."
    assert evidence.find_again(edited) == FoundAgain.MOVED
    assert edited[evidence.position_start : evidence.position_end] == quote


def test_pasted_passage_with_other_whitespace_is_found():
    found = find_passage(TEXT, "  groeit er toch\n een   zekere verbondenheid ")
    assert TEXT[found.anchor.start : found.anchor.end] == QUOTE
    assert not found.fuzzy


def test_pasted_passage_that_occurs_twice_asks_for_more():
    found = find_passage("de buurt en de buurt", "de buurt")
    assert found.anchor is None and found.occurrences == 2


def test_pasted_passage_with_a_small_typo_is_proposed_as_fuzzy():
    found = find_passage(TEXT, "groeit er toch een zekere verbondenhied")
    assert found.fuzzy and TEXT[found.anchor.start : found.anchor.end] == QUOTE


def test_pasted_passage_that_is_not_in_the_text_is_refused():
    found = find_passage(TEXT, "iets dat hier helemaal niet staat")
    assert found.anchor is None and found.occurrences == 0


def test_locating_a_passage_says_how_often_it_is_there():
    assert locate_passage(TEXT, "  groeit er toch\n een   zekere verbondenheid ") == anchor_of(
        TEXT, QUOTE
    )
    with pytest.raises(PassageNotFound) as twice:
        locate_passage("de buurt en de buurt", "de buurt")
    assert twice.value.occurrences == 2
    assert twice.value.message("de gekozen tekstsectie") == (
        "Deze passage komt 2 keer voor in de gekozen tekstsectie. Neem er enkele woorden bij zodat ze maar één keer voorkomt."
    )
    with pytest.raises(PassageNotFound) as missing:
        locate_passage(TEXT, "iets dat hier helemaal niet staat")
    assert missing.value.occurrences == 0
    assert (
        str(missing.value)
        == "Deze passage staat niet in de tekst. Kopieer ze letterlijk uit de tekst."
    )


def test_a_close_match_counts_unless_refused():
    typo = "groeit er toch een zekere verbondenhied"
    assert locate_passage(TEXT, typo) == anchor_of(TEXT, QUOTE)
    with pytest.raises(PassageNotFound):
        locate_passage(TEXT, typo, close_match=False)


def test_paragraph_spans_are_slices_of_the_text():
    text = normalize_plain_text(
        "Eerste alinea.\r\n\r\n  Tweede alinea,\r\nmet een regel.  \r\n\r\n\r\nDerde."
    )
    spans = paragraph_spans(text)
    assert [s.text for s in spans] == ["Eerste alinea.", "Tweede alinea,\nmet een regel.", "Derde."]
    for span in spans:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize("start, end", [(-1, 3), (5, 5), (0, 10_000)])
def test_anchor_outside_the_text_is_refused(start, end):
    with pytest.raises(ValueError):
        make_anchor(TEXT, start, end)
