"""The interface in French and English: every string of the Dutch source translated, nothing
fuzzy, and the compiled catalogue the one gettext reads (Dutch stays the default and the source;
the pages in each language: tests/site/test_languages.py, test_pages_in_every_language.py)."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.catalogues import read_mo, read_po

LOCALE = Path(settings.BASE_DIR) / "diegem" / "locale"
LANGUAGES = ["fr", "en"]


def entries(language: str, locale: Path | None = None) -> list[dict]:
    """Each entry of the language's .po but the header (and but the obsolete ones): its msgid,
    whether it is fuzzy, and whether a msgstr (or a plural's msgstr[n]) is empty."""
    po = (locale or LOCALE) / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
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


def test_the_catalogues_hold_every_string_of_the_code_and_no_other(tmp_path):
    """`makemessages` run on a copy of the code changes neither catalogue: a string added to a
    template or module, or one changed or gone, fails here until the catalogues follow."""
    base = Path(settings.BASE_DIR)
    for part in ("manage.py", "annotations", "cases", "diegem", "frameworks", "templates"):
        copy = shutil.copy if (base / part).is_file() else shutil.copytree
        copy(base / part, tmp_path / part)
    command = [sys.executable, "manage.py", "makemessages", "--no-location"]
    command += [f"--locale={language}" for language in LANGUAGES]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True)
    for language in LANGUAGES:
        made = entries(language, tmp_path / "diegem" / "locale")
        assert [entry["msgid"] for entry in made if entry["empty"]] == []  # new in the code
        assert {entry["msgid"] for entry in made} == {
            entry["msgid"] for entry in entries(language)
        }  # gone from the code (obsolete: "#~")


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
