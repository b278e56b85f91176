"""{clinics.clinicId} on doctors: the doctors practising at some clinics (distance search on the clinics' geo
index, docs/decisions/0059-search-that-finds.md; `q` matching a clinic's name; `doctor_clinics_sync`).
Django's Index cannot name an embedded path, hence RunPython (as 0004)."""

from django.db import migrations

NAME = "doctors_clinic_id"


def create_index(apps, schema_editor):
    doctors = schema_editor.connection.get_collection("doctors")
    if NAME not in doctors.index_information():
        doctors.create_index([("clinics.clinicId", 1)], name=NAME)


def drop_index(apps, schema_editor):
    schema_editor.connection.get_collection("doctors").drop_index(NAME)


class Migration(migrations.Migration):
    dependencies = [("doctors", "0008_schedule_exception_closing_at")]

    operations = [migrations.RunPython(create_index, drop_index)]
