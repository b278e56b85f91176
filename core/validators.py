"""Format rules the seed states in several collections: named here once, with their messages."""

import math
import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

DAYS_OF_WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MSG_TIME_24H = "Enter a valid time in 24-hour HH:MM format, e.g. 09:00."
MSG_TIME_12H = "Enter a valid time in 12-hour hh:mm AM/PM format, e.g. 09:00 AM."
MSG_DATE = "Enter a valid date in YYYY-MM-DD format."
MSG_DAY = "Enter a day name from Monday to Sunday."
MSG_FEE_NEGATIVE = "Consultation fee must be 0 or more."
MSG_FEE_TOO_LARGE = "Consultation fee is too large."
MAX_FEE = 10_000_000

# Seed: consultationFee >= 0 on doctors, their clinic entries, slots and appointments. The ceiling is ours
# (issue 16): far above any real fee, and below what a BSON number holds exactly, so 1e308 is a 400, not a 500.
FEE_VALIDATORS = [
    MinValueValidator(0, message=MSG_FEE_NEGATIVE),
    MaxValueValidator(MAX_FEE, message=MSG_FEE_TOO_LARGE),
]


# [0-9], not \d (which matches any script's digits, e.g. "10:0٩ AM"), and \Z, not $ (which allows a final "\n").
_TIME_24H = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z")
_TIME_12H = re.compile(r"^(0[1-9]|1[0-2]):[0-5][0-9] (AM|PM)\Z")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def validate_time_24h(value: str) -> None:
    if not isinstance(value, str) or not _TIME_24H.match(value):
        raise ValidationError(MSG_TIME_24H, code="invalid_time")


def is_time_24h(value: object) -> bool:
    return isinstance(value, str) and bool(_TIME_24H.match(value))


def validate_time_12h(value: str) -> None:
    if not isinstance(value, str) or not _TIME_12H.match(value):
        raise ValidationError(MSG_TIME_12H, code="invalid_time")


def validate_date(value: str) -> None:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValidationError(MSG_DATE, code="invalid_date")
    try:
        datetime.strptime(value, "%Y-%m-%d")  # noqa: DTZ007 - a calendar date, no zone involved
    except ValueError as exc:
        raise ValidationError(MSG_DATE, code="invalid_date") from exc


def whole_number(value: object) -> int | None:
    """A stored whole number (30, or 30.0 as a JavaScript driver may store it), else None: text, booleans,
    fractions, NaN and infinities are not numbers of minutes or places."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def stored_fee(value: object) -> int | float | None:
    """A stored fee the API can show (a finite number from 0 to MAX_FEE), as stored; else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) and 0 <= value <= MAX_FEE else None


def is_date(value: object) -> bool:
    """Whether `value` is a real date as `YYYY-MM-DD` text (validate_date's rule)."""
    try:
        validate_date(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def validate_day_of_week(value: str) -> None:
    if value not in DAYS_OF_WEEK:
        raise ValidationError(MSG_DAY, code="invalid_day")


def minutes_of_day(hhmm: str) -> int:
    """Minutes since midnight of a valid 24-hour 'HH:MM' time."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def minutes_12h(value: str) -> int:
    """Minutes since midnight of a valid 12-hour "hh:mm AM/PM" time."""
    clock_part, meridiem = value.split(" ")
    hours, mins = (int(part) for part in clock_part.split(":"))
    return (hours % 12 + (12 if meridiem == "PM" else 0)) * 60 + mins


def time_12h(minutes: int) -> str:
    """Minutes since midnight as the seed's 12-hour "hh:mm AM"."""
    hours, mins = divmod(minutes, 60)
    return f"{(hours % 12) or 12:02d}:{mins:02d} {'AM' if hours < 12 else 'PM'}"
