"""Whether a text holds anything a reader can see.

`str.strip()` leaves the invisible characters a paste or a tampered form can carry: a zero-width
space (U+200B), a word joiner (U+2060), a byte order mark (U+FEFF), direction marks, a soft
hyphen, the Hangul fillers. A note, reply, reading or reason made only of them would stand as
an empty card in a margin or the queue; a form asking for text treats it as empty.
"""

import unicodedata

# Characters that render as nothing outside the format and control categories: Unicode's
# default-ignorable ones (the combining grapheme joiner, the Hangul and Khmer fillers, the
# variation selectors, the Mongolian free variation selectors) and the blank Braille pattern.
_FILLERS = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Drawn although of those categories: the prepended concatenation marks (the Arabic number
# and year signs, the end of ayah, the Syriac abbreviation mark, the Kaithi number signs).
# (The Ogham space mark, drawn as a stroke, is white space to `str.strip()` as to Ogham.)
_DRAWN = frozenset(
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
)


def visible_or_empty(text: str) -> str:
    """An optional text as kept: stripped, and empty when nothing in it can be seen."""
    text = text.strip()
    return text if has_visible_text(text) else ""


def has_visible_text(text: str) -> bool:
    """True when `text` holds at least one character that is neither white space nor invisible."""
    return any(
        char in _DRAWN
        or (char not in _FILLERS and unicodedata.category(char) not in _UNSEEN_CATEGORIES)
        for char in text
    )
