"""The audit trail itself: one entry per call, append-only, kept at least a year, read-only in the admin."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from audit.models import AuditAppendOnly, AuditEntry
from audit.retention import TTL_INDEX
from audit.services import AuditActor, audit_record
from tests.admin_forms import admin_url, staff_client
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _entry() -> AuditEntry:
    audit_record(
        request_or_actor=AuditActor(id="x1", label="job", role="SYSTEM"),
        action="view",
        target_type="prescription",
        target_id="PRESC-1",
        subject_id="m1",
    )
    return AuditEntry.objects.get()


def test_audit_record_from_a_request_holds_who_role_what_record_when_where_and_request_id(rf: RequestFactory) -> None:
    staff = StaffFactory(role=Role.OPERATIONS)
    request = rf.get("/admin/", REMOTE_ADDR="203.0.113.9")
    request.user = staff
    request.request_id = "req-12345678"
    audit_record(request_or_actor=request, action="view", target_type="appointment", target_id="APT1", subject_id="u9")
    (entry,) = AuditEntry.objects.all()
    assert (entry.actor_id, entry.actor, entry.role) == (str(staff.pk), staff.email, "OPERATIONS")
    assert (entry.action, entry.target_type, entry.target_id, entry.subject_id) == ("view", "appointment", "APT1", "u9")
    assert (entry.ip_address, entry.request_id) == ("203.0.113.9", "req-12345678")
    assert entry.at is not None


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    entry = _entry()
    with pytest.raises(AuditAppendOnly):
        entry.save()
    with pytest.raises(AuditAppendOnly):
        entry.delete()
    with pytest.raises(AuditAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing")
    with pytest.raises(AuditAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "view"


def test_entries_are_kept_at_least_a_year_by_a_ttl_index(settings: object) -> None:
    index = connection.get_collection("audit_log").index_information()[TTL_INDEX]
    assert index["key"] == [("at", 1)]
    assert index["expireAfterSeconds"] >= timedelta(days=365).total_seconds()


def test_admin_reads_and_filters_entries_but_nobody_adds_changes_or_deletes(client: Client) -> None:
    entry = _entry()
    admin_client = staff_client(client, Role.ADMIN)
    listing = admin_client.get(admin_url(AuditEntry), {"action": "view", "q": "PRESC-1"})
    assert listing.status_code == 200
    assert [row.pk for row in listing.context["cl"].result_list] == [entry.pk]
    page = admin_client.get(admin_url(AuditEntry, "change", entry.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(admin_url(AuditEntry, "change", entry.pk), {"action": "x"}).status_code == 403
    assert admin_client.get(admin_url(AuditEntry, "add")).status_code == 403
    assert admin_client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    deleted = admin_client.post(admin_url(AuditEntry), {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert deleted.status_code in (200, 302)
    stored = connection.get_collection("audit_log").find_one({"_id": entry.pk})
    assert stored is not None and stored["action"] == "view"


def test_operations_and_members_cannot_read_the_audit_trail(client: Client) -> None:
    entry = _entry()
    operations = staff_client(client, Role.OPERATIONS)
    assert operations.get(admin_url(AuditEntry)).status_code == 403
    assert operations.get(admin_url(AuditEntry, "change", entry.pk)).status_code == 403
    client.force_login(UserFactory())
    assert client.get(admin_url(AuditEntry)).status_code == 302
