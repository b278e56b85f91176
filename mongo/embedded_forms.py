"""A fix for django-mongodb-backend 5.2's nested embedded-model form fields.

`MultiValueField.has_changed(None, data)` (an add form: no initial value) passes `""` down to each subfield.
A subfield that is itself an embedded model (`operatingHours.Monday`) hands that `""` to its widget's
`decompress`, which reads `"".open`: `AttributeError` after the admin has already saved the document (Django
builds the change message after `save_model`). `decompress` here treats anything that is not a model
instance as "no value", which is what the empty initial means.

Also: a wholly blank optional embedded form (every field empty, boxes unticked) means no document (`compress`).
"""

from typing import Any

from django.db import models
from django_mongodb_backend.forms.fields.embedded_model import EmbeddedModelField, EmbeddedModelWidget

_original_decompress = EmbeddedModelWidget.decompress
_original_compress = EmbeddedModelField.compress
BLANK: tuple[Any, ...] = (None, "", [], (), {}, False)


def _decompress(self: EmbeddedModelWidget, value: Any) -> list[Any]:
    if not isinstance(value, models.Model):
        return [None for _ in self.field_names]
    return _original_decompress(self, value)


def _compress(self: EmbeddedModelField, data_list: Any) -> Any:
    """An optional embedded document left wholly blank (an unticked box counts as blank) is no document, as
    the model says (a clinic day without hours: "no hours published"), not one of empty fields."""
    if not self.required and data_list and all(value in BLANK for value in data_list):
        return None
    return _original_compress(self, data_list)


def patch_embedded_model_widget() -> None:
    """Install the fixes (idempotent); CoreConfig.ready() calls it."""
    EmbeddedModelWidget.decompress = _decompress
    EmbeddedModelField.compress = _compress
