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

What is anchored (annotations, coding evidence) is an `AnchoredPassage`: the
selectors, the revision of the text they fit and the anchor state, with
`anchor_to`, `orphan` and `find_again`. A passage a person copied is located
with `locate_passage`; `reanchor_passages` is the one loop that finds stored
passages again after an edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from diegem.lib.annotatable import text_revision

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


def _context_scores(text: str, start: int, end: int, prefix: str, suffix: str) -> list[float]:
    """How well the text on each side of a candidate matches the remembered context (0-100 per remembered side)."""
    scores = []
    if prefix:
        scores.append(fuzz.ratio(prefix, text[max(0, start - len(prefix)) : start]))
    if suffix:
        scores.append(fuzz.ratio(suffix, text[end : end + len(suffix)]))
    return scores


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the text around a candidate matches the remembered context: both sides together."""
    scores = _context_scores(text, start, end, prefix, suffix)
    return sum(scores) / len(scores) if scores else 100.0


def _context_support(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """The better of the two sides: does the text still fit before or after the passage?"""
    return max(_context_scores(text, start, end, prefix, suffix), default=100.0)


def _plausible(text: str, start: int, end: int, exact: str, prefix: str, suffix: str) -> bool:
    return (
        len(exact) >= SELF_EVIDENT_LENGTH
        or _context_support(text, start, end, prefix, suffix) >= MIN_CONTEXT_SUPPORT
    )


def _exact_candidates(text: str, exact: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(exact), text)]


def reanchor(text: str, *, exact: str, prefix: str, suffix: str, old_start: int) -> Match | None:
    """Find the remembered passage in a (possibly edited) text, or None for an orphan."""
    if not exact:
        return None
    starts = _exact_candidates(text, exact)
    if starts:

        def rank(start: int) -> tuple[float, int]:
            return (
                -_context_score(text, start, start + len(exact), prefix, suffix),
                abs(start - old_start),
            )

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
    tail_match = (
        fuzz.partial_ratio_alignment(tail, text[start:region_high])
        if region_high - start >= len(tail)
        else None
    )
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


class PassageNotFound(ValueError):
    """A passage someone copied is not in the text exactly once; `occurrences` says how often it is (0, or more than 1)."""

    # What the person who copied it is told; `%(text)s` names the text they copied from.
    MESSAGES = {
        "missing": _("Deze passage staat niet in %(text)s. Kopieer ze letterlijk uit de tekst."),
        "repeated": _(
            "Deze passage komt %(count)d keer voor in %(text)s. Neem er enkele woorden bij zodat ze maar één keer voorkomt."
        ),
    }

    def __init__(self, occurrences: int):
        self.occurrences = occurrences
        super().__init__(self.message())

    def message(self, text: str = _("de tekst")) -> str:
        """The message, naming the text, e.g. "de gekozen tekstsectie" or "de tekst van ‘Buurtkeuken’"."""
        key = "repeated" if self.occurrences > 1 else "missing"
        return str(self.MESSAGES[key]) % {"count": self.occurrences, "text": text}


def locate_passage(text: str, passage: str, *, close_match: bool = True) -> Anchor:
    """The anchor of a passage someone copied from `text` (whitespace may differ).

    Raises PassageNotFound when it is not there exactly once. A close (fuzzy)
    match counts unless `close_match` is false.
    """
    search = find_passage(text, passage)
    if search.anchor is None or (search.fuzzy and not close_match):
        raise PassageNotFound(search.occurrences)
    return search.anchor


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", _("verankerd")
    ORPHANED = "orphaned", _("verweesd")


class FoundAgain(StrEnum):
    """What became of a stored passage when its text was searched again."""

    KEPT = "kept"  # where it was
    MOVED = "moved"  # the same words, elsewhere (or a little changed)
    ORPHANED = "orphaned"  # not found: off the page until someone anchors it again


class AnchoredPassage(models.Model):
    """A passage of a text, held by W3C Web Annotation selectors, that follows the text's edits.

    A TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector
    (start, end in Unicode code points of the text), with the revision of the
    text they fit and whether the passage still stands in it. Annotations and
    coding evidence are anchored passages; the methods change the instance
    and leave saving to the caller.
    """

    AnchorState = AnchorState
    # The fields of the selectors (where the passage stood in the text of `text_revision`).
    SELECTORS = ("quote_exact", "quote_prefix", "quote_suffix", "position_start", "position_end")

    quote_exact = models.TextField(_("passage"))
    quote_prefix = models.CharField(_("tekst ervoor"), max_length=64, blank=True)
    quote_suffix = models.CharField(_("tekst erna"), max_length=64, blank=True)
    position_start = models.PositiveIntegerField(_("begin"))
    position_end = models.PositiveIntegerField(_("einde"))
    text_revision = models.CharField(_("versie van de tekst"), max_length=16)
    anchor_state = models.CharField(
        _("verankering"), max_length=10, choices=AnchorState, default=AnchorState.ANCHORED
    )

    class Meta:
        abstract = True

    @staticmethod
    def anchor_fields(anchor: Anchor, text: str) -> dict:
        """The field values of a passage anchored at `anchor` in `text` (to create or compare rows)."""
        return {
            "quote_exact": anchor.exact,
            "quote_prefix": anchor.prefix,
            "quote_suffix": anchor.suffix,
            "position_start": anchor.start,
            "position_end": anchor.end,
            "text_revision": text_revision(text),
            "anchor_state": AnchorState.ANCHORED,
        }

    def anchor_to(self, anchor: Anchor, text: str) -> None:
        """Anchor the passage at `anchor` in `text` (not saved)."""
        for name, value in self.anchor_fields(anchor, text).items():
            setattr(self, name, value)

    def orphan(self) -> None:
        """The passage no longer stands in its text (not saved); its selectors keep what it was."""
        self.anchor_state = AnchorState.ORPHANED

    @property
    def is_orphaned(self) -> bool:
        return self.anchor_state == AnchorState.ORPHANED

    def find_again(self, text: str) -> FoundAgain:
        """Search the remembered passage in a (possibly edited) text: anchor it there, or orphan it (not saved)."""
        match = reanchor(
            text,
            exact=self.quote_exact,
            prefix=self.quote_prefix,
            suffix=self.quote_suffix,
            old_start=self.position_start,
        )
        if match is None:
            self.orphan()
            return FoundAgain.ORPHANED
        old = (self.position_start, self.position_end, self.quote_exact)
        self.anchor_to(match.anchor, text)
        return (
            FoundAgain.KEPT
            if (match.anchor.start, match.anchor.end, match.anchor.exact) == old
            else FoundAgain.MOVED
        )

    @staticmethod
    def span_constraints(prefix: str) -> list[models.CheckConstraint]:
        """What every table of anchored passages holds: a span that is not empty, a known anchor state."""
        span_not_empty = models.Q(position_end__gt=models.F("position_start"))
        return [
            models.CheckConstraint(condition=span_not_empty, name=f"{prefix}_span_not_empty"),
            models.CheckConstraint(
                condition=models.Q(anchor_state__in=AnchorState.values),
                name=f"{prefix}_anchor_state_valid",
            ),
        ]


def reanchor_passages(
    passages: Iterable[AnchoredPassage],
    text: str,
    *,
    on_state_change: Callable[[AnchoredPassage], None] | None = None,
) -> dict[str, int]:
    """Find each stored passage again in `text` and save it: moved with the words, or orphaned.

    A passage that was an orphan and still is not found is left as it is.
    `on_state_change` is called, before the save, for each passage that
    becomes an orphan or is anchored again: the caller records it (a version,
    an event). Returns how many were kept, moved and orphaned.
    """
    counts = {outcome.value: 0 for outcome in FoundAgain}
    for passage in passages:
        was_orphaned = passage.is_orphaned
        outcome = passage.find_again(text)
        counts[outcome] += 1
        if outcome == FoundAgain.ORPHANED and was_orphaned:
            continue
        if was_orphaned != passage.is_orphaned and on_state_change is not None:
            on_state_change(passage)
        passage.save()
    return counts
