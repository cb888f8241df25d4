#!/usr/bin/env python
"""Django's command-line utility for the DieGem practice bank.

Without DATABASE_URL, every command holds the embedded PostgreSQL in
EMBEDDED_DATABASE_DIR while it runs: started if need be, stopped by the last
command to end (runserver's Ctrl-C or SIGTERM included).
"""

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line

from diegem.lib import embedded_db


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diegem.settings")
    try:
        data_dir = settings.EMBEDDED_DATABASE_DIR
    except ImproperlyConfigured:
        data_dir = None  # Django reports the settings' error in its own way below
    if data_dir is not None:
        embedded_db.hold(data_dir, settings.DATABASES["default"]["NAME"])
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
