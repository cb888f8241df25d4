from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Praktijken")

    def ready(self) -> None:
        # Imported here, not at the top: receivers import models, which Django loads only
        # after every app config (the app registry's own cycle).
        from cases import receivers  # noqa: F401  (connects the app's receivers)
