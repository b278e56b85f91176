"""Find one document by either of its keys: its `_id` (24 hex characters) or its natural id (APT-..., PRESC...).

`Q(pk=...) | Q(natural_id=...)` says it in one query, but a top-level `$or` keeps SecantusDB's planner from
using any index, so every such lookup scanned the whole collection
(docs/decisions/0021-secantusdb-query-planner-workarounds.md). Two point lookups instead, the key first and
the owner's scope after it: SecantusDB walks the index of the FIRST indexed clause of a filter,
so the key must lead (`Q(...)` keeps its place; keyword filters are sorted by name).
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


def first_by_email(model: type[M], *, email: str) -> M | None:
    """The `model` row with this sign-in email, matched without regard to case.

    Emails are stored lower-case, so an exact match on the lower-cased input is one index lookup. Only when
    that finds nothing (a document imported with capitals) does a case-insensitive match run; it cannot use
    the index, which is why it is the fallback and sign-in failures are throttled.
    """
    normalised = email.strip().lower()
    manager = model._default_manager
    return manager.filter(email=normalised).first() or manager.filter(email__iexact=normalised).first()
