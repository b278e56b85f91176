"""Portal forms. The file itself is judged by the service (prescriptions/files.py), not by the form."""

from django import forms

from prescriptions.serializers import DIAGNOSIS_MAX, NOTES_MAX

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"  # a hint for the file picker only


class PrescriptionFileForm(forms.Form):
    file = forms.FileField(
        label="Prescription file (PDF, JPEG or PNG)",
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class PrescriptionUploadForm(PrescriptionFileForm):
    diagnosis = forms.CharField(label="Diagnosis", required=False, max_length=DIAGNOSIS_MAX)
    notes = forms.CharField(
        label="Notes for the patient", required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
