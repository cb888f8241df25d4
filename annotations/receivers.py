"""Everything the annotations app does when a signal arrives, in one place.

Imported once by `AnnotationsConfig.ready`. Each receiver says what it answers.
"""

from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from annotations.models import Annotation
from annotations.roles import ensure_reviewers_group
from annotations.services import reanchor_annotations
from cases.models import TEXT_SECTION_FIELDS, Case
from diegem.lib.annotatable import text_changed
from diegem.lib.languages import column_version, original_language_changed
from frameworks.models import Section


@receiver(post_migrate, sender=apps.get_app_config("annotations"))
def set_up_reviewers_group(sender, using, **kwargs) -> None:
    """After every migrate, like Django's permissions: idempotent, and present in test databases."""
    ensure_reviewers_group(using=using)


@receiver(original_language_changed, sender=Case)
def notes_follow_the_original(sender, *, instance, old: str, new: str, **kwargs) -> None:
    """A case's original was relabelled from `old` to `new`: the notes on it stand on the same
    text, now in `new` (same transaction). The notes made on its translation into `new` lose
    that text (a case has no translation into its own language: the workbench and the import
    refuse one, `WrittenIn.translations_into_original`); being in `new`, they are looked for in
    the original, now in their language: anchored there where their passage stands (with the
    original's offsets), else orphaned for the reviewers. Never drawn on offsets of the text
    they were not made on."""
    for field in TEXT_SECTION_FIELDS:
        reanchor_annotations(
            annotations=Annotation.objects.with_passage().filter(
                case=instance, case_field=field, text_language=new
            ),
            text=getattr(instance, field),
        )
    Annotation.objects.filter(case=instance, text_language=old).update(text_language=new)


@receiver(text_changed, sender=Section)
@receiver(text_changed, sender=Case)
def reanchor_on_text_change(sender, *, instance, field: str, old_text: str, **kwargs) -> None:
    """A language version of an annotatable text changed (`field` names its column: `body`,
    `context_fr`): find every annotation on that version again (same transaction); the notes
    on the other versions stay as they are."""
    text_field, language = column_version(sender, field)
    if language == instance.original_language:
        return  # a translation into the original's own language: never shown, nothing on it
    language = language or instance.original_language
    if sender is Section:
        annotations = Annotation.objects.with_passage().filter(section=instance)
    else:
        annotations = Annotation.objects.with_passage().filter(case=instance, case_field=text_field)
    annotations = annotations.filter(text_language=language)
    reanchor_annotations(annotations=annotations, text=getattr(instance, field))
