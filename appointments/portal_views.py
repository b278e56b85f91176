"""Doctor portal pages about appointments: the day (dashboard), the list, one appointment and its actions.

Thin views: reads from appointments/doctor_selectors.py, changes through appointments/services/workflow.py.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from appointments.doctor_selectors import Scope, doctor_appointments, doctor_dashboard
from appointments.models import Actor, Appointment
from appointments.portal_forms import AppointmentFilterForm, RescheduleForm
from appointments.selectors import appointment_get_for_doctor, booking_date_error, slot_availability
from appointments.services.booking import appointment_reschedule
from appointments.services.workflow import CANCELLABLE, TRANSITION_SERVICES, appointment_actions
from appointments.week_selectors import doctor_week, week_start
from core import clock
from core.errors import Invalid, ServiceError
from core.portal_errors import form_add_service_error
from doctors.auth.portal import DoctorRequiredMixin

PAGE_SIZE = 20
MSG_WEEK_DATE = "Give the week as a date, YYYY-MM-DD (any day of it)."
WEEK_RANGE_DAYS = 3660  # about ten years either side of today: the week view's reach
MSG_WEEK_TOO_FAR = "Choose a week within ten years of today."
MSG_RESCHEDULED = "Appointment with {patient} moved to {date} at {time}."
# The reschedule service's field names (the API's) -> the portal form's.
RESCHEDULE_FIELDS = {"appointmentDate": "date", "timeSlot": "time_slot"}
MSG_DONE = {
    "confirm": "Appointment with {patient} confirmed.",
    "complete": "Appointment with {patient} marked as completed.",
    "cancel": "Appointment with {patient} cancelled. The time is free for other patients again.",
}


class DashboardView(DoctorRequiredMixin, TemplateView):
    template_name = "portal/dashboard.html"
    nav_section = "today"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = clock.local_today()
        context["today"] = today
        context["dashboard"] = doctor_dashboard(doctor=self.doctor, today=today)
        return context


def _date_param(value: str | None) -> date | None:
    """A YYYY-MM-DD query parameter; None when absent; Invalid (shown as a message) when malformed."""
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(MSG_WEEK_DATE) from exc
    if parsed.isoformat() != value:  # fromisoformat also takes 20310106 and week dates
        raise Invalid(MSG_WEEK_DATE)
    if abs((parsed - clock.local_today()).days) > WEEK_RANGE_DAYS:  # also keeps the neighbours representable
        raise Invalid(MSG_WEEK_TOO_FAR)
    return parsed


class WeekView(DoctorRequiredMixin, TemplateView):
    """GET /portal/week/?week=YYYY-MM-DD (any day of it; default this week) &day=YYYY-MM-DD (the day a phone
    shows; default today, else the Monday): the doctor's week as a calendar (appointments/week_selectors.py)."""

    template_name = "portal/week.html"
    nav_section = "week"

    def refused_url(self) -> str:
        return reverse("portal-week")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = clock.local_today()
        start = week_start(_date_param(self.request.GET.get("week")) or today)
        week = doctor_week(doctor=self.doctor, start=start)
        chosen = _date_param(self.request.GET.get("day"))
        if chosen is None or not start <= chosen <= week.end:
            chosen = today if start <= today <= week.end else start
        context.update(
            week=week,
            selected_day=chosen,
            this_week=week_start(today),
            today=today,
            doctor_clinics={entry.clinic_id: entry.name for entry in self.doctor.clinics or []},
            movable_statuses=CANCELLABLE,
        )
        return context


class AppointmentListView(DoctorRequiredMixin, TemplateView):
    template_name = "portal/appointments/list.html"
    nav_section = "appointments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = AppointmentFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        on_date = filters.get("date")
        rows = doctor_appointments(
            doctor=self.doctor,
            on_date=on_date.isoformat() if on_date else None,
            status=filters.get("status") or None,
            scope=filters.get("scope") or Scope.UPCOMING,
        )
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page=page,
            appointments=page.object_list,
            query=query.urlencode(),
            filtered=bool(self.request.GET.get("date") or self.request.GET.get("status")),
        )
        return context


class _OwnAppointmentMixin(DoctorRequiredMixin):
    def get_appointment(self) -> Appointment:
        return appointment_get_for_doctor(doctor=self.doctor, appointment_id=self.kwargs["appointment_id"])


class AppointmentDetailView(_OwnAppointmentMixin, TemplateView):
    """One appointment. Other apps fill `{% block prescription_panel %}` / `{% block consultation_panel %}`."""

    template_name = "portal/appointments/detail.html"
    nav_section = "appointments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        appointment = self.get_appointment()
        context.update(appointment=appointment, actions=appointment_actions(appointment))
        return context


class AppointmentActionView(_OwnAppointmentMixin, View):
    """POST /portal/appointments/<id>/<confirm|complete|cancel>/: one workflow step, then back (a refusal:
    an error message, core/portal_errors.py)."""

    appointment: Appointment
    action_labels = {"confirm": "Confirm", "complete": "Mark as completed", "cancel": "Cancel appointment"}

    def refused_url(self) -> str:
        return self._back(self.request, self.appointment)

    def action_return_url(self) -> str:
        return reverse("portal-appointment-detail", args=[self.kwargs["appointment_id"]])

    def post(self, request: HttpRequest, appointment_id: str, action: str) -> HttpResponse:
        transition = TRANSITION_SERVICES.get(action)
        if transition is None:
            raise Http404
        self.appointment = appointment = self.get_appointment()
        extra = {"reason": request.POST.get("reason", "")} if action == "cancel" else {}
        transition(appointment=appointment, by=Actor.DOCTOR, **extra)
        messages.success(request, MSG_DONE[action].format(patient=appointment.patient_name))
        return HttpResponseRedirect(self._back(request, appointment))

    def _back(self, request: HttpRequest, appointment: Appointment) -> str:
        candidate = request.POST.get("next")
        if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
            return candidate
        return reverse("portal-appointment-detail", args=[appointment.pk])


class AppointmentRescheduleView(_OwnAppointmentMixin, TemplateView):
    """GET /portal/appointments/<id>/reschedule/?date=YYYY-MM-DD: the date's free times (same type and clinic).
    POST: move the appointment there (appointment_reschedule, by the doctor); a refusal is shown on the form."""

    template_name = "portal/appointments/reschedule.html"
    nav_section = "appointments"
    action_label = "Move appointment"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        appointment = context.get("appointment") or self.get_appointment()
        day = self._day(self.request.POST.get("date") or self.request.GET.get("date"), appointment)
        times, problem = self._times(appointment, day)
        form = context.get("form") or RescheduleForm(initial={"date": day}, times=times)
        if problem and not form.is_bound:
            form.add_error("date", problem)
        context.update(appointment=appointment, form=form, day=day, reschedulable=appointment.status in CANCELLABLE)
        return context

    def post(self, request: HttpRequest, appointment_id: str) -> HttpResponse:
        self.appointment = appointment = self.get_appointment()
        day = self._day(request.POST.get("date"), appointment)
        self.form = form = RescheduleForm(request.POST, times=self._times(appointment, day)[0])
        if not form.is_valid():
            return self._render_form(status=400)
        moved = appointment_reschedule(
            appointment=appointment,
            appointment_date=form.cleaned_data["date"].isoformat(),
            time_slot=form.cleaned_data["time_slot"],
            by=Actor.DOCTOR,
        )
        messages.success(
            request,
            MSG_RESCHEDULED.format(patient=moved.patient_name, date=moved.appointment_date, time=moved.time_slot),
        )
        return HttpResponseRedirect(reverse("portal-appointment-detail", args=[moved.pk]))

    def service_error_response(self, exc: ServiceError) -> HttpResponse:
        if not hasattr(self, "form"):  # not the form's refusal (e.g. an appointment no longer found)
            return super().service_error_response(exc)
        form_add_service_error(self.form, exc, field_names=RESCHEDULE_FIELDS)
        return self._render_form(status=exc.kind.status)

    def _render_form(self, *, status: int) -> HttpResponse:
        context = self.get_context_data(form=self.form, appointment=self.appointment)
        return self.render_to_response(context, status=status)

    @staticmethod
    def _day(value: str | None, appointment: Appointment) -> date:
        for candidate in (value, appointment.appointment_date):
            try:
                return date.fromisoformat(candidate or "")
            except ValueError:
                continue
        return clock.local_today()

    def _times(self, appointment: Appointment, day: date) -> tuple[list[str], str | None]:
        """The free times of `day` for the appointment's type (and clinic), or the date's problem."""
        if problem := booking_date_error(day):
            return [], problem
        in_clinic = appointment.clinic_id if appointment.appointment_type == "IN_CLINIC" else None
        times = slot_availability(
            doctor=self.doctor, date=day, consultation_type=appointment.appointment_type, clinic_id=in_clinic
        )
        return [t.time_slot for t in times], None

    def refused_url(self) -> str:
        return reverse("portal-appointment-detail", args=[self.kwargs["appointment_id"]])
