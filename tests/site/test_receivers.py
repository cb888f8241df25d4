"""Receivers are declared in one `receivers.py` per app, connected once, and `text_changed` names its subscribers."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from cases.models import Case, KeywordedCase
from diegem.lib import annotatable
from diegem.lib.annotatable import text_changed
from diegem.lib.search import words_changed
from frameworks.models import Section

OUR_APPS = ["sitelib", "frameworks", "cases", "annotations", "diegem"]


def names(signal, sender) -> list[str]:
    """The receivers the signal would call for this sender, in order, by dotted name."""
    sync_receivers, async_receivers = signal._live_receivers(sender)
    return [
        f"{receiver.__module__}.{receiver.__qualname__}"
        for receiver in [*sync_receivers, *async_receivers]
    ]


def everything_connected() -> dict[str, list[str]]:
    user = apps.get_model("auth", "User")
    return {
        "text_changed Case": names(text_changed, Case),
        "text_changed Section": names(text_changed, Section),
        "words_changed Section": names(words_changed, Section),
        "post_save Case": names(post_save, Case),
        "post_delete Case": names(post_delete, Case),
        "m2m_changed keywords": names(m2m_changed, KeywordedCase),
        "post_save User": names(post_save, user),
        "post_migrate cases": names(post_migrate, apps.get_app_config("cases")),
        "post_migrate annotations": names(post_migrate, apps.get_app_config("annotations")),
    }


def test_text_changed_reaches_these_subscribers_in_this_order():
    assert names(text_changed, Case) == [
        "cases.receivers.reanchor_evidence_on_text_change",
        "annotations.receivers.reanchor_on_text_change",
    ]
    assert names(text_changed, Section) == ["annotations.receivers.reanchor_on_text_change"]


def test_words_changed_reaches_the_vocabulary():
    assert names(words_changed, Section) == [
        "cases.receivers.rebuild_vocabulary_on_framework_text_change"
    ]
    assert names(words_changed, Case) == []


def _docstring_of_text_changed() -> str:
    """The string right after `text_changed = Signal()` (an attribute docstring, read from the source)."""
    body = ast.parse(Path(annotatable.__file__).read_text(encoding="utf-8")).body
    for statement, following in zip(body, body[1:], strict=False):
        if isinstance(statement, ast.Assign) and [target.id for target in statement.targets] == [
            "text_changed"
        ]:
            return following.value.value
    raise AssertionError("text_changed has no docstring")


def test_the_docstring_of_text_changed_names_every_subscriber():
    docstring = _docstring_of_text_changed()
    for receiver in {*names(text_changed, Case), *names(text_changed, Section)}:
        assert f"`{receiver}`" in docstring, receiver


def test_the_content_version_and_the_groups_are_connected_once():
    connected = everything_connected()
    assert connected["post_save Case"].count("diegem.lib.versioning.bump_content_version") == 1
    assert connected["post_delete Case"].count("diegem.lib.versioning.bump_content_version") == 1
    assert (
        connected["m2m_changed keywords"].count("diegem.lib.versioning.bump_content_version") == 1
    )
    assert connected["post_save User"].count("diegem.lib.versioning.user_saved") == 1
    assert connected["post_migrate cases"].count("cases.receivers.set_up_researchers_group") == 1
    assert (
        connected["post_migrate annotations"].count("annotations.receivers.set_up_reviewers_group")
        == 1
    )


@pytest.mark.parametrize("label", OUR_APPS)
def test_running_an_apps_ready_again_connects_nothing_twice(label):
    # Receivers declared with @receiver in an imported module, and watched models with a
    # dispatch_uid, stay connected once; a closure connected in ready() would be connected again.
    before = everything_connected()
    apps.get_app_config(label).ready()
    assert everything_connected() == before


def test_receivers_are_declared_in_receivers_modules_only():
    # No app connects a receiver in its apps.py (the one import there is of its receivers).
    for label in OUR_APPS:
        source = (
            Path(apps.get_app_config(label).module.__file__)
            .with_name("apps.py")
            .read_text(encoding="utf-8")
        )
        assert ".connect(" not in source, label
