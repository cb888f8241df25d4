"""State changes of the framework text."""

from django.db import transaction

from diegem.lib.annotatable import announce_text_changes
from diegem.lib.languages import language_versions_of
from frameworks.models import Section


@transaction.atomic
def section_save(*, section: Section) -> list[str]:
    """Save a section; if its text changed (in any language version), announce it so
    annotations on that version re-anchor."""
    columns = language_versions_of(Section, "body")
    old = Section.objects.filter(pk=section.pk).values(*columns).first() if section.pk else None
    section.save()
    if old is None:
        return []
    return announce_text_changes(section, old)
