from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """The site's mechanisms as an app, for the models they keep (the content version, limits, seed records).

    Its label is `sitelib`: "lib" alone would say nothing in a permission or in the admin.
    """

    name = "diegem.lib"
    label = "sitelib"
    verbose_name = _("Werking van de site")

    def ready(self) -> None:
        # Imported here, not at the top: versioning imports models, which Django loads only
        # after every app config (the app registry's own cycle).
        from diegem.lib.versioning import watch_content

        watch_content()
