"""State changes of the framework text."""

from django.db import transaction

from diegem.lib.annotatable import announce_text_changes
from frameworks.models import Section


@transaction.atomic
def section_save(*, section: Section) -> list[str]:
    """Save a section; if its text changed, announce it so annotations re-anchor."""
    old_body = (
        Section.objects.filter(pk=section.pk).values_list("body", flat=True).first()
        if section.pk
        else None
    )
    section.save()
    if old_body is None:
        return []
    return announce_text_changes(section, {"body": old_body})
