"""The outbox's frequent queries are index scans: the worker's claim, the member's list, the calendar feed."""

import pytest
from django.test import Client

from core import clock
from devtools.query_plans import explain, query_plans
from notifications.delivery import notifications_deliver_due
from notifications.models import NotificationStatus
from notifications.selectors import doctor_news
from notifications.services import calendar_feed_renew
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.notifications.factories import book

pytestmark = pytest.mark.django_db


def test_the_workers_claim_reads_the_due_index() -> None:
    book()
    # The claim is a findAndModify (not explainable here): the same filters and sort as a find.
    for status in (NotificationStatus.PENDING, NotificationStatus.SENDING):
        due = {"status": status, "nextAttemptAt": {"$lte": clock.now()}}
        plan = explain({"find": "notifications", "filter": due, "sort": {"nextAttemptAt": 1}, "limit": 1})
        assert (plan.stage, plan.index) == ("IXSCAN", "notifications_status_next")


def test_the_members_list_reads_through_its_index() -> None:
    appointment = book()
    notifications_deliver_due()
    plans = query_plans(lambda: member_client(appointment.user).get("/api/v1/notifications"))
    notifications = [plan for plan in plans if plan.collection == "notifications"]
    assert notifications
    assert {(plan.stage, plan.index) for plan in notifications} == {("IXSCAN", "notifications_recipient_list")}


def test_the_calendar_feed_reads_only_through_indexes() -> None:
    slot = DoctorSlotFactory(max_patients=3)
    book(slot=slot)
    token = calendar_feed_renew(doctor_id=slot.doctor.doctor_id)
    plans = query_plans(lambda: Client().get(f"/portal/calendar/{token}.ics"))
    assert {plan.collection for plan in plans} >= {"doctor_calendar_feeds", "appointments"}
    assert all(plan.stage == "IXSCAN" for plan in plans), plans


def test_withdrawing_an_appointments_reminders_uses_its_index() -> None:
    appointment = book()
    filter_ = {"appointmentId": appointment.appointment_id, "status": "PENDING", "kind": {"$in": ["REMINDER"]}}
    plan = explain({"find": "notifications", "filter": filter_})
    assert (plan.stage, plan.index) == ("IXSCAN", "notifications_appointment")


def test_the_doctors_news_reads_only_through_indexes() -> None:
    slot = DoctorSlotFactory(max_patients=3, doctor__requires_confirmation=True)
    book(slot=slot)
    plans = query_plans(lambda: doctor_news(doctor_id=slot.doctor.doctor_id))
    assert [plan.collection for plan in plans] == ["notifications", "appointments"]
    assert all(plan.stage == "IXSCAN" for plan in plans), plans
