"""TTL indexes whose lifetime comes from a setting: created, or re-created when the setting changed.

Run after every `manage.py migrate` (each app connects it to `post_migrate` in its AppConfig), so a changed
setting takes effect at the next deploy's migrate. MongoDB removes expired documents in the background.
"""

from typing import Any


def ttl_index_ensure(connection: Any, *, collection: str, field: str, name: str, seconds: int) -> None:
    """Make `name` a TTL index on `field` of `collection` expiring documents `seconds` after that time."""
    documents = connection.get_collection(collection)
    current = documents.index_information().get(name)
    if current is not None and current.get("expireAfterSeconds") == seconds:
        return
    if current is not None:
        documents.drop_index(name)
    documents.create_index([(field, 1)], name=name, expireAfterSeconds=seconds)
