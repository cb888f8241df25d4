"""Everything the annotations app does when a signal arrives, in one place.

Imported once by `AnnotationsConfig.ready`. Each receiver says what it answers.
"""

from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from annotations.models import Annotation
from annotations.roles import ensure_reviewers_group
from annotations.services import reanchor_annotations
from cases.models import Case
from diegem.lib.annotatable import text_changed
from frameworks.models import Section


@receiver(post_migrate, sender=apps.get_app_config("annotations"))
def set_up_reviewers_group(sender, using, **kwargs) -> None:
    """After every migrate, like Django's permissions: idempotent, and present in test databases."""
    ensure_reviewers_group(using=using)


@receiver(text_changed, sender=Section)
@receiver(text_changed, sender=Case)
def reanchor_on_text_change(sender, *, instance, field: str, old_text: str, **kwargs) -> None:
    """An annotatable text changed: find every annotation on it again (same transaction)."""
    if sender is Section:
        annotations = Annotation.objects.with_passage().filter(section=instance)
    else:
        annotations = Annotation.objects.with_passage().filter(case=instance, case_field=field)
    reanchor_annotations(annotations=annotations, text=getattr(instance, field))
