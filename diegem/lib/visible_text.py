"""Whether a text holds anything a reader can see.

`str.strip()` leaves the invisible characters a paste or a tampered form can carry: a zero-width
space (U+200B), a word joiner (U+2060), a byte order mark (U+FEFF), direction marks, a soft
hyphen, the Hangul fillers. A note, reply, reading or reason made only of them would stand as
an empty card in a margin or the queue; a form asking for text treats it as empty.
"""

import unicodedata

# Letters that render as nothing (Unicode's default-ignorable code points outside the format
# and control categories).
_FILLERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def has_visible_text(text: str) -> bool:
    """True when `text` holds at least one character that is neither white space nor invisible."""
    return any(
        char not in _FILLERS and unicodedata.category(char) not in _UNSEEN_CATEGORIES
        for char in text
    )
