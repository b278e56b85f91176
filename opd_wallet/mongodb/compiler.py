"""django-mongodb-backend's compilers, with two changes that save the database work and round trips.

1. Flat filters: `{a: 1, b: 2}` where upstream sends `{$and: [{a: 1}, {b: 2}]}`.

The two filters select the same documents, but a query planner that only looks at top-level fields cannot
see an index through `$and`. SecantusDB's is such a planner: for `{$and: [...]}` it scans and decodes every
document of the collection, for `{city: .., isActive: ..}` it walks the {city, isActive} index (README,
Performance). MongoDB itself flattens `$and` before planning, so there this is a no-op.

2. Filters on the queried collection's own fields run before its joins: upstream puts the whole `$match`
after the `$lookup`s of `select_related`, so the server joined every document before filtering, and no
index could serve the filter (a leading `$match` is the one a planner can use). MongoDB moves such a
`$match` ahead of a `$lookup` itself.

3. A first batch of up to FIRST_BATCH documents: the server's default first batch is 101, so any list
longer than that (a dashboard, a distance sort over every match) cost a second round trip (getMore).
"""

from typing import Any

from django_mongodb_backend import compiler as upstream
from django_mongodb_backend.query import MongoQuery, wrap_database_errors

FIRST_BATCH = 1000


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


def match_before_joins(pipeline: list[dict], lookups: list[dict], match: dict) -> list[dict]:
    """`pipeline` (which has `lookups` first, then `{$match: match}`) with the part of `match` that names
    only the collection's own fields moved in front of the joins. Clauses on a joined alias, or operators
    such as `$or`/`$expr` that might name one, stay after them."""
    count = len(lookups)
    if pipeline[:count] != lookups or len(pipeline) <= count or pipeline[count] != {"$match": match}:
        return pipeline
    aliases = {stage["$lookup"]["as"] for stage in lookups if "$lookup" in stage}
    own = {key: value for key, value in match.items()
           if not key.startswith("$") and key.split(".", 1)[0] not in aliases}
    if not own:
        return pipeline
    rest = {key: value for key, value in match.items() if key not in own}
    return [{"$match": own}, *lookups, *([{"$match": rest}] if rest else []), *pipeline[count + 1:]]


class Query(MongoQuery):
    def get_pipeline(self):
        pipeline = super().get_pipeline()
        if self.lookup_pipeline and self.match_mql and not (self.search_pipeline or self.subqueries):
            return match_before_joins(pipeline, self.lookup_pipeline, self.match_mql)
        return pipeline

    @wrap_database_errors
    def get_cursor(self):
        return self.compiler.collection.aggregate(
            self.get_pipeline(), session=self.compiler.connection.session, batchSize=FIRST_BATCH
        )


class FlatFilterMixin:
    query_class = Query

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
