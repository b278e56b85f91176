"""Named counters whose numbers stay unique under concurrency (docs/decisions/0016-seed-silence-6-identifiers.md).

One document per name in the `counters` collection, `{_id: name, seq: n}`, moved by a single atomic
`find_one_and_update` with upsert: two racing callers always get different numbers. A number taken by a
write that then fails is not reused, so a sequence can skip but never repeat. Used for
`appointmentNumber` (a counter per booking day) and reusable for any other human-readable identifier.
"""

import time

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from mongo.raw import collection

COLLECTION = "counters"


def next_sequence(name: str) -> int:
    """The next number of counter `name`, starting at 1."""
    counters = collection(COLLECTION)
    for attempt in range(8):
        try:
            doc = counters.find_one_and_update(
                {"_id": name}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER
            )
        except DuplicateKeyError:
            # Two first callers both tried to insert the counter; the loser retries as a plain increment
            # once the winner's insert is visible.
            doc = None
        # A racing upsert can be answered with no document at all (mongo/README.md); retrying may skip a
        # number (allowed) but never repeats one.
        if doc is not None:
            return int(doc["seq"])
        time.sleep(0.005 * (attempt + 1))
    raise RuntimeError(f"counter {name!r} could not be incremented")
