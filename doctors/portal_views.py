"""Doctor portal pages of the doctors app: the weekly schedule (slots) and the profile.

Thin views: reads from doctors/schedule_selectors.py, changes through doctors/services.py.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from doctors.forms import SlotForm, slot_initial
from doctors.models import DoctorSlot
from doctors.portal import DoctorRequiredMixin
from doctors.schedule_selectors import slot_get, slot_week
from doctors.services import (
    SlotConflict,
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


class _SlotFormMixin(DoctorRequiredMixin):
    """Runs a slot service from a SlotForm; service errors become form errors (400) or a conflict (409)."""

    def save_slot(self, form: SlotForm, save: Any) -> DoctorSlot | None:
        if not form.is_valid():
            messages.error(self.request, MSG_FIX_ERRORS)
            return None
        try:
            return save(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
            messages.error(self.request, MSG_FIX_ERRORS)
        except SlotConflict as conflict:
            form.add_error(None, str(conflict))
        return None


class ScheduleView(_SlotFormMixin, TemplateView):
    """GET: the week, Monday to Sunday, with an add form. POST: add a slot."""

    template_name = "portal/slots/schedule.html"
    nav_section = "schedule"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
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
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SlotForm(request.POST, doctor=self.doctor)
        slot = self.save_slot(form, lambda data: slot_create(doctor=self.doctor, **data))
        if slot is None:
            status = 409 if form.non_field_errors() else 400
            return self.render_to_response(self.get_context_data(form=form), status=status)
        messages.success(request, MSG_SLOT_ADDED.format(**_describe(slot)))
        return HttpResponseRedirect(f"{reverse('portal-slots')}#day-{slot.day_of_week}")


class _OwnSlotMixin(DoctorRequiredMixin):
    def get_slot(self) -> DoctorSlot:
        slot = slot_get(doctor=self.doctor, slot_id=self.kwargs["slot_id"])
        if slot is None:
            raise Http404
        return slot


class SlotEditView(_OwnSlotMixin, _SlotFormMixin, TemplateView):
    template_name = "portal/slots/edit.html"
    nav_section = "schedule"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        slot = kwargs.get("slot") or self.get_slot()
        context.setdefault("form", SlotForm(doctor=self.doctor, initial=slot_initial(slot)))
        context["slot"] = slot
        return context

    def post(self, request: HttpRequest, slot_id: str) -> HttpResponse:
        slot = self.get_slot()
        form = SlotForm(request.POST, doctor=self.doctor, initial=slot_initial(slot))
        saved = self.save_slot(form, lambda data: slot_update(slot=slot, doctor=self.doctor, data=data))
        if saved is None:
            status = 409 if form.non_field_errors() else 400
            return self.render_to_response(self.get_context_data(form=form, slot=self.get_slot()), status=status)
        messages.success(request, MSG_SLOT_SAVED.format(**_describe(saved)))
        return HttpResponseRedirect(f"{reverse('portal-slots')}#day-{saved.day_of_week}")


class SlotActionView(_OwnSlotMixin, View):
    """POST /portal/slots/<id>/<deactivate|activate|delete>/."""

    def post(self, request: HttpRequest, slot_id: str, action: str) -> HttpResponse:
        slot = self.get_slot()
        described = _describe(slot)
        try:
            if action == "deactivate":
                slot_deactivate(slot=slot, doctor=self.doctor)
                messages.success(request, MSG_SLOT_DEACTIVATED.format(**described))
            elif action == "activate":
                slot_activate(slot=slot, doctor=self.doctor)
                messages.success(request, MSG_SLOT_ACTIVATED.format(**described))
            elif action == "delete":
                slot_delete(slot=slot)
                messages.success(request, MSG_SLOT_REMOVED.format(**described))
            else:
                raise Http404
        except SlotConflict as conflict:
            messages.error(request, str(conflict))
        return HttpResponseRedirect(f"{reverse('portal-slots')}#day-{slot.day_of_week}")


class ProfileView(DoctorRequiredMixin, TemplateView):
    template_name = "portal/profile.html"
    nav_section = "profile"
