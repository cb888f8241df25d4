from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiegemConfig(AppConfig):
    """The project package as an app: site-wide views, template tags and commands.

    Its migrations are history: the models they made moved to the site's
    mechanisms (`diegem.lib`, app "sitelib"), keeping their tables.
    """

    name = "diegem"
    verbose_name = _("Praktijkenbank")
