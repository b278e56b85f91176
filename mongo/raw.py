"""Raw pymongo access, for what the ORM cannot say: a typed collection handle, and the filter document the ORM
would send for a queryset (for reads the ORM cannot shape, such as nested projections)."""

from typing import Any

from django.db import connection
from django.db.models import QuerySet
from pymongo.collection import Collection


def collection(name: str) -> Collection[dict[str, Any]]:
    """The pymongo collection `name` of the default database (the backend's own connection)."""
    return connection.get_collection(name)  # type: ignore[attr-defined]  # the backend adds it; not in the stubs


def filter_document(queryset: QuerySet) -> dict:
    """`queryset`'s MongoDB filter, flat as the backend sends it (mongo/compiler.py).

    For a queryset on one collection with no joins or subqueries. Raises EmptyResultSet for a filter that
    can match nothing (an empty `__in`), as the ORM does before it sends anything.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    compiler.pre_sql_setup()
    query = compiler.build_query()
    if query.lookup_pipeline or query.subqueries:
        raise ValueError(f"{queryset!r} joins other collections; run it through the ORM")
    return query.match_mql
