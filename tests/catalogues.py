"""Reading gettext catalogues in tests: a .po as its translations, a .mo as gettext reads it."""

import ast
import gettext
import re
from pathlib import Path


def read_po(path: Path) -> dict:
    """The translated messages of a .po file, keyed as gettext keys its catalogue.

    Enough of the PO format for this project's files: comments, msgctxt, msgid,
    msgid_plural, msgstr and msgstr[n], each possibly continued on "..." lines.
    """
    entries, entry, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#"):
            entry.setdefault("flags", "")
            if line.startswith("#,"):
                entry["flags"] += line
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    catalogue = {}
    for entry in entries:
        if "msgid" not in entry or entry["msgid"] == "" or "fuzzy" in entry.get("flags", ""):
            continue
        msgid = (
            entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        if "msgid_plural" in entry:
            for name, text in entry.items():
                if match := re.fullmatch(r"msgstr\[(\d+)\]", name):
                    catalogue[(msgid, int(match[1]))] = text
        elif entry.get("msgstr"):
            catalogue[msgid] = entry["msgstr"]
    return catalogue


def read_mo(path: Path) -> dict:
    with path.open("rb") as handle:
        catalogue = dict(gettext.GNUTranslations(handle)._catalog)
    catalogue.pop("", None)  # the header
    return catalogue
