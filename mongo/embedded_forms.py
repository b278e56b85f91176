"""A fix for django-mongodb-backend 5.2's nested embedded-model form fields.

`MultiValueField.has_changed(None, data)` (an add form: no initial value) passes `""` down to each subfield.
A subfield that is itself an embedded model (`operatingHours.Monday`) hands that `""` to its widget's
`decompress`, which reads `"".open`: `AttributeError` after the admin has already saved the document (Django
builds the change message after `save_model`). `decompress` here treats anything that is not a model
instance as "no value", which is what the empty initial means.
"""

from typing import Any

from django.db import models
from django_mongodb_backend.forms.fields.embedded_model import EmbeddedModelWidget

_original_decompress = EmbeddedModelWidget.decompress


def _decompress(self: EmbeddedModelWidget, value: Any) -> list[Any]:
    if not isinstance(value, models.Model):
        return [None for _ in self.field_names]
    return _original_decompress(self, value)


def patch_embedded_model_widget() -> None:
    """Install the fix (idempotent); CoreConfig.ready() calls it."""
    EmbeddedModelWidget.decompress = _decompress
