"""`manage.py demo_banner --url URL`: where to go and how to sign in, printed by `make run`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.catalog import DEMO_LOGINS, DEMO_PASSWORD

PAGES = (
    ("Doctor portal", "/auth/doctor/login"),
    ("Django admin", "/admin/"),
    ("API docs (Swagger UI)", "/api/docs/"),
    ("Health check", "/healthz"),
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Print the URLs of the running project and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the server listens")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["url"].rstrip("/")
        lines = ["", "OPD Wallet is starting:"]
        lines += [f"  {label:<24} {base}{path}" for label, path in PAGES]
        lines += ["", f"Demo logins (password for all: {DEMO_PASSWORD}):"]
        lines += [f"  {login.email:<24} {login.role} -> {login.where}" for login in DEMO_LOGINS]
        lines.append("")
        self.stdout.write("\n".join(lines))
