"""Doctor-portal pages: the prescriptions list, downloads, and the upload / replace forms.

Forms post and redirect back (to the appointment page or the list) with the outcome as a message; the
services' refusals (wrong file, too large, already uploaded) become error messages. Another doctor's
appointment or prescription is 404.
"""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from doctors.portal import DoctorRequiredMixin
from prescriptions.downloads import prescription_file_response
from prescriptions.files import FileRefused, too_large_message
from prescriptions.forms import PrescriptionFileForm, PrescriptionUploadForm
from prescriptions.models import Prescription
from prescriptions.selectors import (
    appointment_get_for_doctor,
    prescription_get_for_doctor,
    prescription_list_for_doctor,
)
from prescriptions.services import (
    PrescriptionConflict,
    StorageFailed,
    prescription_replace_file,
    prescription_upload,
)
from prescriptions.uploads import upload_too_large

MSG_UPLOADED = "Prescription {prescription_id} uploaded for {patient}."
MSG_REPLACED = "The file of prescription {prescription_id} was replaced."


def _form_error(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _refusal(exc: Exception) -> str | None:
    if isinstance(exc, FileRefused | PrescriptionConflict | StorageFailed):
        return exc.message
    return None


class PrescriptionListView(DoctorRequiredMixin, ListView):
    """/portal/prescriptions/: everything the doctor uploaded, newest first."""

    template_name = "prescriptions/portal/list.html"
    nav_section = "prescriptions"
    context_object_name = "prescriptions"
    paginate_by = 20

    def get_queryset(self) -> Any:
        return prescription_list_for_doctor(doctor=self.doctor)


class PrescriptionFileView(DoctorRequiredMixin, View):
    """/portal/prescriptions/{prescriptionId}/file: the doctor's own prescription file."""

    def get(self, request: HttpRequest, key: str) -> FileResponse:
        prescription = prescription_get_for_doctor(doctor=self.doctor, key=key)
        if prescription is None:
            raise Http404
        return prescription_file_response(prescription)


class PrescriptionUploadView(DoctorRequiredMixin, View):
    """POST /portal/appointments/{appointmentId}/prescription: the upload form of the appointment page."""

    def post(self, request: HttpRequest, key: str) -> HttpResponse:
        appointment = appointment_get_for_doctor(doctor=self.doctor, key=key)
        if appointment is None:
            raise Http404
        back = HttpResponseRedirect(reverse("portal-appointment-detail", args=[appointment.pk]) + "#prescription")
        if upload_too_large(request):
            messages.error(request, too_large_message())
            return back
        form = PrescriptionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return back
        try:
            prescription = prescription_upload(
                doctor=self.doctor,
                appointment=appointment,
                uploaded_file=form.cleaned_data["file"],
                diagnosis=form.cleaned_data["diagnosis"],
                notes=form.cleaned_data["notes"],
            )
        except (FileRefused, PrescriptionConflict, StorageFailed) as exc:
            messages.error(request, _refusal(exc))
            return back
        done = MSG_UPLOADED.format(prescription_id=prescription.prescription_id, patient=prescription.patient_name)
        messages.success(request, done)
        return back


class PrescriptionReplaceView(DoctorRequiredMixin, View):
    """POST /portal/prescriptions/{prescriptionId}/replace: a new file for the doctor's own prescription."""

    def post(self, request: HttpRequest, key: str) -> HttpResponse:
        prescription = prescription_get_for_doctor(doctor=self.doctor, key=key)
        if prescription is None:
            raise Http404
        back = HttpResponseRedirect(self._next(request, prescription))
        if upload_too_large(request):
            messages.error(request, too_large_message())
            return back
        form = PrescriptionFileForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return back
        try:
            prescription_replace_file(
                doctor=self.doctor, prescription=prescription, uploaded_file=form.cleaned_data["file"]
            )
        except (FileRefused, PrescriptionConflict, StorageFailed) as exc:
            messages.error(request, _refusal(exc))
            return back
        messages.success(request, MSG_REPLACED.format(prescription_id=prescription.prescription_id))
        return back

    @staticmethod
    def _next(request: HttpRequest, prescription: Prescription) -> str:
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return target
        return reverse("portal-prescriptions")
