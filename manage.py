#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading one loads them all)
    except ImproperlyConfigured as error:  # a setting the environment gives wrong: say which, no traceback
        sys.exit(f"error: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
