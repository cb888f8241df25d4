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
