"""Doctor-portal pages: the prescriptions list, downloads, and the upload / replace forms.

Forms post and redirect back (to the appointment page or the list) with the outcome as a message; the
services' refusals (wrong file, too large, already uploaded) become error messages. Another doctor's
appointment or prescription is 404.
"""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from appointments.selectors import appointment_get_for_doctor
from doctors.auth.portal import DoctorRequiredMixin
from prescriptions.access import prescriptions_viewed
from prescriptions.downloads import prescription_file_response
from prescriptions.files import too_large_message
from prescriptions.forms import PrescriptionFileForm, PrescriptionUploadForm
from prescriptions.models import Prescription
from prescriptions.selectors import prescription_get_for_doctor, prescription_list_for_doctor
from prescriptions.services import prescription_replace_file, prescription_upload
from prescriptions.uploads import upload_too_large

MSG_UPLOADED = "Prescription {prescription_id} uploaded for {patient}."
MSG_REPLACED = "The file of prescription {prescription_id} was replaced."


def _form_error(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class PrescriptionListView(DoctorRequiredMixin, ListView):
    """/portal/prescriptions/: everything the doctor uploaded, newest first."""

    template_name = "prescriptions/portal/list.html"
    nav_section = "prescriptions"
    context_object_name = "prescriptions"
    paginate_by = 20

    def get_queryset(self) -> Any:
        return prescription_list_for_doctor(doctor=self.doctor)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        prescriptions_viewed(request=self.request, prescriptions=context["object_list"])
        return context


class PrescriptionFileView(DoctorRequiredMixin, View):
    """/portal/prescriptions/{prescriptionId}/file: the doctor's own prescription file."""

    def get(self, request: HttpRequest, prescription_id: str) -> FileResponse:
        return prescription_file_response(
            prescription_get_for_doctor(doctor=self.doctor, prescription_id=prescription_id), request=request
        )


class PrescriptionUploadView(DoctorRequiredMixin, View):
    """POST /portal/appointments/{appointmentId}/prescription: the upload form of the appointment page; every
    outcome goes back to it with a message."""

    action_label = "Upload prescription"

    def refused_url(self) -> str:
        return reverse("portal-appointment-detail", args=[self.appointment.pk]) + "#prescription"

    def post(self, request: HttpRequest, appointment_id: str) -> HttpResponse:
        self.appointment = appointment = appointment_get_for_doctor(doctor=self.doctor, appointment_id=appointment_id)
        back = HttpResponseRedirect(self.refused_url())
        if upload_too_large(request):
            messages.error(request, too_large_message())
            return back
        form = PrescriptionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return back
        prescription = prescription_upload(
            doctor=self.doctor,
            appointment=appointment,
            uploaded_file=form.cleaned_data["file"],
            diagnosis=form.cleaned_data["diagnosis"],
            notes=form.cleaned_data["notes"],
        )
        done = MSG_UPLOADED.format(prescription_id=prescription.prescription_id, patient=prescription.patient_name)
        messages.success(request, done)
        return back


class PrescriptionReplaceView(DoctorRequiredMixin, View):
    """POST /portal/prescriptions/{prescriptionId}/replace: a new file for the doctor's own prescription; every
    outcome goes back with a message."""

    action_label = "Replace the file"

    def refused_url(self) -> str:
        return self._next(self.request, self.prescription)

    def post(self, request: HttpRequest, prescription_id: str) -> HttpResponse:
        self.prescription = prescription = prescription_get_for_doctor(
            doctor=self.doctor, prescription_id=prescription_id
        )
        back = HttpResponseRedirect(self.refused_url())
        if upload_too_large(request):
            messages.error(request, too_large_message())
            return back
        form = PrescriptionFileForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return back
        prescription_replace_file(
            doctor=self.doctor, prescription=prescription, uploaded_file=form.cleaned_data["file"]
        )
        messages.success(request, MSG_REPLACED.format(prescription_id=prescription.prescription_id))
        return back

    @staticmethod
    def _next(request: HttpRequest, prescription: Prescription) -> str:
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return target
        return reverse("portal-prescriptions")
