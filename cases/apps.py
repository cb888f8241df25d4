from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Praktijken")

    def ready(self) -> None:
        from cases.roles import ensure_researchers_group

        # Groups and their permissions are set up after every migrate, like
        # Django creates permissions: idempotent, and present in test databases.
        post_migrate.connect(ensure_researchers_group, sender=self)

        from taggit.models import Tag

        from cases import vocabulary
        from cases.models import Case, CodingEvidence, KeywordedCase, SourceCoding, TensionPosition
        from frameworks.annotatable import text_changed
        from frameworks.models import Section
        from frameworks.versioning import watch

        watch(Case, SourceCoding, TensionPosition, KeywordedCase, Tag)

        def framework_text_changed(sender, **kwargs):
            # The vocabulary of "did you mean" includes the framework text.
            if sender is Section:
                vocabulary.rebuild()

        text_changed.connect(framework_text_changed, weak=False, dispatch_uid="cases-vocabulary")

        from cases.evidence import reanchor_on_text_change

        text_changed.connect(reanchor_on_text_change, dispatch_uid="cases-evidence")
        watch(CodingEvidence)
