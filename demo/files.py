"""Files behind the demo prescriptions: the seed's documents name PDFs that no one uploaded here."""

from django.core.files.base import ContentFile

from prescriptions.files import file_exists, storage, storage_name


def one_page_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF showing `lines` (ASCII) in Helvetica."""
    text = "".join(f"({line.replace(chr(92), '').replace('(', '[').replace(')', ']')}) Tj T* " for line in lines)
    stream = f"BT /F1 14 Tf 18 TL 72 760 Td {text}ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return pdf


def demo_prescription_files(prescriptions: list[dict]) -> int:
    """Write a placeholder PDF where a demo prescription's `filePath` points at nothing. Returns how many."""
    written = 0
    for doc in prescriptions:
        name = storage_name(doc["filePath"])
        if name is None or file_exists(doc["filePath"]):
            continue
        lines = [
            "OPD Wallet demo prescription",
            f"{doc['prescriptionId']}  {doc['uploadDate']:%Y-%m-%d}",
            f"Doctor: {doc['doctorName']}",
            f"Patient: {doc['patientName']}",
            f"Diagnosis: {doc.get('diagnosis') or '-'}",
            f"Notes: {doc.get('notes') or '-'}",
        ]
        storage().save(name, ContentFile(one_page_pdf(lines)))
        written += 1
    return written
