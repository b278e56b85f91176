"""Serializer pieces every app's API uses."""

import math
from datetime import date
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from django.core.exceptions import ValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from core.validators import MSG_DATE, validate_date

MSG_INVALID_OBJECT_ID = "Enter a valid id: 24 hexadecimal characters."


class ObjectIdField(serializers.Field):
    """An ObjectId travels as its 24-hex string (docs/api.md, Conventions)."""

    default_error_messages = {"invalid": MSG_INVALID_OBJECT_ID}

    def to_representation(self, value: Any) -> str:
        return str(value)

    def to_internal_value(self, data: Any) -> ObjectId:
        try:
            return ObjectId(str(data))
        except (InvalidId, TypeError):
            self.fail("invalid")


class ObjectIdFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ObjectIdField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict:
        schema = build_basic_type(OpenApiTypes.STR)
        schema["pattern"] = "^[0-9a-f]{24}$"
        return schema


class NumberField(serializers.FloatField):
    """A seed number: rendered as an int when whole (1000, not 1000.0). As input, a JSON number or a numeric
    string; not a boolean (DRF's FloatField takes `true` for 1.0), NaN or infinity."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, value: Any) -> Any:  # int | float | None
        """A value that is not a finite number (one the reading let through from a document another system
        wrote) is rendered as null rather than failing the whole response."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() else number


class IsoDateField(serializers.DateField):
    """A calendar date as `YYYY-MM-DD` with ASCII digits and nothing around it, the one format booking takes
    (core.validators.validate_date). DRF's DateField parses with strptime, which also takes full-width digits
    (U+FF10 to U+FF19) and unpadded parts ("2031-1-6"): availability offered days that booking then refused."""

    default_error_messages = {"invalid": MSG_DATE}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=["%Y-%m-%d"], format="%Y-%m-%d", **kwargs)

    def to_internal_value(self, value: Any) -> date:
        try:
            validate_date(value)
        except ValidationError:
            self.fail("invalid")
        return date.fromisoformat(value)


class StrictBooleanField(serializers.BooleanField):
    """A JSON `true` or `false` only: DRF's BooleanField also takes "yes", "off", 1, 0 and the like, so a client
    that sends the wrong type (a string "false", a number) would get a guess instead of a 400."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # fail() raises
