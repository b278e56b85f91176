"""The GeoJSON copy of each clinic's location (`geo`) and its 2dsphere index (clinics/geo.py;
docs/decisions/0059-search-that-finds.md)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from clinics.geo import clinics_geo_backfill, clinics_geo_index

    clinics = schema_editor.connection.get_collection("clinics")
    clinics_geo_index(clinics)
    clinics_geo_backfill(clinics)


def backwards(apps, schema_editor):
    clinics = schema_editor.connection.get_collection("clinics")
    clinics.drop_index("clinics_geo")
    clinics.update_many({"geo": {"$exists": True}}, {"$unset": {"geo": ""}})


class Migration(migrations.Migration):
    dependencies = [("clinics", "0002_lookup_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
