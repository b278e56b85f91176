"""Reading the audit trail."""

from django.db.models import QuerySet

from audit.models import AuditEntry


def audit_entries_for_member(*, member_id: object) -> QuerySet[AuditEntry]:
    """Every entry about this member's records, newest first (index `audit_subject_at`)."""
    return AuditEntry.objects.filter(subject_id=str(member_id)).order_by("-at")
