"""The one way a prescription file leaves the server, for every route that may hand it out."""

import logging

from django.http import FileResponse, Http404, HttpRequest
from rest_framework.request import Request

from audit.models import Action
from audit.services import audit_record
from prescriptions.files import content_disposition, download_name, file_open
from prescriptions.models import Prescription

logger = logging.getLogger(__name__)


def prescription_file_response(prescription: Prescription, *, request: HttpRequest | Request) -> FileResponse:
    """An attachment with a safe name, the content type of the bytes themselves, never cached or sniffed.
    Each download is one entry in the audit trail (who, role, when, from where), whichever route served it.

    Raises Http404 when the stored file is missing (logged: the document points at nothing).
    """
    opened = file_open(prescription.file_path)
    if opened is None:
        logger.warning("Prescription %s: file %r not found", prescription.prescription_id, prescription.file_path)
        raise Http404
    handle, content_type, file_type = opened
    response = FileResponse(handle, content_type=content_type)
    name = download_name(prescription.file_name, file_type, fallback=prescription.prescription_id)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit_record(
        request_or_actor=request,
        action=Action.DOWNLOAD,
        target_type="prescription",
        target_id=prescription.prescription_id,
        subject_id=prescription.user_id,  # type: ignore[attr-defined]  # the ForeignKey's column
    )
    return response
