"""`manage.py clinics_geo_backfill`: write the GeoJSON copy (`geo`) of every clinic's location (clinics/geo.py).

For clinics written outside the app (the seed, an import); the app writes it on every clinic save. Idempotent.
"""

from typing import Any

from django.core.management.base import BaseCommand

from clinics.geo import clinics_geo_backfill, clinics_geo_index


class Command(BaseCommand):
    help = "Write each clinic's GeoJSON location copy (geo) and make sure its 2dsphere index exists."

    def handle(self, *args: Any, **options: Any) -> None:
        clinics_geo_index()
        changed = clinics_geo_backfill()
        self.stdout.write(f"Clinics' GeoJSON locations: {changed} written.")
