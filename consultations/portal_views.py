"""Doctor-portal pages of video consultations: the call page and the workflow buttons (POST, then redirect).

Each button calls the same service as the doctor API; a workflow refusal becomes an error message
(core/portal_errors.py).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from appointments.models import Appointment
from appointments.selectors import appointment_get_for_doctor
from consultations.models import OPEN_STATUSES, EndedBy, VideoConsultation
from consultations.selectors import consultation_get_for_doctor
from consultations.services import (
    consultation_cancel,
    consultation_end,
    consultation_join,
    consultation_mark_no_show,
    consultation_start,
)
from doctors.auth.portal import DoctorRequiredMixin

MSG_ENDED = "Consultation completed. You can upload the prescription now."
MSG_CANCELLED = "The video consultation was cancelled."
MSG_NO_SHOW = "The consultation was marked as a no-show."

APPOINTMENT_PAGE = "portal-appointment-detail"


def appointment_url(appointment: Appointment) -> str:
    return reverse(APPOINTMENT_PAGE, args=[appointment.pk])


def call_url(consultation: VideoConsultation) -> str:
    return reverse("portal-consultation-call", args=[consultation.consultation_id])


class ConsultationCallView(DoctorRequiredMixin, TemplateView):
    template_name = "consultations/portal/call.html"
    nav_section = "appointments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        consultation = consultation_get_for_doctor(doctor=self.doctor, key=kwargs["consultation_key"])
        appointment = Appointment.objects.get(pk=consultation.appointment_id)
        context.update(
            consultation=consultation,
            appointment=appointment,
            appointment_url=appointment_url(appointment),
            is_open=consultation.status in OPEN_STATUSES,
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)  # the page carries the room password
        consultation = response.context_data["consultation"]
        response._csp_update = jitsi_csp(consultation.jitsi_domain)  # read by django-csp's middleware
        return response


def jitsi_csp(domain: str) -> dict[str, list[str]]:
    """This room's Jitsi server in the page's Content-Security-Policy (rooms keep the domain they were made
    on, which may differ from today's JITSI_DOMAIN)."""
    origin = f"https://{domain}"
    return {
        "script-src": [origin],
        "frame-src": [origin],
        "connect-src": [origin, f"wss://{domain}"],
        "media-src": [origin],
    }


class ConsultationStartView(DoctorRequiredMixin, View):
    """Start (or reopen) the appointment's call and join it as the doctor, then show the call page."""

    http_method_names = ["post"]
    action_label = "Start video consultation"
    appointment: Appointment

    def refused_url(self) -> str:
        return appointment_url(self.appointment)

    def post(self, request: HttpRequest, appointment_id: str) -> HttpResponse:
        self.appointment = appointment_get_for_doctor(doctor=self.doctor, appointment_id=appointment_id)
        consultation, _created = consultation_start(doctor=self.doctor, appointment=self.appointment)
        consultation_join(consultation=consultation, participant=EndedBy.DOCTOR)
        return HttpResponseRedirect(call_url(consultation))


class _ConsultationStepView(DoctorRequiredMixin, View):
    """POST one workflow step on the doctor's own consultation, then redirect (a refusal: back to the call)."""

    http_method_names = ["post"]
    success_message = ""
    consultation: VideoConsultation

    def refused_url(self) -> str:
        return call_url(self.consultation)

    def step(self, request: HttpRequest, consultation: VideoConsultation) -> VideoConsultation:
        raise NotImplementedError

    def success_url(self, consultation: VideoConsultation) -> str:
        return appointment_url(Appointment.objects.get(pk=consultation.appointment_id))

    def post(self, request: HttpRequest, consultation_key: str) -> HttpResponse:
        self.consultation = consultation_get_for_doctor(doctor=self.doctor, key=consultation_key)
        consultation = self.step(request, self.consultation)
        if self.success_message:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.success_url(consultation))


class ConsultationJoinView(_ConsultationStepView):
    action_label = "Join call"

    def step(self, request: HttpRequest, consultation: VideoConsultation) -> VideoConsultation:
        return consultation_join(consultation=consultation, participant=EndedBy.DOCTOR)

    def success_url(self, consultation: VideoConsultation) -> str:
        return call_url(consultation)


class ConsultationEndView(_ConsultationStepView):
    action_label = "End consultation"
    success_message = MSG_ENDED

    def step(self, request: HttpRequest, consultation: VideoConsultation) -> VideoConsultation:
        return consultation_end(consultation=consultation, ended_by=EndedBy.DOCTOR)


class ConsultationNoShowView(_ConsultationStepView):
    action_label = "Patient did not join"
    success_message = MSG_NO_SHOW

    def step(self, request: HttpRequest, consultation: VideoConsultation) -> VideoConsultation:
        return consultation_mark_no_show(consultation=consultation, marked_by=EndedBy.DOCTOR)


class ConsultationCancelView(_ConsultationStepView):
    action_label = "Cancel consultation"
    success_message = MSG_CANCELLED

    def step(self, request: HttpRequest, consultation: VideoConsultation) -> VideoConsultation:
        reason = request.POST.get("cancellation_reason", "")[:500]
        return consultation_cancel(consultation=consultation, cancelled_by=EndedBy.DOCTOR, reason=reason)
