"""Stored values of the wrong BSON type, read as "no value" instead of failing the whole document.

The existing system writes the shared collections directly, so a document may hold a string where a model
field expects a number, a date or an embedded document (`rating: "x"`, `createdAt: "yesterday"`,
`clinics: [null]`). Upstream's converters raise on such a value (or let it through to fail later, in a
serializer or a template), so every read of the document answered 500.

Each field class says which stored types it can read (`field_check`). The compiler (mongo/compiler.py) checks
every selected column of every row before the backend's converters run; a value that is not readable is read as
None, or as the field's constant default where the field takes no None, or as an empty list for an array (a
moving default such as `now` would invent a fact); text is read as "" (a whole number as its digits), which no
rule takes for a valid time, date or code, where None may mean "none" (a time off with no times is all day).
Embedded documents are checked field by field, however deep; embedded and plain arrays drop the entries that
are not readable (for an embedded array: the entries that are not documents). A WARNING names the
collection, the field's path and the document's _id, never the value (it may be medical).

Only what is read changes: nothing is written back (the other system owns the document). `odd_paths` lists
the same problems for `manage.py audit_integrity` (core/integrity.py, `core.stored_types`).
"""

import logging
import math
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache, cached_property
from typing import Any

from bson import Decimal128, Int64, ObjectId
from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django_mongodb_backend.fields import (
    ArrayField,
    EmbeddedModelArrayField,
    EmbeddedModelField,
    ObjectIdAutoField,
    ObjectIdField,
)

logger = logging.getLogger("opd_wallet.stored_types")

Readable = Callable[[Any], bool]
# The document being converted: (collection, _id), set by the compiler for each row it reads.
current_document: ContextVar[tuple[str, Any]] = ContextVar("current_document", default=("?", None))


def _number(value: Any) -> bool:
    """An int or a finite double (NaN and infinity are not numbers a page can show or JSON can carry)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int | Int64)


def _decimal(value: Any) -> bool:
    return _number(value) or (isinstance(value, Decimal128) and value.to_decimal().is_finite())


def _of(*types: type) -> Readable:
    return lambda value: isinstance(value, types)


_TEXT = _of(str)
_DATETIME = _of(datetime)  # DateField and TimeField are stored as datetimes too
_OBJECT_ID = _of(ObjectId)
_BOOLEAN = _of(bool)
# By field class, the first that matches (a subclass before its base).
_SCALARS: list[tuple[type[models.Field], Readable]] = [
    (ObjectIdAutoField, _OBJECT_ID),  # first: an AutoField is an IntegerField (a foreign key's target)
    (ObjectIdField, _OBJECT_ID),
    (models.BooleanField, _BOOLEAN),
    (models.FloatField, _number),
    (models.DecimalField, _decimal),
    (models.IntegerField, _number),  # the backend's int() reads a whole double; SmallIntegerField keeps it
    (models.DateTimeField, _DATETIME),  # before DateField: it is a subclass
    (models.DateField, _DATETIME),
    (models.TimeField, _DATETIME),
    (models.CharField, _TEXT),  # EmailField, URLField, SlugField...
    (models.TextField, _TEXT),
]


# The stored types each test always accepts (a double is not here: it must also be finite).
_FAST_TYPES: dict[Readable, frozenset[type]] = {
    _TEXT: frozenset({str}),
    _DATETIME: frozenset({datetime}),
    _OBJECT_ID: frozenset({ObjectId}),
    _BOOLEAN: frozenset({bool}),
    _number: frozenset({int, Int64}),
    _decimal: frozenset({int, Int64}),
}


class Check:
    """How to read one field's stored value. A value is readable when it is None or has the right shape
    (`shape_ok`); the parts inside a readable value (an embedded document's fields, an array's entries) are
    checked in turn by `clean_inner`/`odd_inner`."""

    fast_types: frozenset[type] = frozenset()  # types always readable, tested first by `type(value) in`

    def __init__(self, field: models.Field) -> None:
        self.field = field
        self.fallback_value = _fallback(field)

    def shape_ok(self, value: Any) -> bool:
        raise NotImplementedError

    def odd_inner(self, value: Any, path: str) -> Iterator[str]:
        return iter(())

    def clean_inner(self, value: Any, path: str) -> Any:
        return value

    def odd(self, value: Any, path: str) -> Iterator[str]:
        """The paths of the unreadable values within the stored `value` (`path` is the field's own)."""
        if value is None:
            return
        if not self.shape_ok(value):
            yield path
        else:
            yield from self.odd_inner(value, path)

    def clean(self, value: Any, path: str) -> Any:
        """`value` as it can be read: itself, cleaned inside, or the fallback (logged)."""
        if value is None:
            return None
        if not self.shape_ok(value):
            warn(path)
            return self.fallback_value
        return self.clean_inner(value, path)


def warn(path: str) -> None:
    """Log an unreadable value by collection, field path and _id: never the value (it may be medical)."""
    collection, document_id = current_document.get()
    logger.warning(
        "stored value of the wrong type not read: collection=%s field=%s _id=%s", collection, path, document_id
    )


class ScalarCheck(Check):
    def __init__(self, field: models.Field, readable: Readable) -> None:
        super().__init__(field)
        self.readable = readable
        self.fast_types = _FAST_TYPES.get(readable, frozenset())

    def shape_ok(self, value: Any) -> bool:
        return self.readable(value)


class TextCheck(ScalarCheck):
    """Text: a whole number is read as its digits (a phone number the other system stored as a number), and
    anything else as "" rather than None. An empty text is not a valid time, date or code, so the rules that
    validate it skip the document, where None could mean something (a time off with no times is a whole day)."""

    def __init__(self, field: models.Field) -> None:
        super().__init__(field, _TEXT)
        self.fallback_value = ""

    def clean(self, value: Any, path: str) -> Any:
        if value is None or isinstance(value, str):
            return value
        warn(path)
        return str(value) if isinstance(value, int | Int64) and not isinstance(value, bool) else ""


class EmbeddedCheck(Check):
    """An embedded document: a dict whose own fields are checked in turn (in place: it is the fetched copy)."""

    def __init__(self, field: models.Field) -> None:
        super().__init__(field)
        self.model = field.embedded_model  # type: ignore[attr-defined]

    def shape_ok(self, value: Any) -> bool:
        return isinstance(value, dict)

    @cached_property
    def checks(self) -> list[tuple[str, Check]]:
        return model_checks(self.model)

    def odd_inner(self, value: Any, path: str) -> Iterator[str]:
        for column, check in self.checks:
            if column in value:
                yield from check.odd(value[column], f"{path}.{column}")

    def clean_inner(self, value: Any, path: str) -> Any:
        for column, check in self.checks:
            found = value.get(column)
            if found is not None and type(found) not in check.fast_types:
                value[column] = check.clean(found, f"{path}.{column}")
        return value


class ArrayCheck(Check):
    """A list whose entries are checked by the base field's check. An entry that is None or of the wrong shape
    is dropped (for an embedded array: the entries that are not documents)."""

    def __init__(self, field: models.Field) -> None:
        super().__init__(field)
        base = field.base_field  # type: ignore[attr-defined]
        self.entry = field_check(base) or ScalarCheck(base, lambda value: True)

    def shape_ok(self, value: Any) -> bool:
        return isinstance(value, list)

    def odd_inner(self, value: Any, path: str) -> Iterator[str]:
        for position, entry in enumerate(value):
            where = f"{path}.{position}"
            if entry is None:
                yield where
            else:
                yield from self.entry.odd(entry, where)

    def clean_inner(self, value: Any, path: str) -> Any:
        fast_types = self.entry.fast_types
        if fast_types and all(type(entry) in fast_types for entry in value):
            return value  # the common case: a list of readable scalars
        kept = []
        for position, entry in enumerate(value):
            if entry is None or not self.entry.shape_ok(entry):
                warn(f"{path}.{position}")  # dropped
            else:
                kept.append(self.entry.clean_inner(entry, f"{path}.{position}"))
        return kept


def _fallback(field: models.Field) -> Any:
    """What an unreadable value is read as: None where the field takes it; else a constant default; else an
    empty list for an array; else None all the same (a required field then asks for a value when edited)."""
    if field.null:
        return None
    if field.has_default() and not callable(field.default):
        return field.get_default()
    if isinstance(field, ArrayField):
        return []
    return None


@cache
def field_check(field: models.Field) -> Check | None:
    """The check of one model field, or None when any stored value is readable (JSON, the primary key)."""
    if field.primary_key:
        return None
    if isinstance(field, models.ForeignKey):  # read as the field it points at (an ObjectId, a doctorId string)
        readable = _scalar(field.target_field)
        return ScalarCheck(field, readable) if readable else None
    if isinstance(field, EmbeddedModelArrayField | ArrayField):
        return ArrayCheck(field)
    if isinstance(field, EmbeddedModelField):
        return EmbeddedCheck(field)
    if isinstance(field, models.CharField | models.TextField):
        return TextCheck(field)
    readable = _scalar(field)
    return ScalarCheck(field, readable) if readable else None


def expression_check(output_field: models.Field | None) -> Check | None:
    """The check of a computed value (an aggregate, a truncated date) by its output field's type; it reads an
    unreadable value as None (the field's null and default do not apply to a computed value)."""
    readable = _scalar(output_field) if output_field is not None else None
    if readable is None:
        return None
    check = ScalarCheck(output_field, readable)  # type: ignore[arg-type]
    check.fallback_value = None
    return check


def _scalar(field: models.Field) -> Readable | None:
    for field_class, readable in _SCALARS:
        if isinstance(field, field_class):
            return readable
    return None


@cache
def model_checks(model: type[models.Model]) -> list[tuple[str, Check]]:
    """(column, check) for each field of `model` (top-level or embedded) that has one."""
    checks = []
    for field in model._meta.concrete_fields:
        check = field_check(field)
        if check is not None:
            checks.append((field.column or field.name, check))
    return checks


def odd_paths(model: type[models.Model], document: dict[str, Any]) -> list[str]:
    """The paths of the values in a stored document of `model` that cannot be read as their field's type."""
    found: list[str] = []
    for column, check in model_checks(model):
        if column in document:
            found += check.odd(document[column], column)
    return found


# --- date lists (the admin's date hierarchy) ---------------------------------------------------------------------
_original_dates = QuerySet.dates
_original_datetimes = QuerySet.datetimes


def _stored_dates_only(queryset: QuerySet, field_name: str) -> QuerySet:
    """`queryset` with the documents whose `field_name` is a stored date: `$gte` the earliest date matches dates
    only (MongoDB compares within one BSON type), where a `$dateTrunc` of a string fails the whole query."""
    earliest: date = date.min
    if "__" not in field_name and isinstance(queryset.model._meta.get_field(field_name), models.DateTimeField):
        earliest = datetime.min.replace(tzinfo=UTC)
        if not settings.USE_TZ:
            earliest = earliest.replace(tzinfo=None)
    return queryset.filter(**{f"{field_name}__gte": earliest})


def _dates(self: QuerySet, field_name: str, kind: Any, order: Any = "ASC") -> QuerySet:
    return _original_dates(_stored_dates_only(self, field_name), field_name, kind, order)


def _datetimes(self: QuerySet, field_name: str, kind: Any, order: Any = "ASC", tzinfo: Any = None) -> QuerySet:
    return _original_datetimes(_stored_dates_only(self, field_name), field_name, kind, order, tzinfo)


def patch_date_lists() -> None:
    """Make `QuerySet.dates()`/`datetimes()` skip values that are not dates (idempotent); CoreConfig.ready()
    calls it. The admin's date hierarchy lists them: one `createdAt: "x"` answered the changelist with 500."""
    QuerySet.dates = _dates  # type: ignore[method-assign]
    QuerySet.datetimes = _datetimes  # type: ignore[method-assign]
