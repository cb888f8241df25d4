"""Anchoring annotations to plain text, and finding them again after an edit.

Positions are Unicode code points of the target's normalised plain text (what
Python's `str` indexes). An anchor is never a bare offset: the quote and about
32 characters of context on either side travel with it, so that after the
researchers edit the text the passage can be found again:

1. the exact quote, where it occurs once, or the occurrence whose context fits
   best (ties go to the one nearest the old position);
2. otherwise a fuzzy match (rapidfuzz) of the quote in a window around the old
   position, then in the whole text, scored on the quote and its context;
   a short quote (a word or two) is only accepted where its context still fits;
3. below the threshold the annotation is an orphan: it leaves the margin and
   goes to the reviewers' queue, never silently moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

CONTEXT_LENGTH = 32
# A fuzzy candidate must match the quote at least this well (0-100) ...
MIN_QUOTE_SCORE = 80.0
# ... and quote and context together at least this well.
MIN_COMBINED_SCORE = 75.0
# How far around the old position the first fuzzy search looks, in characters.
SEARCH_WINDOW = 2000
# A quote shorter than this is only found again where some of its context still fits:
# a single word turns up all over a text, and must not wander to another sentence.
SELF_EVIDENT_LENGTH = 40
MIN_CONTEXT_SUPPORT = 60.0


@dataclass(frozen=True)
class Anchor:
    """Selectors for a passage of a text."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Match:
    anchor: Anchor
    score: float
    method: str  # "exact" or "fuzzy"


def make_anchor(text: str, start: int, end: int) -> Anchor:
    """Selectors for `text[start:end]`, with context on both sides."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}-{end} is outside a text of {len(text)} characters")
    return Anchor(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
    )


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the text around a candidate matches the remembered context (0-100)."""
    scores = []
    if prefix:
        scores.append(fuzz.ratio(prefix, text[max(0, start - len(prefix)) : start]))
    if suffix:
        scores.append(fuzz.ratio(suffix, text[end : end + len(suffix)]))
    return sum(scores) / len(scores) if scores else 100.0


def _context_support(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """The better of the two sides: does the text still fit before or after the passage?"""
    scores = []
    if prefix:
        scores.append(fuzz.ratio(prefix, text[max(0, start - len(prefix)) : start]))
    if suffix:
        scores.append(fuzz.ratio(suffix, text[end : end + len(suffix)]))
    return max(scores) if scores else 100.0


def _plausible(text: str, start: int, end: int, exact: str, prefix: str, suffix: str) -> bool:
    return len(exact) >= SELF_EVIDENT_LENGTH or _context_support(text, start, end, prefix, suffix) >= MIN_CONTEXT_SUPPORT


def _exact_candidates(text: str, exact: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(exact), text)]


def reanchor(text: str, *, exact: str, prefix: str, suffix: str, old_start: int) -> Match | None:
    """Find the remembered passage in a (possibly edited) text, or None for an orphan."""
    if not exact:
        return None
    starts = _exact_candidates(text, exact)
    if starts:
        def rank(start: int) -> tuple[float, int]:
            return (-_context_score(text, start, start + len(exact), prefix, suffix), abs(start - old_start))

        best = min(starts, key=rank)
        if _plausible(text, best, best + len(exact), exact, prefix, suffix):
            return Match(make_anchor(text, best, best + len(exact)), 100.0, "exact")
        return None  # the words are there, but not in this passage's surroundings

    windows = [
        (max(0, old_start - SEARCH_WINDOW), min(len(text), old_start + len(exact) + SEARCH_WINDOW)),
        (0, len(text)),
    ]
    for low, high in windows:
        span = _fuzzy_span(text, exact, low, high)
        if span is None:
            continue
        start, end = span
        quote_score = fuzz.ratio(exact, text[start:end])
        if quote_score < MIN_QUOTE_SCORE or not _plausible(text, start, end, exact, prefix, suffix):
            continue
        combined = 0.7 * quote_score + 0.3 * _context_score(text, start, end, prefix, suffix)
        if combined >= MIN_COMBINED_SCORE:
            return Match(make_anchor(text, start, end), combined, "fuzzy")
    return None


# How many characters at each end of a quote locate its edges in a fuzzy match.
EDGE = 16
# Below this, a rough alignment is not worth refining.
MIN_ROUGH_SCORE = 60.0


def _fuzzy_span(text: str, exact: str, low: int, high: int) -> tuple[int, int] | None:
    """The span of `text[low:high]` that best matches `exact`, edges refined.

    A rough alignment finds the neighbourhood; the first and last characters
    of the quote are then located in it separately, so a word added or dropped
    inside the quote still yields a span from its first to its last word.
    """
    if high - low < len(exact):
        return None  # rapidfuzz would align the other way round
    rough = fuzz.partial_ratio_alignment(exact, text[low:high])
    if rough is None or rough.score < MIN_ROUGH_SCORE:
        return None
    slack = len(exact) // 2
    region_low = max(0, low + rough.dest_start - slack)
    region_high = min(len(text), low + rough.dest_end + slack)
    head, tail = exact[:EDGE], exact[-EDGE:]
    head_match = fuzz.partial_ratio_alignment(head, text[region_low:region_high])
    start = region_low + head_match.dest_start if head_match else low + rough.dest_start
    tail_match = fuzz.partial_ratio_alignment(tail, text[start:region_high]) if region_high - start >= len(tail) else None
    end = start + tail_match.dest_end if tail_match else low + rough.dest_end
    if end <= start:
        return None
    return _snap_to_words(text, start, end)


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy span so it does not start or end inside a word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


_WHITESPACE = re.compile(r"\s+")


def same_passage(a: str, b: str) -> bool:
    """Equal but for whitespace: a browser's selection across paragraphs drops the breaks."""
    return "".join(a.split()) == "".join(b.split())


@dataclass(frozen=True)
class PassageSearch:
    """What the server found for a pasted passage."""

    anchor: Anchor | None
    occurrences: int
    fuzzy: bool = False


def find_passage(text: str, passage: str) -> PassageSearch:
    """Locate a passage a reader pasted (no JavaScript): whitespace may differ.

    Exactly one occurrence anchors; several ask for a longer passage; none
    tries a close fuzzy match and says so, so the reader can confirm it.
    """
    words = _WHITESPACE.split(passage.strip())
    if not words or not words[0]:
        return PassageSearch(None, 0)
    pattern = r"\s+".join(re.escape(word) for word in words)
    matches = list(re.finditer(pattern, text))
    if len(matches) == 1:
        match = matches[0]
        return PassageSearch(make_anchor(text, match.start(), match.end()), 1)
    if len(matches) > 1:
        return PassageSearch(None, len(matches))
    normalised = " ".join(words)
    alignment = fuzz.partial_ratio_alignment(normalised, text)
    if alignment is not None and alignment.score >= 90 and len(normalised) >= 12:
        start, end = _snap_to_words(text, alignment.dest_start, alignment.dest_end)
        return PassageSearch(make_anchor(text, start, end), 1, fuzzy=True)
    return PassageSearch(None, 0)


# Objects anchored to a text (annotations, coding evidence) keep their selectors
# in fields of these names.
SELECTOR_FIELDS = ("quote_exact", "quote_prefix", "quote_suffix", "position_start", "position_end")


def anchor_fields(anchor: Anchor) -> dict:
    """The selector fields for an anchor, to create or update an anchored object."""
    return {
        "quote_exact": anchor.exact,
        "quote_prefix": anchor.prefix,
        "quote_suffix": anchor.suffix,
        "position_start": anchor.start,
        "position_end": anchor.end,
    }


def store_anchor(holder, anchor: Anchor) -> None:
    """Put an anchor's selectors on an anchored object (not saved)."""
    for name, value in anchor_fields(anchor).items():
        setattr(holder, name, value)


def find_again(text: str, holder) -> Match | None:
    """Re-anchor an anchored object's remembered passage in a (possibly edited) text."""
    return reanchor(
        text,
        exact=holder.quote_exact,
        prefix=holder.quote_prefix,
        suffix=holder.quote_suffix,
        old_start=holder.position_start,
    )
