"""State changes of the framework text."""

from collections.abc import Iterable

from django.db import transaction

from diegem.lib.annotatable import announce_text_changes
from diegem.lib.languages import language_versions_of
from diegem.lib.search import words_changed
from frameworks.models import Section


@transaction.atomic
def section_save(*, section: Section) -> list[str]:
    """Save a section; if its text changed (in any language version), announce it so
    annotations on that version re-anchor; if its words changed (its title or text, or a new
    section), say so to search (`words_changed`). Returns the text fields that changed."""
    bodies = language_versions_of(Section, "body")
    words = [*language_versions_of(Section, "title"), *bodies]
    old = Section.objects.filter(pk=section.pk).values(*words).first() if section.pk else None
    section.save()
    if old is None or any(getattr(section, field) != old[field] for field in words):
        words_changed.send(sender=Section, instance=section)
    if old is None:
        return []
    return announce_text_changes(section, {field: old[field] for field in bodies})


@transaction.atomic
def sections_delete(*, sections: Iterable[Section]) -> None:
    """Delete sections: their words leave "did you mean" (`words_changed`, once)."""
    deleted = [section for section in sections]
    for section in deleted:
        section.delete()
    if deleted:
        words_changed.send(sender=Section, instance=deleted[-1])
