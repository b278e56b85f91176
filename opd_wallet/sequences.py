"""Named counters whose numbers stay unique under concurrency (DECISIONS.md §6).

One document per name in the `counters` collection, `{_id: name, seq: n}`, moved by a single atomic
`find_one_and_update` with upsert: two racing callers always get different numbers. A number taken by a
write that then fails is not reused, so a sequence can skip but never repeat. Used for
`appointmentNumber` (a counter per booking day) and reusable for any other human-readable identifier.
"""

import time

from django.db import connection
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

COLLECTION = "counters"


def next_sequence(name: str) -> int:
    """The next number of counter `name`, starting at 1."""
    counters = connection.get_collection(COLLECTION)
    for attempt in range(5):
        try:
            doc = counters.find_one_and_update(
                {"_id": name}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER
            )
            return int(doc["seq"])
        except DuplicateKeyError:
            # Two first callers both tried to insert the counter; the loser retries as a plain increment
            # once the winner's insert is visible.
            time.sleep(0.005 * attempt)
    raise RuntimeError(f"counter {name!r} could not be incremented")
