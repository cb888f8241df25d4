from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "frameworks"
    verbose_name = _("Het kader")

    def ready(self) -> None:
        from frameworks.models import Domain, Section, Source, TensionField
        from frameworks.versioning import watch

        watch(Section, Source, TensionField, Domain)
