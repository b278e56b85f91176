"""Validation of embedded documents (`clinics`, `location`, `operatingHours`, `availableSlots`, `feedback`, ...).

django-mongodb-backend's EmbeddedModelField only checks that the value is an instance of the embedded model:
it never runs the embedded model's own validators or `clean()`, and neither does its form field. So a
top-level model's `clean()` calls `embedded_errors(self)`, which runs them for every embedded document,
however deep, and says where each error is with the seed's names, e.g.
"operatingHours.Monday.close: Closing time must be after opening time."
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django_mongodb_backend.fields import EmbeddedModelArrayField, EmbeddedModelField


def _name(field: models.Field | models.ForeignObjectRel) -> str:
    return getattr(field, "db_column", None) or field.name


def _embedded(instance: models.Model, path: str) -> list[tuple[models.Field, models.Model, str]]:
    """The embedded documents directly inside `instance`: (field, document, path) each."""
    found = []
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        base = f"{path}.{_name(field)}" if path else _name(field)
        if isinstance(field, EmbeddedModelField) and value is not None:
            found.append((field, value, base))
        elif isinstance(field, EmbeddedModelArrayField):
            found += [(field, item, f"{base}[{position}]") for position, item in enumerate(value or [], start=1)]
    return found


def _messages(instance: models.Model, path: str) -> list[str]:
    messages: list[str] = []
    try:
        instance.full_clean()
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            place = path if name == NON_FIELD_ERRORS else f"{path}.{_name(instance._meta.get_field(name))}"
            messages += [f"{place}: {error}" for error in errors]
    for _, child, child_path in _embedded(instance, path):
        messages += _messages(child, child_path)
    return messages


def embedded_errors(instance: models.Model) -> dict[str, list[str]]:
    """Errors of the embedded documents of a top-level model instance, keyed by its field name."""
    errors: dict[str, list[str]] = {}
    for field, child, path in _embedded(instance, ""):
        errors.setdefault(field.name, []).extend(_messages(child, path))
    return {name: messages for name, messages in errors.items() if messages}
