"""Model fields shared by every app, so our documents keep the seed's BSON types."""

from typing import Any

from django.db import models


class NumberField(models.FloatField):
    """A plain BSON number, as the seed stores fees and ratings: an int when whole (1000), else a double.

    Not a DecimalField: that would store Decimal128, which the existing clients do not read.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value
