"""Daily sequence numbers for `prescriptionId`, unique under concurrency.

One counter document per day in the `prescription_sequences` collection, moved by an atomic `$inc` upsert:
two uploads can never draw the same number (no "find the highest, add one" race). The unique index on
`prescriptionId` stays the final guard against documents written by other systems.
"""

from datetime import date

from django.db import connection
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

COLLECTION = "prescription_sequences"


def sequence_next(*, name: str, day: date) -> int:
    """The next number (1, 2, ...) of the named sequence on that day."""
    key = f"{name}:{day.isoformat()}"
    collection = connection.get_collection(COLLECTION)
    for _ in range(2):  # two first draws of a day can race on the upsert; the loser simply retries
        try:
            doc = collection.find_one_and_update(
                {"_id": key}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER
            )
        except DuplicateKeyError:
            continue
        return int(doc["seq"])
    doc = collection.find_one_and_update({"_id": key}, {"$inc": {"seq": 1}}, return_document=ReturnDocument.AFTER)
    return int(doc["seq"])
