"""django-mongodb-backend's compilers, sending `{a: 1, b: 2}` where upstream sends `{$and: [{a: 1}, {b: 2}]}`.

The two filters select the same documents, but a query planner that only looks at top-level fields cannot
see an index through `$and`. SecantusDB's is such a planner: for `{$and: [...]}` it scans and decodes every
document of the collection, for `{city: .., isActive: ..}` it walks the {city, isActive} index (README,
Performance). MongoDB itself flattens `$and` before planning, so there this is a no-op.
"""

from typing import Any

from django_mongodb_backend import compiler as upstream


def flatten_and(mql: Any) -> Any:
    """Merge the clauses of a top-level `$and` into one filter document when no two clauses share a key.

    Nested `$and`s are merged first. Clauses that repeat a field (`x > 1 AND x < 5`) or are not plain
    documents keep the `$and` as it was, so the meaning never changes.
    """
    if not isinstance(mql, dict) or list(mql) != ["$and"] or not isinstance(mql["$and"], list):
        return mql
    merged: dict[str, Any] = {}
    for clause in (flatten_and(clause) for clause in mql["$and"]):
        if not isinstance(clause, dict) or not clause or any(key in merged for key in clause):
            return mql
        merged.update(clause)
    return merged


class FlatFilterMixin:
    def build_query(self, columns=None):
        query = super().build_query(columns)
        query.match_mql = flatten_and(query.match_mql)
        return query


class SQLCompiler(FlatFilterMixin, upstream.SQLCompiler):
    pass


class SQLInsertCompiler(FlatFilterMixin, upstream.SQLInsertCompiler):
    pass


class SQLDeleteCompiler(FlatFilterMixin, upstream.SQLDeleteCompiler):
    pass


class SQLUpdateCompiler(FlatFilterMixin, upstream.SQLUpdateCompiler):
    pass


class SQLAggregateCompiler(FlatFilterMixin, upstream.SQLAggregateCompiler):
    pass
