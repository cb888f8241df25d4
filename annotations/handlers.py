"""Reactions of the annotations app to events sent lower in the stack."""

from annotations.models import Annotation
from annotations.services import reanchor_annotations
from cases.models import Case
from frameworks.models import Section


def reanchor_on_text_change(sender, *, instance, field: str, old_text: str, **kwargs) -> None:
    """An annotatable text changed: find every annotation on it again (same transaction)."""
    if sender is Section:
        annotations = Annotation.objects.filter(section=instance)
    elif sender is Case:
        annotations = Annotation.objects.filter(case=instance, case_field=field)
    else:
        return
    reanchor_annotations(annotations=annotations, text=getattr(instance, field))
