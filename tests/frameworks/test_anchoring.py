"""Anchoring and re-anchoring with realistic edits of a text."""

import pytest

from diegem.lib.annotatable import normalize_plain_text, paragraph_spans
from frameworks.anchoring import find_passage, make_anchor, reanchor

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
    return reanchor(new_text, exact=old.exact, prefix=old.prefix, suffix=old.suffix, old_start=old.start)


def test_anchor_carries_quote_and_32_characters_of_context():
    anchor = anchor_of(TEXT, QUOTE)
    assert TEXT[anchor.start : anchor.end] == QUOTE
    assert len(anchor.prefix) == 32 and TEXT.endswith(anchor.suffix) is False
    assert TEXT[anchor.start - 32 : anchor.start] == anchor.prefix
    assert TEXT[anchor.end : anchor.end + 32] == anchor.suffix


def test_positions_are_code_points_not_utf16_units():
    text = "Één 🌱 stadsakker voor iedereen"
    anchor = anchor_of(text, "stadsakker")
    assert (anchor.start, anchor.end) == (6, 16)  # the seedling is one code point (two UTF-16 units)


def test_unchanged_text_keeps_the_anchor():
    match = find_again(TEXT, TEXT)
    assert match.method == "exact"
    assert (match.anchor.start, match.anchor.end) == (TEXT.index(QUOTE), TEXT.index(QUOTE) + len(QUOTE))


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
    match = reanchor(edited, exact=old.exact, prefix=old.prefix, suffix=old.suffix, old_start=old.start)
    assert match.anchor.start == edited.rindex("delen ze grond")


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


def test_paragraph_spans_are_slices_of_the_text():
    text = normalize_plain_text("Eerste alinea.\r\n\r\n  Tweede alinea,\r\nmet een regel.  \r\n\r\n\r\nDerde.")
    spans = paragraph_spans(text)
    assert [s.text for s in spans] == ["Eerste alinea.", "Tweede alinea,\nmet een regel.", "Derde."]
    for span in spans:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize("start, end", [(-1, 3), (5, 5), (0, 10_000)])
def test_anchor_outside_the_text_is_refused(start, end):
    with pytest.raises(ValueError):
        make_anchor(TEXT, start, end)
