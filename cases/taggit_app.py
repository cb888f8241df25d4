"""django-taggit under the name the site gives its tags: keywords ("Trefwoorden").

Listed in INSTALLED_APPS instead of "taggit"; the app label stays "taggit", so
its tables and migrations are untouched.
"""

from django.utils.translation import gettext_lazy as _
from taggit.apps import TaggitAppConfig


class KeywordsConfig(TaggitAppConfig):
    verbose_name = _("Trefwoorden")
