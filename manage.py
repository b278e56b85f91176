#!/usr/bin/env python
"""Django's command-line utility. Starts the embedded database first when MONGODB_URI is not set."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opd_wallet.settings")
    from mongo.embedded_server import configure_environ

    configure_environ()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
