"""Find one document by either of its keys: its `_id` (24 hex characters) or its natural id (APT-..., PRESC...).

`Q(pk=...) | Q(natural_id=...)` says it in one query, but a top-level `$or` keeps SecantusDB's planner from
using any index, so every such lookup scanned the whole collection (README, Performance). Two point lookups
instead, the key first and the owner's scope after it: SecantusDB walks the index of the FIRST indexed
clause of a filter, so the key must lead (`Q(...)` keeps its place; keyword filters are sorted by name).
"""

from typing import Any, TypeVar

from bson import ObjectId
from django.db.models import Model, Q

M = TypeVar("M", bound=Model)


def first_by_key(model: type[M], *, key: str, field: str, **scope: Any) -> M | None:
    """The `model` row whose `_id` or whose `field` equals `key`, within `scope` (e.g. `user=...`), else None."""
    manager = model._default_manager
    if ObjectId.is_valid(key):
        found = manager.filter(Q(pk=ObjectId(key)), **scope).first()
        if found is not None:
            return found
    return manager.filter(Q(**{field: key}), **scope).first()
