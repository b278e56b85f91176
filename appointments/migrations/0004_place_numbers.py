"""Places are held by the appointments themselves (docs/decisions/0019-place-numbers.md).

Adds `placeNumber` (absent until a place is numbered), the two unique partial indexes that hold the places,
and drops the `appointment_capacity` counters. Appointments already stored (no `placeNumber`) count as
holders at once: availability and booking count every appointment that is not CANCELLED.
"""

from django.db import migrations, models

# Copied here (not imported) so the migration stays what it was when the models change.
PARTIAL = {"placeNumber": {"$exists": True}}
PLACE_INDEXES = {
    "appointments_one_holder_per_place": [("doctorId", 1), ("appointmentDate", 1), ("timeSlot", 1), ("placeNumber", 1)],
    "appointments_one_per_member_time": [("userId", 1), ("doctorId", 1), ("appointmentDate", 1), ("timeSlot", 1)],
}


def _appointments(schema_editor):
    return schema_editor.connection.get_collection("appointments")


def create_place_indexes(apps, schema_editor):
    appointments = _appointments(schema_editor)
    for name, keys in PLACE_INDEXES.items():
        appointments.create_index(keys, name=name, unique=True, partialFilterExpression=PARTIAL)


def drop_place_indexes(apps, schema_editor):
    appointments = _appointments(schema_editor)
    existing = {index["name"] for index in appointments.list_indexes()}
    for name in PLACE_INDEXES:
        if name in existing:
            appointments.drop_index(name)


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0003_lookup_indexes'),
    ]

    operations = [
        # State only: the backend's AddField would write `placeNumber: null` into every stored appointment,
        # and the partial indexes ({$exists: true}) would take each null for a numbered place.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='appointment',
                    name='place_number',
                    field=models.PositiveIntegerField(blank=True, db_column='placeNumber', editable=False, null=True),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='appointment',
            index=models.Index(fields=['doctor', 'appointment_date', 'time_slot'], name='appointments_doctor_date_time'),
        ),
        migrations.RunPython(create_place_indexes, drop_place_indexes),
        migrations.DeleteModel(name='BookedTime'),
    ]
