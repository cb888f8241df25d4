from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Kanttekeningen")

    def ready(self) -> None:
        # Imported here, not at the top: receivers import models, which Django loads only
        # after every app config (the app registry's own cycle).
        from annotations import receivers  # noqa: F401  (connects the app's receivers)
