"""Template filters about appointments for the doctor portal: how long a request has left."""

from datetime import datetime

from django import template

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import request_expires_at
from core import clock

register = template.Library()


def time_left_text(expires_at: datetime, now: datetime) -> str:
    """ "expires in 3 h 20 min", "expires in 2 d 4 h", "expires in less than a minute", "expired"."""
    minutes = int((expires_at - now).total_seconds() // 60)
    if expires_at <= now:
        return "expired"
    if minutes < 1:
        return "expires in less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"expires in {days} d {hours} h"
    if hours:
        return f"expires in {hours} h {mins} min"
    return f"expires in {mins} min"


@register.filter
def request_time_left(appointment: Appointment) -> str:
    """How long a PENDING_CONFIRMATION request has before it expires (request_expires_at); "" otherwise."""
    if appointment.status != AppointmentStatus.PENDING_CONFIRMATION:
        return ""
    try:
        return time_left_text(request_expires_at(appointment), clock.now())
    except ValueError:
        return ""
