"""Word-level differences between two texts, for reviewers and researchers."""

import difflib


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Changes as (op, text) pairs: op is '' (kept), 'del' or 'ins'. Templates escape the text."""
    a, b = old.split(" "), new.split(" ")
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("ins", " ".join(b[j1:j2])))
    return parts
