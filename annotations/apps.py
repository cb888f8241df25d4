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

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from frameworks.versioning import bump_content_version

        def user_saved(sender, update_fields=None, **kwargs):
            # Names show in bylines; a login (last_login) or a new password shows nowhere.
            if update_fields and set(update_fields) <= {"last_login", "password"}:
                return
            bump_content_version(**kwargs)

        post_save.connect(user_saved, sender=get_user_model(), weak=False, dispatch_uid="content-version-user")
        text_changed.connect(reanchor_on_text_change, dispatch_uid="annotations-reanchor")
