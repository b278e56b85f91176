"""The seed's `{ 'clinics.city': 1 }` index on the embedded clinics array, which Django's Index cannot name."""

from django.db import migrations

INDEX_NAME = "doctors_clinics_city"


def create_index(apps, schema_editor):
    schema_editor.connection.get_collection("doctors").create_index(
        [("clinics.city", 1)], name=INDEX_NAME
    )


def drop_index(apps, schema_editor):
    schema_editor.connection.get_collection("doctors").drop_index(INDEX_NAME)


class Migration(migrations.Migration):
    dependencies = [("doctors", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
