"""The reset between tests (conftest.py `_empty_database`): every document goes, the indexes and the
collections migrate filled once (content types, permissions) stay, and no post_migrate runs."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection

from conftest import _empty_database, _kept_collections
from core.sequences import next_sequence
from doctors.models import Specialty

pytestmark = pytest.mark.django_db


def test_the_reset_empties_model_and_raw_collections_and_keeps_indexes_and_content_types() -> None:
    kept = _kept_collections()
    database = connection.database
    Specialty.objects.create(specialty_id="SPEC001", name="Cardiology")
    next_sequence("reset-probe")  # the raw `counters` collection
    database["raw_probe"].insert_one({"made": "with pymongo"})
    indexes = {name: database[name].index_information() for name in database.list_collection_names()}
    content_types = list(ContentType.objects.order_by("pk").values_list("pk", flat=True))

    _empty_database("default", kept)

    left = {name: database[name].count_documents({}) for name in database.list_collection_names() if name not in kept}
    assert left and not any(left.values()), left
    assert _kept_collections() == kept
    assert list(ContentType.objects.order_by("pk").values_list("pk", flat=True)) == content_types
    assert {name: database[name].index_information() for name in indexes} == indexes
    Specialty.objects.create(specialty_id="SPEC001", name="Cardiology")
    with pytest.raises(IntegrityError):  # the unique index still refuses a duplicate
        Specialty.objects.create(specialty_id="SPEC001", name="Cardiology again")


def test_a_test_that_changed_content_types_gets_them_back() -> None:
    kept = _kept_collections()
    ContentType.objects.get_for_model(Specialty).delete()

    _empty_database("default", kept)  # falls back to Django's flush, which re-runs post_migrate

    assert _kept_collections() == kept
    assert ContentType.objects.get_for_model(Specialty).model == "specialty"
