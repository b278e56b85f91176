"""A doctor's notice rules: how soon a time can be booked, how far ahead, and until when a member may cancel
or move (docs/booking.md#notice-rules, docs/decisions/0043-notice-rules.md).

Each rule is the doctor's own field when set, else the settings' default:

| rule | doctor field | setting (default) |
|---|---|---|
| minimum booking notice | `bookingMinNoticeMinutes` | `BOOKING_MIN_NOTICE_MINUTES` (120) |
| booking horizon | `bookingHorizonDays` | `BOOKING_HORIZON_DAYS` (90) |
| member cancel/move cut-off | `memberChangeCutoffMinutes` | `MEMBER_CHANGE_CUTOFF_MINUTES` (120) |

`notice_rules` is the one reader; `doctor_notice_rules_set` the one writer of the doctor's fields.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from core import clock
from core.validators import whole_number
from doctors.discovery.availability import doctor_availability_changed
from doctors.models import MAX_HORIZON_DAYS, MAX_NOTICE_MINUTES, Doctor
from mongo.raw import collection

DEFAULT_BOOKING_HORIZON_DAYS = 90
DEFAULT_MIN_NOTICE_MINUTES = 120
DEFAULT_CHANGE_CUTOFF_MINUTES = 120

# Model attribute -> document field, for the one guarded write below.
_DOCUMENT_FIELDS: dict[str, str] = {
    "booking_min_notice_minutes": "bookingMinNoticeMinutes",
    "booking_horizon_days": "bookingHorizonDays",
    "member_change_cutoff_minutes": "memberChangeCutoffMinutes",
}


@dataclass(frozen=True)
class NoticeRules:
    """The rules in force for one doctor (the doctor's own values, else the settings')."""

    min_notice_minutes: int
    horizon_days: int
    change_cutoff_minutes: int


def notice_rules(doctor: Doctor | None) -> NoticeRules:
    """The doctor's notice rules; the settings' defaults for anything the doctor has not set (or no doctor)."""

    def rule(field: str, setting: str, default: int, lowest: int, highest: int) -> int:
        # A stored value the admin could not have saved (text, a boolean, out of range: written by hand or by
        # another system) is not the doctor's rule: the default applies, rather than a 500 or a horizon of -5 days.
        own = whole_number(getattr(doctor, field, None)) if doctor is not None else None
        return own if own is not None and lowest <= own <= highest else int(getattr(settings, setting, default))

    return NoticeRules(
        min_notice_minutes=rule(
            "booking_min_notice_minutes",
            "BOOKING_MIN_NOTICE_MINUTES",
            DEFAULT_MIN_NOTICE_MINUTES,
            0,
            MAX_NOTICE_MINUTES,
        ),
        horizon_days=rule(
            "booking_horizon_days", "BOOKING_HORIZON_DAYS", DEFAULT_BOOKING_HORIZON_DAYS, 1, MAX_HORIZON_DAYS
        ),
        change_cutoff_minutes=rule(
            "member_change_cutoff_minutes",
            "MEMBER_CHANGE_CUTOFF_MINUTES",
            DEFAULT_CHANGE_CUTOFF_MINUTES,
            0,
            MAX_NOTICE_MINUTES,
        ),
    )


def current_minute() -> datetime:
    """Now, clinic-local, to the minute: the rules count whole minutes (seconds do not count)."""
    return clock.local_now().replace(second=0, microsecond=0)


def earliest_bookable(rules: NoticeRules) -> datetime:
    """The first start a member may book now: the minimum notice after the current minute, and never the
    current minute itself (a time starting now has begun)."""
    return current_minute() + timedelta(minutes=max(rules.min_notice_minutes, 1))


def member_change_deadline(rules: NoticeRules, starts_at: datetime) -> datetime:
    """The last minute a member may still cancel or move a visit starting at `starts_at`: the change is
    allowed while the current minute is at or before it (so "at the limit" is allowed)."""
    return starts_at - timedelta(minutes=rules.change_cutoff_minutes)


def duration_text(minutes: int) -> str:
    """120 -> "2 hours", 60 -> "1 hour", 90 -> "90 minutes", 1440 -> "1 day" (for messages)."""
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable")  # every whole number of minutes divides by 1


def duration_possessive(minutes: int) -> str:
    """ "2 hours'", "1 hour's": for "… notice"."""
    text = duration_text(minutes)
    return f"{text}'" if text.endswith("s") else f"{text}'s"


def doctor_notice_rules_set(
    *,
    doctor: Doctor,
    booking_min_notice_minutes: int | None,
    booking_horizon_days: int | None,
    member_change_cutoff_minutes: int | None,
) -> Doctor:
    """Set (or, with None, remove) the doctor's own notice rules in one update; the caller validated them
    (the model's validators: 0..a week, horizon 1..365 days)."""
    values = {
        "booking_min_notice_minutes": booking_min_notice_minutes,
        "booking_horizon_days": booking_horizon_days,
        "member_change_cutoff_minutes": member_change_cutoff_minutes,
    }
    to_set = {_DOCUMENT_FIELDS[name]: int(value) for name, value in values.items() if value is not None}
    to_unset = {_DOCUMENT_FIELDS[name]: "" for name, value in values.items() if value is None}
    update: dict[str, dict[str, object]] = {"$set": {**to_set, "updatedAt": clock.now()}}
    if to_unset:
        update["$unset"] = dict(to_unset)
    collection(Doctor._meta.db_table).update_one({"_id": doctor.pk}, update)
    doctor_availability_changed([doctor.doctor_id])
    for name, value in values.items():
        setattr(doctor, name, value)
    return doctor
