"""The portal's time off page (`portal-time-off`): upcoming time off and extra hours, a form for each, and,
when time off covers booked appointments, a second step to keep or cancel them (for all or one by one).

Thin views: reads from doctors/schedule/selectors.py, changes through appointments/services/time_off.py;
a refusal is shown on the form it answers (core/portal_errors.py).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from appointments.models import Actor
from appointments.services.time_off import (
    Actorship,
    TimeOffAffects,
    extra_hours_add,
    extra_hours_delete,
    time_off_add,
    time_off_delete,
)
from appointments.time_off_forms import AffectedForm, ExtraHoursForm, TimeOffForm, decision_from_post
from core import clock
from core.errors import ServiceError
from core.portal_errors import form_add_service_error
from core.validators import validate_date
from doctors.auth.portal import DoctorRequiredMixin
from doctors.models import ScheduleException, ScheduleExceptionKind
from doctors.schedule.selectors import schedule_exception_get, schedule_exception_list

MSG_TIME_OFF_SAVED = "Time off saved: {when}."
MSG_CANCELLED = " {count} appointment(s) cancelled; the patients will be told the reason."
MSG_KEPT = " {count} appointment(s) kept."
MSG_TIME_OFF_REMOVED = "Time off removed: {when}. Those times can be booked again."
MSG_EXTRA_SAVED = "Extra hours added: {when}."
MSG_EXTRA_REMOVED = "Extra hours removed: {when}."
MSG_CHOOSE = "Some of your booked appointments fall inside this time off. Choose what happens to them, then save."
MSG_FIX_ERRORS = "Please correct the errors below."
SERVICE_FIELDS = {"affectedAppointments": "__all__", "start_date": "start_date"}
EXTRA_IDS = "id_extra_%s"  # two forms on one page: their fields' ids (and so their labels) stay apart
TIME_OFF, EXTRA_HOURS = ScheduleExceptionKind.TIME_OFF, ScheduleExceptionKind.EXTRA_HOURS


def describe(exception: ScheduleException) -> str:
    days = exception.start_date
    if exception.end_date != exception.start_date:
        days = f"{exception.start_date} to {exception.end_date}"
    return f"{days}, {exception.start_time}-{exception.end_time}" if exception.start_time else days


def _page_url(anchor: str = "") -> str:
    return reverse("portal-time-off") + (f"#{anchor}" if anchor else "")


class TimeOffView(DoctorRequiredMixin, TemplateView):
    """GET: the lists and the two forms (`?date=YYYY-MM-DD` prefills the time off's dates).
    POST: add time off (step one, or step two with the decision)."""

    template_name = "portal/time_off/page.html"
    nav_section = "time-off"
    action_label = "Add time off"
    form: TimeOffForm | ExtraHoursForm

    def _prefill(self) -> dict[str, str]:
        day = self.request.GET.get("date") or ""
        try:
            validate_date(day)
        except Exception:
            return {}
        return {"start_date": day, "end_date": day}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TimeOffForm(doctor=self.doctor, initial=self._prefill()))
        context.setdefault("extra_form", ExtraHoursForm(doctor=self.doctor, auto_id=EXTRA_IDS))
        clinic_names = {entry.clinic_id: entry.name for entry in self.doctor.clinics or []}
        context.update(
            time_off=list(schedule_exception_list(doctor=self.doctor, kind=TIME_OFF)),
            extra_hours=list(schedule_exception_list(doctor=self.doctor, kind=EXTRA_HOURS)),
            clinic_names=clinic_names,
            today=clock.local_today().isoformat(),
        )
        return context

    def _render(self, status: int, **context: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**context), status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.form = form = TimeOffForm(request.POST, doctor=self.doctor)
        if not form.is_valid():
            messages.error(request, MSG_FIX_ERRORS)
            return self._render(400, form=form)
        saved = time_off_add(
            doctor=self.doctor,
            by=Actorship(actor=Actor.DOCTOR, id=self.doctor.doctor_id),
            **form.service_fields(),
            **decision_from_post(request.POST),
        )
        text = MSG_TIME_OFF_SAVED.format(when=describe(saved))
        if saved.cancelled_appointment_ids:
            text += MSG_CANCELLED.format(count=len(saved.cancelled_appointment_ids))
        if saved.kept_appointment_ids:
            text += MSG_KEPT.format(count=len(saved.kept_appointment_ids))
        messages.success(request, text)
        return HttpResponseRedirect(_page_url("time-off-list"))

    def service_error_response(self, exc: ServiceError) -> HttpResponse:
        if isinstance(exc, TimeOffAffects):
            # Step one (no choice yet) shows the defaults: choose for each, each one kept.
            chosen = self.request.POST if "affected" in self.request.POST else None
            affected = AffectedForm(chosen, appointments=exc.appointments)
            messages.warning(self.request, MSG_CHOOSE)
            return self._render(409, form=self.form, affected_form=affected)
        form_add_service_error(self.form, exc, field_names={"affectedAppointments": "__all__"})
        if exc.kind.status == 400:
            messages.error(self.request, MSG_FIX_ERRORS)
        return self._render(exc.kind.status, form=self.form)


class ExtraHoursAddView(TimeOffView):
    """POST: add one-off extra hours; a refusal is shown on the extra hours' form."""

    action_label = "Add extra hours"

    def post(self, request: HttpRequest) -> HttpResponse:
        self.form = form = ExtraHoursForm(request.POST, doctor=self.doctor, auto_id=EXTRA_IDS)
        if not form.is_valid():
            messages.error(request, MSG_FIX_ERRORS)
            return self._render(400, extra_form=form)
        saved = extra_hours_add(
            doctor=self.doctor, by=Actorship(actor=Actor.DOCTOR, id=self.doctor.doctor_id), **form.cleaned_data
        )
        messages.success(request, MSG_EXTRA_SAVED.format(when=describe(saved)))
        return HttpResponseRedirect(_page_url("extra-hours-list"))

    def service_error_response(self, exc: ServiceError) -> HttpResponse:
        form_add_service_error(self.form, exc)
        if exc.kind.status == 400:
            messages.error(self.request, MSG_FIX_ERRORS)
        return self._render(exc.kind.status, extra_form=self.form)


class ScheduleExceptionDeleteView(DoctorRequiredMixin, View):
    """POST /portal/time-off/<id>/delete/ (or extra-hours/<id>/delete/): the doctor's own only (else 404)."""

    kind: str = TIME_OFF
    action_label = "Remove"

    def refused_url(self) -> str:
        return _page_url("extra-hours-list" if self.kind == EXTRA_HOURS else "time-off-list")

    def post(self, request: HttpRequest, exception_id: str) -> HttpResponse:
        found = schedule_exception_get(doctor=self.doctor, exception_id=exception_id, kind=self.kind)
        if self.kind == EXTRA_HOURS:
            extra_hours_delete(extra=found)
            messages.success(request, MSG_EXTRA_REMOVED.format(when=describe(found)))
        else:
            time_off_delete(time_off=found)
            messages.success(request, MSG_TIME_OFF_REMOVED.format(when=describe(found)))
        return HttpResponseRedirect(self.refused_url())
