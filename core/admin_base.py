"""`AllOrNothingAdmin`: an admin save either happens whole or leaves the database as it was.

Django's change form writes the document (`save_model`), then builds the change message from the form,
writes the `LogEntry` and answers; `transaction.atomic()` around that is a no-op on MongoDB
(docs/decisions/0017-seed-silence-7-no-transactions.md). So an error after the write used to answer 500
with the document saved, and a retry said "already exists". Here:

1. whatever can fail without writing runs before the write (the form's `changed_data`, which the change
   message reads), and
2. if anything fails after the write (a second service write, the log entry, the response), the write is
   undone: an added document is deleted, a changed one is put back as it was read before the save; a
   service's refusal (a ServiceError) is then shown on the same page, not answered 500.

Every ModelAdmin of the project subclasses it (docs/decisions/0062-admin-saves-all-or-nothing.md).
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import connections, models, router
from django.db.models.signals import post_delete, post_save
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect

from core.errors import ServiceError

logger = logging.getLogger(__name__)

_PENDING = "_opd_admin_saves"
ADMIN_SEARCH_MAX_CHARS = 200
MSG_SEARCH_TOO_LONG = f"Search for at most {ADMIN_SEARCH_MAX_CHARS} characters."


@dataclass
class _Save:
    obj: models.Model
    change: bool
    before: dict[str, Any] | None  # the document as it was, for a change


def _collection(model: type[models.Model]) -> Any:
    connection = connections[router.db_for_write(model)]
    return connection.get_collection(model._meta.db_table)  # type: ignore[attr-defined]  # the backend adds it


class AllOrNothingAdmin(admin.ModelAdmin):
    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """A search longer than ADMIN_SEARCH_MAX_CHARS is refused (400) before any query: each word becomes a
        regular expression, and MongoDB servers cap their length (the embedded one at 1,000 characters), which
        answered 500. No name, id or e-mail address is that long."""
        if len(request.GET.get(SEARCH_VAR, "")) > ADMIN_SEARCH_MAX_CHARS:
            return HttpResponseBadRequest(MSG_SEARCH_TOO_LONG, content_type="text/plain; charset=utf-8")
        return super().changelist_view(request, extra_context)

    def save_form(self, request: HttpRequest, form: ModelForm, change: bool) -> Any:
        form.changed_data  # noqa: B018 - evaluated now (cached): it used to fail only after the write
        obj = super().save_form(request, form, change)
        before = _collection(type(obj)).find_one({"_id": obj.pk}) if change and obj.pk is not None else None
        getattr(request, _PENDING, []).append(_Save(obj=obj, change=change, before=before))
        return obj

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        setattr(request, _PENDING, [])
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceError as exc:
            # A service refused at the save although the form's check passed (something changed meanwhile):
            # nothing of this save stays, and staff see the refusal on the same page instead of a 500.
            self._undo_pending(request)
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except Exception:
            self._undo_pending(request)
            raise
        finally:
            setattr(request, _PENDING, [])

    def _undo_pending(self, request: HttpRequest) -> None:
        for save in reversed(getattr(request, _PENDING, [])):
            self._undo(save)

    def undo_add(self, obj: Any) -> None:
        """Remove an added record whose save failed afterwards. Admins whose add goes through a service with
        effects beyond the record override it to undo through that service's own removal."""
        _collection(type(obj)).delete_one({"_id": obj.pk})

    def _undo(self, save: _Save) -> None:
        model, pk = type(save.obj), save.obj.pk
        if pk is None:
            return  # never written
        using = router.db_for_write(model)
        if not save.change:
            self.undo_add(save.obj)
            # The undo is a raw write: tell the caches kept from the models' signals (search's stored next free
            # times, the city list) that the record is gone again, as a delete through the model would.
            post_delete.send(sender=model, instance=save.obj, using=using, origin=save.obj)
            logger.warning("admin save undone", extra={"model": model._meta.label, "change": False})
            return
        collection = _collection(model)
        if save.before is not None:
            collection.replace_one({"_id": pk}, save.before)
            post_save.send(sender=model, instance=save.obj, created=False, update_fields=None, raw=True, using=using)
        logger.warning("admin save undone", extra={"model": model._meta.label, "change": save.change})
