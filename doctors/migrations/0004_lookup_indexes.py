"""Indexes the member API and portal need on SecantusDB as on MongoDB (docs/decisions/0021-secantusdb-query-planner-workarounds.md).

- Plain lookups by doctorId and of a session: the unique indexes Django makes are partial
  (`$type: string`), and a planner that cannot prove a query implies that filter never uses them.
- A day's bookable times of a doctor with no residual filter.
- Doctor search on the embedded `clinics.city` (Django's Index cannot name an embedded path):
  {specialtyId, clinics.city, isActive} for "specialty in a city", {clinics.city, isActive} for "in a city".
"""

from django.db import migrations, models

SEARCH_INDEXES = {
    "doctors_specialty_city_active": [("specialtyId", 1), ("clinics.city", 1), ("isActive", 1)],
    "doctors_city_active": [("clinics.city", 1), ("isActive", 1)],
}


def create_search_indexes(apps, schema_editor):
    doctors = schema_editor.connection.get_collection("doctors")
    for name, keys in SEARCH_INDEXES.items():
        doctors.create_index(keys, name=name)


def drop_search_indexes(apps, schema_editor):
    doctors = schema_editor.connection.get_collection("doctors")
    for name in SEARCH_INDEXES:
        doctors.drop_index(name)


class Migration(migrations.Migration):
    dependencies = [("doctors", "0003_sessions_and_login_failures")]

    operations = [
        migrations.AddIndex(
            model_name="doctor",
            index=models.Index(fields=["doctor_id", "is_active"], name="doctors_doctor_id_active"),
        ),
        migrations.AddIndex(
            model_name="doctorsession",
            index=models.Index(fields=["jti", "doctor", "expires_at"], name="doctor_sessions_lookup"),
        ),
        migrations.AddIndex(
            model_name="doctorslot",
            index=models.Index(fields=["doctor", "day_of_week", "is_active"], name="slots_doctor_day_active"),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
