"""django-mongodb-backend's compilers, with two changes that save the database work and round trips.

1. Flat filters: `{a: 1, b: 2}` where upstream sends `{$and: [{a: 1}, {b: 2}]}`.

The two filters select the same documents, but a query planner that only looks at top-level fields cannot
see an index through `$and`. SecantusDB's is such a planner: for `{$and: [...]}` it scans and decodes every
document of the collection, for `{city: .., isActive: ..}` it walks the {city, isActive} index
(docs/decisions/0021-secantusdb-query-planner-workarounds.md). MongoDB itself flattens `$and` before
planning, so there this is a no-op.

2. Filters on the queried collection's own fields run before its joins: upstream puts the whole `$match`
after the `$lookup`s of `select_related`, so the server joined every document before filtering, and no
index could serve the filter (a leading `$match` is the one a planner can use). MongoDB moves such a
`$match` ahead of a `$lookup` itself.

3. No `$addFields: {f: "$f"}`: upstream copies each ordering field onto itself before `$sort`, a no-op
that SecantusDB pays for on every matching document (it doubled the cost of a page of doctors).

4. A first batch of up to FIRST_BATCH documents: the server's default first batch is 101, so any list
longer than that (a dashboard, a distance sort over every match) cost a second round trip (getMore).

5. A page and the count of everything matching in one command (`page_and_count`, used by the API's
pagination): `{$match}` then `{$facet: {rows: [...], total: [{$count}]}}`, so the server finds and reads
the matching documents once rather than once for COUNT and again for the page.

6. Stored values of the wrong type are read as "no value" (mongo/stored_types.py): every selected column goes
through its field's check before the backend's converters, so one odd value in a document the existing system
wrote never fails the whole read.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models.expressions import Col
from django_mongodb_backend import compiler as upstream
from django_mongodb_backend.query import MongoQuery, wrap_database_errors

from mongo.stored_types import Check, current_document, expression_check, field_check

FIRST_BATCH = 1000
# Stages after the leading $match that keep one output row per matching document (bar $skip/$limit), so
# a $count beside them counts what the page was cut from.
ROW_PRESERVING_STAGES = frozenset({"$addFields", "$set", "$project", "$sort", "$skip", "$limit"})


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
    own = {
        key: value for key, value in match.items() if not key.startswith("$") and key.split(".", 1)[0] not in aliases
    }
    if not own:
        return pipeline
    rest = {key: value for key, value in match.items() if key not in own}
    return [{"$match": own}, *lookups, *([{"$match": rest}] if rest else []), *pipeline[count + 1 :]]


def without_identity_fields(pipeline: list[dict]) -> list[dict]:
    """Drop `{f: "$f"}` entries from `$addFields` stages (setting a field to itself changes nothing, even
    when the field is missing), and stages left empty."""
    out = []
    for stage in pipeline:
        if list(stage) == ["$addFields"] and isinstance(stage["$addFields"], dict):
            fields = {name: value for name, value in stage["$addFields"].items() if value != f"${name}"}
            if not fields:
                continue
            stage = {"$addFields": fields}
        out.append(stage)
    return out


def with_count(pipeline: list[dict]) -> list[dict] | None:
    """The page `pipeline` as one `$facet` that also counts every matching document, or None when the
    stages after the leading `$match` could change the number of rows (joins, grouping, unwinding)."""
    head = pipeline[:1] if pipeline and list(pipeline[0]) == ["$match"] else []
    rest = pipeline[len(head) :]
    if any(len(stage) != 1 or next(iter(stage)) not in ROW_PRESERVING_STAGES for stage in rest):
        return None
    return [*head, {"$facet": {"rows": rest or [{"$skip": 0}], "total": [{"$count": "n"}]}}]


class _Rows:
    """The page's documents where the compiler expects a cursor."""

    def __init__(self, docs: list[dict]) -> None:
        self._docs = iter(docs)

    def __iter__(self):
        return self._docs

    def next(self) -> dict:
        return next(self._docs)


class Query(MongoQuery):
    def get_pipeline(self):
        pipeline = without_identity_fields(super().get_pipeline())
        if self.lookup_pipeline and self.match_mql and not (self.search_pipeline or self.subqueries):
            return match_before_joins(pipeline, self.lookup_pipeline, self.match_mql)
        return pipeline

    @wrap_database_errors
    def get_cursor(self):
        pipeline = self.get_pipeline()
        session = self.compiler.connection.session
        count_into = getattr(self.query, "count_into", None)  # set by page_and_count()
        if count_into is not None and (counted := with_count(pipeline)) is not None:
            result = next(self.compiler.collection.aggregate(counted, session=session), None) or {}
            count_into["count"] = result["total"][0]["n"] if result.get("total") else 0
            return _Rows(result.get("rows", []))
        return self.compiler.collection.aggregate(pipeline, session=session, batchSize=FIRST_BATCH)


if TYPE_CHECKING:  # the mixin is only ever mixed into the backend's compilers

    class _CompilerBase(upstream.SQLCompiler): ...

else:
    _CompilerBase = object


# A selected value's stored-type check: (position in the row, its always-readable types, the check, and where
# it comes from: collection, column, position of the document's _id in the row).
StoredCheck = tuple[int, frozenset[type], Check, tuple[str, str, int | None]]


def _read_odd(check: Check, value: Any, where: tuple[str, str, int | None], row: list[Any]) -> Any:
    """`value` (not None, not of an always-readable type) as its check reads it, naming the document if it warns."""
    collection, column, pk_position = where
    token = current_document.set((collection, row[pk_position] if pk_position is not None else None))
    try:
        return check.clean(value, column)
    finally:
        current_document.reset(token)


class FlatFilterMixin(_CompilerBase):
    query_class = Query

    def build_query(self, columns: Any = None) -> Any:
        query = super().build_query(columns)
        query.match_mql = flatten_and(query.match_mql)
        return query

    def get_converters(self, expressions: list[Any]) -> dict[int, tuple[list[Callable], Any]]:
        """Upstream's converters; also works out the stored-type check (mongo/stored_types.py) of each model
        column, and of each computed value of a plain type (an aggregate's `Min("createdAt")`, a `dates()`
        Trunc), which apply_converters runs before them."""
        converters = super().get_converters(expressions)
        pk_positions = {
            expression.alias: position
            for position, expression in enumerate(expressions)
            if isinstance(expression, Col) and expression.target.primary_key
        }
        collection = self.query.model._meta.db_table if self.query.model else "?"
        checks: list[StoredCheck] = []
        for position, expression in enumerate(expressions):
            where: tuple[str, str, int | None]
            if isinstance(expression, Col):
                field = expression.target
                check = field_check(field)
                where = (field.model._meta.db_table, field.column or field.name, pk_positions.get(expression.alias))
            else:
                check = expression_check(getattr(expression, "_output_field_or_none", None))
                where = (collection, self._select_alias(position), None)
            if check is not None:
                checks.append((position, check.fast_types, check, where))
        self._stored_checks = checks
        if checks and not converters:  # results_iter() only applies converters when there are some
            converters[checks[0][0]] = ([], expressions[checks[0][0]])
        return converters

    def _select_alias(self, position: int) -> str:
        """The name a computed value is selected as (never its expression: that may hold a searched value)."""
        select = getattr(self, "select", None) or []
        alias = select[position][2] if position < len(select) else None
        return alias or "(computed)"

    def apply_converters(self, rows: Iterable[list[Any]], converters: dict) -> Iterator[list[Any]]:
        """Django's, with each value's stored-type check first: inline, as this runs for every value read."""
        connection = self.connection
        checks: list[StoredCheck] = getattr(self, "_stored_checks", [])
        entries = list(converters.items())
        for row in map(list, rows):
            for position, fast_types, check, where in checks:
                value = row[position]
                if value is not None and type(value) not in fast_types:
                    row[position] = _read_odd(check, value, where, row)
            for position, (functions, expression) in entries:
                value = row[position]
                for converter in functions:
                    value = converter(value, expression, connection)
                row[position] = value
            yield row


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
