"""Doctor portal pages of the weekly schedule (slots).

Thin views: reads from doctors/schedule/selectors.py, changes through doctors/schedule/services.py; a
refusal becomes form errors (core/portal_errors.py).
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.errors import ServiceError
from core.portal_errors import anchored, form_add_service_error, messages_by_anchor
from doctors.auth.portal import DoctorRequiredMixin
from doctors.models import DoctorSlot
from doctors.schedule.forms import SlotForm, slot_initial
from doctors.schedule.selectors import slot_get, slot_week
from doctors.schedule.services import (
    slot_activate,
    slot_create,
    slot_deactivate,
    slot_delete,
    slot_update,
)

MSG_SLOT_ADDED = "Added {day} {start}-{end}."
MSG_SLOT_SAVED = "Saved {day} {start}-{end}."
MSG_SLOT_DEACTIVATED = "{day} {start}-{end} is closed for new bookings."
MSG_SLOT_ACTIVATED = "{day} {start}-{end} is open for booking again."
MSG_SLOT_REMOVED = "Removed {day} {start}-{end}."
MSG_FIX_ERRORS = "Please correct the errors below."


def _describe(slot: DoctorSlot) -> dict[str, str]:
    return {"day": slot.day_of_week, "start": slot.start_time, "end": slot.end_time}


def _schedule_url(anchor: str) -> str:
    """The schedule page scrolled to one element (`day-Monday`, `slot-<id>`, `add-slot`); messages tagged
    `anchored(anchor)` show there (core/portal_errors.py), so they are in view."""
    return f"{reverse('portal-slots')}#{anchor}"


def _day_anchor(day: str) -> str:
    return f"day-{day}"


class _SlotFormMixin(DoctorRequiredMixin):
    """A slot form page: a refusal of the slot service is shown on the form (400, or 409 for a conflict)."""

    form: SlotForm

    def form_context(self) -> dict[str, Any]:
        return {}

    def invalid_form_response(self, status: int) -> HttpResponse:
        if status == 400 and not self.form.non_field_errors():
            self.form.add_error(None, MSG_FIX_ERRORS)  # on the form, where the doctor is looking
        context = self.get_context_data(form=self.form, **self.form_context())  # type: ignore[attr-defined]
        return self.render_to_response(context, status=status)  # type: ignore[attr-defined]

    def service_error_response(self, exc: ServiceError) -> HttpResponse:
        form_add_service_error(self.form, exc)
        return self.invalid_form_response(exc.kind.status)


class ScheduleView(_SlotFormMixin, TemplateView):
    """GET: the week, Monday to Sunday, with an add form. POST: add a slot."""

    template_name = "portal/slots/schedule.html"
    nav_section = "schedule"
    action_label = "Add slot"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        top_messages, anchored_messages = messages_by_anchor(self.request)
        clinic_filter = self.request.GET.get("clinic") or ""
        week = slot_week(doctor=self.doctor)
        if clinic_filter:
            for day in week:
                day.slots = [slot for slot in day.slots if slot.clinic_id == clinic_filter]
        clinic_names = {entry.clinic_id: entry.name for entry in self.doctor.clinics or []}
        context.setdefault("form", SlotForm(doctor=self.doctor))
        context.update(
            week=week,
            clinic_filter=clinic_filter,
            clinic_names=clinic_names,
            slot_count=sum(len(day.slots) for day in week),
            messages=top_messages,  # the rest show next to their day, slot or form
            anchored_messages=anchored_messages,
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        self.form = SlotForm(request.POST, doctor=self.doctor)
        if not self.form.is_valid():
            return self.invalid_form_response(400)
        slot = slot_create(doctor=self.doctor, **self.form.cleaned_data)
        anchor = _day_anchor(slot.day_of_week)
        messages.success(request, MSG_SLOT_ADDED.format(**_describe(slot)), extra_tags=anchored(anchor))
        return HttpResponseRedirect(_schedule_url(anchor))


class SlotEditView(_SlotFormMixin, TemplateView):
    template_name = "portal/slots/edit.html"
    nav_section = "schedule"
    action_label = "Save changes"

    def form_context(self) -> dict[str, Any]:
        return {"slot": slot_get(doctor=self.doctor, slot_id=self.kwargs["slot_id"])}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        slot = kwargs.get("slot") or slot_get(doctor=self.doctor, slot_id=self.kwargs["slot_id"])
        context.setdefault("form", SlotForm(doctor=self.doctor, initial=slot_initial(slot)))
        context["slot"] = slot
        return context

    def post(self, request: HttpRequest, slot_id: str) -> HttpResponse:
        slot = slot_get(doctor=self.doctor, slot_id=slot_id)
        self.form = SlotForm(request.POST, doctor=self.doctor, initial=slot_initial(slot))
        if not self.form.is_valid():
            return self.invalid_form_response(400)
        saved = slot_update(slot=slot, doctor=self.doctor, data=self.form.cleaned_data)
        anchor = f"slot-{saved.pk}"
        messages.success(request, MSG_SLOT_SAVED.format(**_describe(saved)), extra_tags=anchored(anchor))
        return HttpResponseRedirect(_schedule_url(anchor))


class SlotActionView(DoctorRequiredMixin, View):
    """POST /portal/slots/<id>/<deactivate|activate|delete>/. Back on the schedule, scrolled to the slot, with
    the outcome (a refusal too) next to its buttons; a removed slot's message shows on its day."""

    def refused_anchor(self) -> str:
        return f"slot-{self.slot.pk}"

    action_labels = {"deactivate": "Deactivate", "activate": "Activate", "delete": "Remove"}

    def refused_url(self) -> str:
        return _schedule_url(self.refused_anchor())

    def post(self, request: HttpRequest, slot_id: str, action: str) -> HttpResponse:
        self.slot = slot = slot_get(doctor=self.doctor, slot_id=slot_id)
        described = _describe(slot)
        anchor = self.refused_anchor()
        if action == "deactivate":
            slot_deactivate(slot=slot, doctor=self.doctor)
            message = MSG_SLOT_DEACTIVATED.format(**described)
        elif action == "activate":
            slot_activate(slot=slot, doctor=self.doctor)
            message = MSG_SLOT_ACTIVATED.format(**described)
        elif action == "delete":
            slot_delete(slot=slot)
            message, anchor = MSG_SLOT_REMOVED.format(**described), _day_anchor(slot.day_of_week)
        else:
            raise Http404
        messages.success(request, message, extra_tags=anchored(anchor))
        return HttpResponseRedirect(_schedule_url(anchor))
