"""The interface in French and English: every string of the Dutch source translated, nothing
fuzzy, and the compiled catalogue the one gettext reads (Dutch stays the default; the languages
are switched on with their URLs, `i18n_patterns`)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from tests.catalogues import read_mo, read_po

LOCALE = Path(settings.BASE_DIR) / "diegem" / "locale"
LANGUAGES = ["fr", "en"]


def entries(language: str) -> list[dict]:
    """Each entry of the language's .po but the header: its msgid, whether it is fuzzy, and
    whether a msgstr (or a plural's msgstr[n]) is empty."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        entry, key, fuzzy = {}, None, False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif not line or line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if entry.get("msgid"):
            translations = [text for name, text in entry.items() if name.startswith("msgstr")]
            found.append({"msgid": entry["msgid"], "fuzzy": fuzzy, "empty": not all(translations)})
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    found = entries(language)
    assert len(found) > 1000
    assert [entry["msgid"] for entry in found if entry["fuzzy"]] == []
    assert [entry["msgid"] for entry in found if entry["empty"]] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_its_source(language):
    """Fails when a .po was edited without running msgfmt (see the .po's first lines)."""
    folder = LOCALE / language / "LC_MESSAGES"
    assert read_mo(folder / "django.mo") == read_po(folder / "django.po")


def test_french_and_english_translate_the_same_strings():
    french, english = (
        {key for key in read_po(LOCALE / language / "LC_MESSAGES" / "django.po")}
        for language in LANGUAGES
    )
    assert french == english


def test_the_reader_of_entries_finds_an_empty_and_a_fuzzy_one(tmp_path, monkeypatch):
    po = tmp_path / "xx" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: xx\\n"\n\n'
        'msgid "Leeg"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Vaag"\nmsgstr "Flou"\n\n'
        'msgid "Lang"\nmsgstr ""\n"vervolgd"\n\n'
        'msgid "Goed"\nmsgstr "Bien"\n\n'
        'msgid "een"\nmsgid_plural "twee"\nmsgstr[0] "un"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.LOCALE", tmp_path)
    assert entries("xx") == [
        {"msgid": "Leeg", "fuzzy": False, "empty": True},
        {"msgid": "Vaag", "fuzzy": True, "empty": False},
        {"msgid": "Lang", "fuzzy": False, "empty": False},
        {"msgid": "Goed", "fuzzy": False, "empty": False},
        {"msgid": "een", "fuzzy": False, "empty": True},
    ]
