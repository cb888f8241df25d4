"""The French and English versions of the seed (fixtures/translations/) stay whole beside the
Dutch: every object and every text of it, paragraph for paragraph, within the columns' limits,
and no Dutch text left untranslated."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LANGUAGES = ["fr", "en"]

# The texts translated per framework model, and the longest each column takes.
FRAMEWORK_FIELDS = {
    "frameworks.section": {"title": 200, "body": None},
    "frameworks.source": {
        "name": 100,
        "summary": 300,
        "description": None,
        "perspective": 100,
        "thinkers": 200,
        "for_practice": None,
    },
    "frameworks.tensionfield": {
        "pole_a": 60,
        "pole_b": 60,
        "pole_a_description": 300,
        "pole_b_description": 300,
        "question": 300,
        "description": None,
        "for_practice": None,
    },
    "frameworks.domain": {"name": 60, "description": 300},
}
CASE_FIELDS = [
    "title",
    "summary",
    "context",
    "practice",
    "place_text",
    "citizenship",
    "learning",
    "interventions",
    "lessons",
]


def load(name: str):
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def paragraphs(text: str) -> int:
    return len([part for part in text.split("\n\n") if part.strip()])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_framework_is_translated_whole(language):
    dutch = {
        (item["model"], item["fields"]["key"]): item["fields"] for item in load("framework.yaml")
    }
    translated = {
        (item["model"], item["key"]): item["fields"]
        for item in load(f"translations/framework.{language}.yaml")
    }
    assert list(translated) == list(dutch)
    for (model, key), original in dutch.items():
        for field, limit in FRAMEWORK_FIELDS[model].items():
            if not original.get(field):
                continue
            text = translated[(model, key)][field]
            assert text.strip(), (key, field)
            assert paragraphs(text) == paragraphs(original[field]), (key, field)
            assert limit is None or len(text) <= limit, (key, field, len(text))
            if len(original[field]) > 40:  # a long text, not a name: never left in Dutch
                assert text != original[field], (key, field)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pilots_are_translated_whole(language):
    dutch = {case["slug"]: case for case in load("pilots.yaml")["cases"]}
    translated = {
        case["slug"]: case for case in load(f"translations/pilots.{language}.yaml")["cases"]
    }
    assert list(translated) == list(dutch)
    for slug, original in dutch.items():
        ours = translated[slug]
        for field in CASE_FIELDS:
            if original.get(field):
                assert paragraphs(ours["fields"][field]) == paragraphs(original[field]), (
                    slug,
                    field,
                )
                if field != "title":
                    assert ours["fields"][field] != original[field], (slug, field)
        for group in ("sources", "tension_fields"):
            assert list(ours[group]) == list(original[group]), (slug, group)
            for key, coding in original[group].items():
                rationale = ours[group][key]["rationale"]
                assert paragraphs(rationale) == paragraphs(coding["rationale"]), (slug, key)
                assert rationale != coding["rationale"], (slug, key)
