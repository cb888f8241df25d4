from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Kanttekeningen")

    def ready(self) -> None:
        from annotations.handlers import reanchor_on_text_change
        from annotations.roles import ensure_reviewers_group
        from frameworks.annotatable import text_changed

        post_migrate.connect(ensure_reviewers_group, sender=self)

        from annotations.models import Annotation, Membership, Organisation
        from frameworks.versioning import watch

        watch(Annotation, Organisation, Membership)
        text_changed.connect(reanchor_on_text_change, dispatch_uid="annotations-reanchor")
