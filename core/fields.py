"""Model fields shared by every app, so our documents keep the seed's BSON types."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:  # the mixin is only ever mixed into model fields
    _FieldBase = models.Field
else:
    _FieldBase = object


class MissingAsDefaultMixin(_FieldBase):
    """Read a field the stored document lacks as the field's default, as the existing Node app's schema does.

    Documents written before a field existed (the seed's own appointment samples have no `hasPrescription`)
    come back as None, which a non-null field would then refuse on the next save or validation.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None and not self.null and self.has_default():
            return self.get_default()
        return value


BSON_INT64_LIMIT = 2**63


class NumberField(MissingAsDefaultMixin, models.FloatField):
    """A plain BSON number, as the seed stores fees and ratings: an int when whole (1000), else a double.

    Not a DecimalField: that would store Decimal128, which the existing clients do not read.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, float) and value.is_integer() and abs(value) < BSON_INT64_LIMIT:
            return int(value)  # a whole number larger than BSON's int64 stays a double rather than fail to encode
        return value


class BooleanField(MissingAsDefaultMixin, models.BooleanField):
    """A BooleanField whose default also fills a missing value. Stored exactly like Django's BooleanField."""

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.BooleanField", args, kwargs  # same storage: no migration
