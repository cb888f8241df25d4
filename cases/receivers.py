"""Everything the cases app does when a signal arrives, in one place.

Imported once by `CasesConfig.ready`. Each receiver says what it answers.
"""

from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from cases import vocabulary
from cases.evidence import reanchor_evidence
from cases.models import Case
from cases.roles import ensure_researchers_group
from diegem.lib.annotatable import text_changed
from diegem.lib.languages import column_version
from diegem.lib.search import words_changed
from frameworks.models import Section


@receiver(post_migrate, sender=apps.get_app_config("cases"))
def set_up_researchers_group(sender, using, **kwargs) -> None:
    """After every migrate, like Django's permissions: idempotent, and present in test databases."""
    ensure_researchers_group(using=using)


@receiver(text_changed, sender=Case)
def reanchor_evidence_on_text_change(sender, *, instance, field: str, **kwargs) -> None:
    """A case's text changed: find the passages cited as evidence again (same transaction).
    Evidence stands on the original texts, never on a translation."""
    if column_version(Case, field)[1] is None:
        reanchor_evidence(instance, field)


@receiver(words_changed, sender=Section)
def rebuild_vocabulary_on_framework_text_change(sender, **kwargs) -> None:
    """The words of "did you mean" include the framework text: its titles and bodies."""
    vocabulary.rebuild()
