"""One page of a queryset and the count of all its rows, in one database command when the query allows."""

from typing import Any

from django.db.models import QuerySet

MAX_ROWS = 1000  # the page travels inside one document (16 MB at most)


def page_and_count(queryset: QuerySet, *, offset: int, limit: int) -> tuple[list[Any], int]:
    """`queryset[offset:offset + limit]` and `queryset.count()`.

    One `$facet` command (mongo/compiler.py) for a plain filter-sort-page query; a query the
    facet cannot count (joins, grouping) or that never reached the database (an empty `__in`) falls back to
    a second command for the count.
    """
    page = queryset[offset : offset + limit]
    count_into: dict[str, int] = {}
    if 0 < limit <= MAX_ROWS:
        page.query.count_into = count_into
    rows = list(page)
    if "count" in count_into:
        return rows, count_into["count"]
    return rows, queryset.count()
