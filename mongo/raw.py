"""Raw pymongo access, for what the ORM cannot say: a typed collection handle, and the filter document the ORM
would send for a queryset (for reads the ORM cannot shape, such as nested projections)."""

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
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


def model_instances(model: type[Model], documents: Iterable[dict[str, Any]]) -> list[Model]:
    """Documents of `model`'s collection read raw (an aggregation, a `$unionWith` branch) made model instances
    with the same conversions the ORM applies to its own reads (the backend's and each field's converters:
    aware datetimes, embedded models), so callers see exactly what a queryset would have given them."""
    columns = []
    for field in model._meta.concrete_fields:
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        columns.append((field.attname, field.column or field.attname, col, converters))
    names = [attname for attname, *_ in columns]
    found = []
    for document in documents:
        values = []
        for _, column, col, converters in columns:
            value = document.get(column)
            for converter in converters:
                value = converter(value, col, connection)
            values.append(value)
        found.append(model.from_db(connection.alias, names, values))
    return found
