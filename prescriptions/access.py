"""Prescriptions someone was shown: each one on a list page is a view in the audit trail (audit app), as each
download is (prescriptions/downloads.py)."""

from collections.abc import Iterable
from typing import Any

from audit.models import Action
from audit.services import AuditTarget, audit_record_many
from prescriptions.models import Prescription


def prescriptions_viewed(*, request: Any, prescriptions: Iterable[Prescription]) -> None:
    """One `view` entry per prescription shown, in one write."""
    targets = [
        AuditTarget("prescription", prescription.prescription_id, prescription.user_id)  # type: ignore[attr-defined]
        for prescription in prescriptions
    ]
    audit_record_many(request_or_actor=request, action=Action.VIEW, targets=targets)


class AuditedListMixin:
    """For a DRF list view of prescriptions: the page it answers with is recorded as viewed."""

    request: Any

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        prescriptions_viewed(request=self.request, prescriptions=page if page is not None else queryset)
        return page
